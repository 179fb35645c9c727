"""Purchase order endpoints."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from stockroom.api.idempotency import IDEMPOTENCY_PARAMETER, idempotency_key, run_once
from stockroom.orders import selectors as order_selectors
from stockroom.orders import services as order_services
from stockroom.orders.models import PurchaseOrder, PurchaseOrderLine, PurchaseOrderReceipt
from stockroom.orders.transitions import PURCHASE_ORDER_TRANSITIONS

from .. import filters as api_filters
from .. import serializers as os
from .common import OrderViewSet, errors_on_lines, purchase_line_inputs


class PurchaseOrderViewSet(OrderViewSet):
    """Purchase orders: draft → sent → partially received → received or closed (short), or
    cancelled before any receipt. Lines are edited while the order is a draft (`lines` replaces
    them all)."""

    queryset = PurchaseOrder.objects.none()
    serializer_class = os.PurchaseOrderSerializer
    filterset_class = api_filters.PurchaseOrderFilter
    search_fields = ["number", "supplier__name", "notes", "lines__product__sku"]
    ordering_fields = ["number", "status", "expected_date", "created_at"]
    action_permissions = PURCHASE_ORDER_TRANSITIONS.action_permissions(
        "send", "cancel", "close", "receive"
    )

    def get_tenant_queryset(self, organization):
        lines = PurchaseOrderLine.objects.select_related("product", "receiving_location").order_by(
            "pk"
        )
        return (
            order_selectors.purchase_order_list(organization=organization)
            .prefetch_related(None)
            .prefetch_related(Prefetch("lines", lines))
        )

    def create_object(self, data):
        return order_services.purchase_order_create(
            organization=self.request.organization,
            user=self.request.user,
            supplier=data["supplier"],
            lines=purchase_line_inputs(data["lines"]),
            expected_date=data.get("expected_date"),
            notes=data.get("notes", ""),
        )

    def update_object(self, instance, data):
        lines = data.get("lines")
        return order_services.purchase_order_update(
            order=instance,
            supplier=data.get("supplier", instance.supplier),
            lines=(
                purchase_line_inputs(lines)
                if lines is not None
                else [
                    order_services.PurchaseLineInput(
                        product=line.product,
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        receiving_location=line.receiving_location,
                    )
                    for line in instance.lines.all()
                ]
            ),
            expected_date=data.get("expected_date", instance.expected_date),
            notes=data.get("notes", instance.notes),
        )

    @extend_schema(request=None, responses=os.PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, *args, **kwargs):
        """Send a draft: it becomes `sent` and is emailed to the supplier (when it has an email)."""
        return self.transition(order_services.purchase_order_send)

    @extend_schema(request=None, responses=os.PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        """Cancel an order nothing has been received against; a partly received order is
        closed short instead (409 `order_has_receipts`)."""
        return self.transition(order_services.purchase_order_cancel)

    @extend_schema(request=None, responses=os.PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Close a partially received order short: it becomes `closed`, its `total` is what was
        received, and its outstanding quantities are no longer on order."""
        return self.transition(order_services.purchase_order_close)

    @extend_schema(
        request=os.PurchaseOrderReceiveSerializer,
        responses={201: os.PurchaseOrderReceiveResultSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, *args, **kwargs):
        """Receive some or all lines (partial receipts allowed), each into its `location`, else
        its line's receiving location, else the receipt's `location`. Each receipt posts a
        ledger movement at the line's unit price; lot-tracked products need `lot_number`. More
        than outstanding is refused unless `over_receipt` is true."""
        return run_once(request, idempotency_key(request), self._receive)

    def _receive(self) -> Response:
        order = self.get_object()
        body = os.PurchaseOrderReceiveSerializer(
            data=self.request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        lines = {line.pk: line for line in order.lines.all()}
        unknown = {
            f"lines.{index}.line": [_("This line is not on the purchase order.")]
            for index, entry in enumerate(data["lines"])
            if entry["line"] not in lines
        }
        if unknown:
            raise serializers.ValidationError(unknown)
        receipts = [
            order_services.ReceiptInput(
                line=lines[entry["line"]],
                quantity=entry["quantity"],
                lot_number=entry["lot_number"],
                expiry_date=entry["expiry_date"],
                location=entry["location"],
            )
            for entry in data["lines"]
        ]
        index_of_line = {entry["line"]: index for index, entry in enumerate(data["lines"])}
        with errors_on_lines(index_of_line=index_of_line):
            posted = order_services.purchase_order_receive(
                order=order,
                user=self.request.user,
                location=data["location"],
                receipts=receipts,
                allow_over_receipt=data["over_receipt"],
            )
        receipts = PurchaseOrderReceipt.objects.filter(
            pk__in=[receipt.pk for receipt in posted]
        ).select_related("line", "lot")
        result = {
            "order": self.get_serializer(self.detail_object(order.pk)).data,
            "receipts": os.PurchaseOrderReceiptSerializer(receipts, many=True).data,
        }
        return Response(result, status=status.HTTP_201_CREATED)
