"""API v1 endpoints. Each reads through a selector or the tenant-scoped manager and writes
through one service; serializers only validate and shape."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from stockroom.accounts import selectors as account_selectors
from stockroom.accounts import services as account_services
from stockroom.accounts.models import Invitation, Membership, Organization
from stockroom.accounts.roles import Action
from stockroom.api.errors import NON_FIELD
from stockroom.api.idempotency import (
    IDEMPOTENCY_HEADER,
    KEY_PATTERN,
    MAX_KEY_LENGTH,
    REPLAYED_HEADER,
    idempotency_key,
)
from stockroom.api.pagination import CappedCountPagination, LedgerCursorPagination
from stockroom.api.permissions import HasOrganizationRole
from stockroom.api.tenancy import MAX_ID, ActiveOrganizationMixin
from stockroom.api.viewsets import (
    AtomicWriteMixin,
    CrudTenantViewSet,
    ReadOnlyTenantViewSet,
    ServiceWriteMixin,
    TenantViewSet,
)
from stockroom.catalog import selectors as catalog_selectors
from stockroom.catalog import services as catalog_services
from stockroom.catalog.models import Category, Customer, Product, Supplier
from stockroom.core.exceptions import ApplicationError, PermissionRefused
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

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=IDEMPOTENCY_HEADER,
    type={"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN},
    location=OpenApiParameter.HEADER,
    required=False,
    description="Send a unique key (1 to 100 printable ASCII characters) to make a retry safe: "
    "the same key and body return the first response and create nothing; the same key with "
    "another body is a 409. Keys are your own: another user's key never replays your request.",
)


# --- organizations and members -------------------------------------------------------------------


class OrganizationViewSet(
    AtomicWriteMixin,
    ActiveOrganizationMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The organizations you belong to, with your role in each. Owners change the active one."""

    queryset = Organization.objects.none()
    serializer_class = s.OrganizationSerializer
    permission_classes = [HasOrganizationRole]
    write_action = Action.MANAGE_ORGANIZATION
    filterset_fields = ["currency"]
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organization.objects.none()
        return (
            Organization.objects.filter(memberships__user=self.request.user)
            .annotate(my_role=F("memberships__role"))
            .order_by("name", "pk")
        )

    def perform_update(self, serializer):
        organization = serializer.instance
        if organization.pk != self.request.organization.pk:
            raise PermissionRefused(
                _("Select this organization (X-Organization header) to change it."),
                code="permission_denied",
            )
        data = serializer.validated_data
        updated = account_services.organization_update(
            actor=self.request.membership,
            organization=organization,
            name=data.get("name", organization.name),
            time_zone=data.get("time_zone", organization.time_zone),
            currency=data.get("currency", organization.currency),
        )
        updated.my_role = self.request.membership.role
        serializer.instance = updated


