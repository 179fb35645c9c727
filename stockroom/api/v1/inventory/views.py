"""Places and stock endpoints of API v1: warehouses, locations, lots, stock levels and the
movement ledger. Reads go through a selector or the tenant-scoped manager, writes through one
inventory service."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import filters, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from django.utils.translation import gettext as _

from stockroom.accounts.roles import Action
from stockroom.api.idempotency import IDEMPOTENCY_PARAMETER, REPLAYED_HEADER, idempotency_key
from stockroom.api.pagination import CappedCountPagination, LedgerCursorPagination
from stockroom.api.viewsets import CrudTenantViewSet, ReadOnlyTenantViewSet
from stockroom.core.exceptions import ApplicationError
from stockroom.inventory import selectors as inventory_selectors
from stockroom.inventory import services as inventory_services
from stockroom.inventory.models import (
    Location,
    Lot,
    MovementKind,
    StockLevel,
    StockMovement,
    Warehouse,
)

from . import filters as api_filters
from . import serializers as s


class WarehouseViewSet(CrudTenantViewSet):
    queryset = Warehouse.objects.none()
    serializer_class = s.WarehouseSerializer
    filterset_class = api_filters.WarehouseFilter
    search_fields = ["code", "name", "address"]
    ordering_fields = ["code", "name", "created_at"]
    write_action = Action.MANAGE_WAREHOUSES

    def get_tenant_queryset(self, organization):
        return Warehouse.objects.filter(organization=organization).order_by("code", "pk")

    def create_object(self, data):
        return inventory_services.warehouse_create(organization=self.request.organization, **data)

    def update_object(self, instance, data):
        fields = ("code", "name", "address", "is_active")
        values = {field: data.get(field, getattr(instance, field)) for field in fields}
        return inventory_services.warehouse_update(warehouse=instance, **values)

    def delete_object(self, instance) -> None:
        inventory_services.warehouse_delete(warehouse=instance)


class LocationViewSet(CrudTenantViewSet):
    """Bins and zones: a tree inside each warehouse. A location's warehouse is fixed."""

    queryset = Location.objects.none()
    serializer_class = s.LocationSerializer
    filterset_class = api_filters.LocationFilter
    search_fields = ["code", "name", "warehouse__code"]
    ordering_fields = ["code", "name", "warehouse__code", "created_at"]
    write_action = Action.MANAGE_WAREHOUSES

    def get_tenant_queryset(self, organization):
        return (
            Location.objects.filter(organization=organization)
            .select_related("warehouse")
            .order_by("warehouse__code", "code", "pk")
        )

    def create_object(self, data):
        return inventory_services.location_create(organization=self.request.organization, **data)

    def update_object(self, instance, data):
        if "warehouse" in data and data["warehouse"].pk != instance.warehouse_id:
            raise ApplicationError(
                _("A location cannot move to another warehouse."),
                code="warehouse_fixed",
                field="warehouse",
            )
        fields = ("code", "name", "parent", "is_active")
        values = {field: data.get(field, getattr(instance, field)) for field in fields}
        return inventory_services.location_update(location=instance, **values)

    def delete_object(self, instance) -> None:
        inventory_services.location_delete(location=instance)

    @extend_schema(
        request=s.LocationRangeSerializer,
        responses={201: s.LocationSerializer(many=True)},
        description="Create the locations `prefix` + `start` ... `prefix` + `end` (numbers "
        "zero-padded to `width` digits, e.g. A-01 ... A-20) in one warehouse, under an optional "
        "parent, at most 500 at a time. All or nothing: if the warehouse already uses any of "
        "the codes, the 400 names them (`prefix`) and nothing is written.",
    )
    # A write answering with a list: no list filters or pages in its schema.
    @action(
        detail=False,
        methods=["post"],
        url_path="range",
        throttle_scope="bulk",
        filter_backends=[],
        pagination_class=None,
    )
    def create_range(self, request, *args, **kwargs):
        serializer = s.LocationRangeSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        locations = inventory_services.location_create_range(
            organization=request.organization, **serializer.validated_data
        )
        return Response(
            s.LocationSerializer(locations, many=True).data, status=status.HTTP_201_CREATED
        )


