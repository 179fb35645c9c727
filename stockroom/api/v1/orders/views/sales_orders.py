"""Sales order endpoints, with their shipments."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from stockroom.api.idempotency import IDEMPOTENCY_PARAMETER, idempotency_key, run_once
from stockroom.orders import selectors as order_selectors
from stockroom.orders import services as order_services
from stockroom.orders.models import (
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
)
from stockroom.orders.transitions import SALES_ORDER_TRANSITIONS

from .. import filters as api_filters
from .. import serializers as os
from .common import OrderViewSet, current_line_inputs, errors_on_lines, line_inputs


class SalesOrderViewSet(OrderViewSet):
    """Sales orders: draft → confirmed (stock reserved) → partially shipped → shipped (one
    shipment document each time), or cancelled before anything shipped (reservations released).
    Never oversells: confirming reserves stock or refuses."""

    queryset = SalesOrder.objects.none()
    serializer_class = os.SalesOrderSerializer
    filterset_class = api_filters.SalesOrderFilter
    search_fields = ["number", "customer__name", "notes", "lines__product__sku"]
    ordering_fields = ["number", "status", "created_at", "confirmed_at", "shipped_at"]
    action_permissions = {
        **SALES_ORDER_TRANSITIONS.action_permissions(
            "confirm", "reserve_backorders", "ship", "cancel"
        ),
        "create_shipment": SALES_ORDER_TRANSITIONS["ship"].action,
    }

    def get_tenant_queryset(self, organization):
        lines = SalesOrderLine.objects.select_related("product").order_by("pk")
        return (
            order_selectors.sales_order_list(organization=organization)
            .prefetch_related(None)
            .prefetch_related(Prefetch("lines", lines))
        )

    def create_object(self, data):
        return order_services.sales_order_create(
            organization=self.request.organization,
            user=self.request.user,
            customer=data["customer"],
            lines=line_inputs(data["lines"]),
            notes=data.get("notes", ""),
        )

    def update_object(self, instance, data):
        lines = data.get("lines")
        return order_services.sales_order_update(
            order=instance,
            customer=data.get("customer", instance.customer),
            lines=line_inputs(lines) if lines is not None else current_line_inputs(instance),
            notes=data.get("notes", instance.notes),
        )

    @extend_schema(request=os.SalesOrderConfirmSerializer, responses=os.SalesOrderSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, *args, **kwargs):
        """Reserve every line's stock. `on_shortage`: `refuse` (default) reserves nothing when a
        line cannot be covered in full (400 `insufficient_stock`); `backorder` reserves what
        is available and backorders the rest."""
        body = os.SalesOrderConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        backorder = body.validated_data["on_shortage"] == os.SalesOrderConfirmSerializer.BACKORDER
        return self.transition(order_services.sales_order_confirm, allow_backorder=backorder)

    @extend_schema(request=None, responses=os.SalesOrderSerializer)
    @action(detail=True, methods=["post"], url_path="reserve-backorders")
    def reserve_backorders(self, request, *args, **kwargs):
        """Try again to reserve the backordered quantities of a confirmed order."""
        return self.transition(order_services.sales_order_reserve_backorders)

    @extend_schema(
        request=None, responses=os.SalesOrderSerializer, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    def ship(self, request, *args, **kwargs):
        """Ship everything reserved and not yet shipped as one shipment; backordered quantities
        stay on the order (`partially_shipped`) until reserved and shipped."""
        return run_once(
            request,
            idempotency_key(request),
            lambda: self.transition(order_services.sales_order_ship),
        )

    @extend_schema(responses=os.ShipmentSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def shipments(self, request, *args, **kwargs):
        """The order's shipments, oldest first, with their lines."""
        order = self.get_object()
        return Response(os.ShipmentSerializer(_shipments_of(order), many=True).data)

    @extend_schema(
        request=os.ShipmentCreateSerializer,
        responses={201: os.ShipmentSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @shipments.mapping.post
    def create_shipment(self, request, *args, **kwargs):
        """Ship quantities per line (`lines`: [{line, quantity}], default: everything reserved
        and not yet shipped) as one shipment SHP-00001 with carrier and tracking number. A
        quantity above a line's open reservation is refused (400, naming the line)."""
        return run_once(request, idempotency_key(request), self._create_shipment)

    def _create_shipment(self) -> Response:
        order = self.get_object()
        body = os.ShipmentCreateSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        lines = None
        if "lines" in data:
            by_id = {line.pk: line for line in order.lines.select_related("product")}
            unknown = {
                f"lines.{index}.line": [_("This line is not on the sales order.")]
                for index, entry in enumerate(data["lines"])
                if entry["line"] not in by_id
            }
            if unknown:
                raise serializers.ValidationError(unknown)
            lines = [(by_id[entry["line"]], entry["quantity"]) for entry in data["lines"]]
        with errors_on_lines():
            shipment = order_services.sales_order_ship(
                order=order,
                user=self.request.user,
                lines=lines,
                carrier=data["carrier"],
                tracking_number=data["tracking_number"],
                notes=data["notes"],
            )
        shipment = _shipments_of(order).get(pk=shipment.pk)
        return Response(os.ShipmentSerializer(shipment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=os.SalesOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        """Cancel a draft or confirmed order, releasing its reservations."""
        return self.transition(order_services.sales_order_cancel)


def _shipments_of(order: SalesOrder):
    lines = ShipmentLine.objects.select_related("line__product", "lot").order_by("pk")
    return (
        Shipment.objects.filter(order=order)
        .prefetch_related(Prefetch("lines", lines))
        .order_by("shipped_at", "pk")
    )