class MemberViewSet(ServiceWriteMixin, mixins.DestroyModelMixin, ReadOnlyTenantViewSet):
    """Members of the active organization. Owners change roles; a member may leave (delete
    their own membership); owners remove others. The last owner always stays."""

    queryset = Membership.objects.none()
    serializer_class = s.MembershipSerializer
    filterset_class = api_filters.MembershipFilter
    search_fields = ["user__email", "user__full_name"]
    ordering_fields = ["user__email", "role", "created_at"]
    # Leaving is open to every member; the service decides who may remove whom.
    action_permissions = {"destroy": Action.VIEW, "role": Action.MANAGE_MEMBERS}

    def get_tenant_queryset(self, organization):
        return account_selectors.organization_members(organization)

    def delete_object(self, instance) -> None:
        account_services.membership_remove(actor=self.request.membership, membership=instance)

    @extend_schema(request=s.MembershipRoleSerializer, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def role(self, request, *args, **kwargs):
        """Change a member's role."""
        membership = self.get_object()
        serializer = s.MembershipRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = account_services.membership_change_role(
            actor=request.membership, membership=membership, role=serializer.validated_data["role"]
        )
        return Response(s.MembershipSerializer(membership).data)


class InvitationViewSet(
    ServiceWriteMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, ReadOnlyTenantViewSet
):
    """Pending invitations. Creating one emails the invitee; deleting one revokes it."""

    queryset = Invitation.objects.none()
    serializer_class = s.InvitationSerializer
    filterset_class = api_filters.InvitationFilter
    search_fields = ["email"]
    ordering_fields = ["email", "created_at", "expires_at"]
    write_action = Action.INVITE_MEMBERS

    def get_serializer_class(self):
        if self.action == "create":
            return s.InvitationCreatedSerializer
        return super().get_serializer_class()

    def get_tenant_queryset(self, organization):
        return account_selectors.pending_invitations(organization)

    def create_object(self, data):
        return account_services.invitation_create(
            actor=self.request.membership,
            email=data["email"],
            role=data["role"],
        )

    def delete_object(self, instance) -> None:
        account_services.invitation_revoke(actor=self.request.membership, invitation=instance)


# --- catalog -------------------------------------------------------------------------------------


class CategoryViewSet(CrudTenantViewSet):
    """The category tree: `parent` null is a top-level category."""

    queryset = Category.objects.none()
    serializer_class = s.CategorySerializer
    filterset_class = api_filters.CategoryFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "product_count", "created_at"]
    write_action = Action.MANAGE_CATALOG

    def get_tenant_queryset(self, organization):
        return catalog_selectors.category_list(organization=organization)

    def create_object(self, data):
        return catalog_services.category_create(organization=self.request.organization, **data)

    def update_object(self, instance, data):
        return catalog_services.category_update(
            organization=self.request.organization,
            category=instance,
            name=data.get("name", instance.name),
            parent=data.get("parent", instance.parent),
            description=data.get("description", instance.description),
        )

    def delete_object(self, instance) -> None:
        catalog_services.category_delete(organization=self.request.organization, category=instance)


def _service_errors(exc: Exception) -> dict[str, list[str]]:
    if isinstance(exc, ApplicationError):
        return {exc.field or NON_FIELD: [exc.message]}
    if isinstance(exc, DjangoValidationError) and hasattr(exc, "error_dict"):
        return exc.message_dict
    return {NON_FIELD: list(getattr(exc, "messages", [str(exc)]))}