class LotViewSet(ReadOnlyTenantViewSet):
    """Lots of lot-tracked products; receipts create them."""

    queryset = Lot.objects.none()
    serializer_class = s.LotSerializer
    filterset_class = api_filters.LotFilter
    search_fields = ["lot_number", "product__sku"]
    ordering_fields = ["lot_number", "expiry_date", "created_at"]

    def get_tenant_queryset(self, organization):
        return (
            Lot.objects.filter(organization=organization)
            .select_related("product")
            .order_by("expiry_date", "lot_number", "pk")
        )


class StockLevelViewSet(ReadOnlyTenantViewSet):
    """Balances per product, location and lot (rows with stock only). Read-only: stock changes
    only by posting movements."""

    queryset = StockLevel.objects.none()
    serializer_class = s.StockLevelSerializer
    pagination_class = CappedCountPagination
    filterset_class = api_filters.StockLevelFilter
    search_fields = ["product__sku", "product__name", "location__code", "lot__lot_number"]
    ordering_fields = ["product__sku", "location__code", "on_hand", "reserved"]

    def get_tenant_queryset(self, organization):
        return inventory_selectors.stock_levels(organization=organization)


class StockMovementViewSet(mixins.CreateModelMixin, ReadOnlyTenantViewSet):
    """The stock ledger, newest first, in cursor pages. Movements are posted here and never
    changed or deleted: a correction is a new movement."""

    queryset = StockMovement.objects.none()
    serializer_class = s.StockMovementSerializer
    pagination_class = LedgerCursorPagination
    filterset_class = api_filters.StockMovementFilter
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    search_fields = ["reference", "reason", "product__sku", "lot__lot_number"]
    write_action = Action.POST_MOVEMENTS

    def get_tenant_queryset(self, organization):
        return inventory_selectors.movement_history(organization=organization)

    @extend_schema(
        request=s.StockMovementCreateSerializer,
        responses={201: s.StockMovementSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def create(self, request, *args, **kwargs):
        # The ledger's own idempotency key (per user) makes a retry return the movement it
        # posted (see inventory.services): no stored response, as the other POSTs have
        # (api.idempotency). Like every write, it commits with its rendered response.
        key = idempotency_key(request)
        serializer = s.StockMovementCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        movement = self._post(serializer.validated_data, key)
        return Response(
            s.StockMovementSerializer(movement).data,
            status=status.HTTP_201_CREATED,
            headers={REPLAYED_HEADER: "true"} if movement.replayed else None,
        )

    def _post(self, data: dict, key: str | None) -> StockMovement:
        common = {
            "organization": self.request.organization,
            "product": data["product"],
            "user": self.request.user,
            "reference": data.get("reference", ""),
            "idempotency_key": key,
        }
        kind = data["kind"]
        if kind == MovementKind.RECEIPT:
            return inventory_services.stock_receive(
                **common,
                location=data["location"],
                quantity=data["quantity"],
                unit_cost=data.get("unit_cost"),
                lot_number=data.get("lot_number", ""),
                expiry_date=data.get("expiry_date"),
                reason=data.get("reason", ""),
            )
        if kind in (MovementKind.ISSUE, MovementKind.SHIPMENT):
            # A client posting "shipment" says the stock was sold (e.g. by a web shop), so the
            # demand reports count it; "issue" is stock used or lost.
            return inventory_services.stock_issue(
                **common,
                location=data["location"],
                quantity=data["quantity"],
                lot=data.get("lot"),
                reason=data.get("reason", ""),
                kind=kind,
                reason_code=data.get("reason_code", ""),
            )
        if kind == MovementKind.TRANSFER:
            return inventory_services.stock_transfer(
                **common,
                from_location=data["from_location"],
                to_location=data["to_location"],
                quantity=data["quantity"],
                lot=data.get("lot"),
                reason=data.get("reason", ""),
            )
        return inventory_services.stock_adjust(
            **common,
            location=data["location"],
            quantity_delta=data["quantity"],
            lot=data.get("lot"),
            reason=data["reason"],
        )