class ProductViewSet(CrudTenantViewSet):
    """Products. Send `image` by multipart (JPEG, PNG, WebP or GIF, checked by content)."""

    queryset = Product.objects.none()
    serializer_class = s.ProductSerializer
    pagination_class = CappedCountPagination
    filterset_class = api_filters.ProductFilter
    search_fields = ["sku", "name", "barcode", "description"]
    ordering_fields = ["sku", "name", "sale_price", "cost_price", "created_at", "updated_at"]
    write_action = Action.MANAGE_CATALOG

    def get_tenant_queryset(self, organization):
        # A list shows the category's id only: no category rows to load with 50 products.
        return catalog_selectors.product_list(
            organization=organization, with_category=self.action != "list"
        )

    def create_object(self, data):
        return catalog_services.product_create(organization=self.request.organization, **data)

    def update_object(self, instance, data):
        data = dict(data)
        data.pop("id", None)
        if "image" in data and data["image"] is None:
            data["image"] = False  # the service's "remove the image"
        return catalog_services.product_update(
            organization=self.request.organization, product=instance, data=data
        )

    def delete_object(self, instance) -> None:
        catalog_services.product_delete(organization=self.request.organization, product=instance)

    @extend_schema(
        request=s.ProductBulkSchemaSerializer,
        responses={200: s.ProductBulkResultSerializer},
        description="Create (no `id`) or update (with `id`) up to 1,000 products in one "
        "transaction: all succeed or nothing is written. Errors are keyed by item index, "
        "e.g. `items.3.sku`.",
    )
    @action(detail=False, methods=["post"], throttle_scope="bulk")
    def bulk(self, request, *args, **kwargs):
        envelope = s.ProductBulkSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        items = envelope.validated_data["items"]
        existing = self._existing_products(items)
        errors: dict[int, dict] = {}
        validated = []
        for index, item in enumerate(items):
            # Only an integer can name a product: an object or a list (unhashable) is an
            # unknown id like any other, not a lookup error.
            item_id = item.get("id")
            instance = (
                existing.get(item_id)
                if isinstance(item_id, int) and not isinstance(item_id, bool)
                else None
            )
            if "id" in item and instance is None:
                errors[index] = {"id": [_("No product of this organization has this id.")]}
                continue
            serializer = s.ProductBulkItemSerializer(
                instance,
                data=item,
                partial=instance is not None,
                context=self.get_serializer_context(),
            )
            if serializer.is_valid():
                validated.append((index, instance, serializer.validated_data))
            else:
                errors[index] = serializer.errors
        if errors:
            raise serializers.ValidationError({"items": errors})
        with transaction.atomic():
            products, created = self._write_bulk(validated)
        body = {
            "created": created,
            "updated": len(products) - created,
            "results": s.ProductSerializer(
                products, many=True, context=self.get_serializer_context()
            ).data,
        }
        return Response(body, status=status.HTTP_200_OK)

    def _existing_products(self, items) -> dict:
        ids = set()
        for item in items:
            value = item.get("id")
            if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
                ids.add(value)
        if not ids:
            return {}
        return Product.objects.filter(organization=self.request.organization).in_bulk(ids)

    def _write_bulk(self, validated) -> tuple[list[Product], int]:
        products, created, errors = [], 0, {}
        for index, instance, data in validated:
            data = {key: value for key, value in data.items() if key != "id"}
            try:
                with transaction.atomic():
                    if instance is None:
                        products.append(self.create_object(data))
                        created += 1
                    else:
                        products.append(self.update_object(instance, data))
            except (ApplicationError, DjangoValidationError) as exc:
                errors[index] = _service_errors(exc)
        if errors:
            # Raising inside the caller's atomic block rolls back every item already written.
            raise serializers.ValidationError({"items": errors})
        return products, created


class SupplierViewSet(CrudTenantViewSet):
    queryset = Supplier.objects.none()
    serializer_class = s.SupplierSerializer
    filterset_class = api_filters.SupplierFilter
    search_fields = ["name", "contact_name", "email", "phone"]
    ordering_fields = ["name", "contact_name", "email", "created_at"]
    write_action = Action.MANAGE_CATALOG

    def get_tenant_queryset(self, organization):
        return catalog_selectors.supplier_list(organization=organization)

    def create_object(self, data):
        return catalog_services.supplier_create(organization=self.request.organization, **data)

    def update_object(self, instance, data):
        return catalog_services.supplier_update(
            organization=self.request.organization, supplier=instance, data=data
        )

    def delete_object(self, instance) -> None:
        catalog_services.supplier_delete(organization=self.request.organization, supplier=instance)


class CustomerViewSet(CrudTenantViewSet):
    queryset = Customer.objects.none()
    serializer_class = s.CustomerSerializer
    filterset_class = api_filters.CustomerFilter
    search_fields = ["name", "contact_name", "email", "phone"]
    ordering_fields = ["name", "contact_name", "email", "created_at"]
    write_action = Action.MANAGE_CATALOG

    def get_tenant_queryset(self, organization):
        return catalog_selectors.customer_list(organization=organization)

    def create_object(self, data):
        return catalog_services.customer_create(organization=self.request.organization, **data)

    def update_object(self, instance, data):
        return catalog_services.customer_update(
            organization=self.request.organization, customer=instance, data=data
        )

    def delete_object(self, instance) -> None:
        catalog_services.customer_delete(organization=self.request.organization, customer=instance)


# --- places --------------------------------------------------------------------------------------


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


# --- stock ---------------------------------------------------------------------------------------


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


__all__ = ["TenantViewSet"]
