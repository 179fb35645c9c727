"""Order endpoints of API v1: purchase orders, sales orders, stock counts and reorder.

Documents are created and changed only through `stockroom.orders.services`; every state
transition is a `POST .../{id}/<action>/`. A refused transition is the service's
ApplicationError in the one error shape (409 for the state of the document, 400 for the input),
never a 500. Creating POSTs and the transitions that post stock (receive, ship, approve) honour
`Idempotency-Key`.
"""

from contextlib import contextmanager

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from stockroom.accounts.roles import Action
from stockroom.api.errors import NON_FIELD
from stockroom.api.idempotency import IDEMPOTENCY_PARAMETER, idempotency_key, run_once
from stockroom.api.viewsets import ServiceWriteMixin, TenantViewSet
from stockroom.catalog.models import Product
from stockroom.core.exceptions import ApplicationError
from stockroom.orders import selectors as order_selectors
from stockroom.orders import services as order_services
from stockroom.orders.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderReceipt,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
    StockCount,
)
from stockroom.orders.transitions import (
    PURCHASE_ORDER_TRANSITIONS,
    SALES_ORDER_TRANSITIONS,
    STOCK_COUNT_TRANSITIONS,
)

from . import filters as api_filters
from . import serializers as os


@contextmanager
def errors_on_lines(*, prefix: str = "lines", index_of_line: dict[int, int] | None = None):
    """Point a service refusal about one line at that line of the request (`lines.2.quantity`).

    Services name the line by its position in the input (`extra["index"]`) or by its id
    (`extra["line_id"]`); `index_of_line` maps ids to positions in the request body.
    """
    try:
        yield
    except ApplicationError as exc:
        index = exc.extra.get("index")
        if index is None and index_of_line is not None:
            index = index_of_line.get(exc.extra.get("line_id"))
        if index is not None:
            exc.field = f"{prefix}.{index}.{exc.field or NON_FIELD}"
        raise


def _line_inputs(lines: list[dict]) -> list[order_services.LineInput]:
    return [
        order_services.LineInput(
            product=line["product"], quantity=line["quantity"], unit_price=line["unit_price"]
        )
        for line in lines
    ]


def _purchase_line_inputs(lines: list[dict]) -> list[order_services.LineInput]:
    return [
        order_services.PurchaseLineInput(
            product=line["product"],
            quantity=line["quantity"],
            unit_price=line.get("unit_price"),
            receiving_location=line.get("receiving_location"),
        )
        for line in lines
    ]


def _current_line_inputs(order) -> list[order_services.LineInput]:
    return [
        order_services.LineInput(
            product=line.product, quantity=line.quantity, unit_price=line.unit_price
        )
        for line in order.lines.all()
    ]


class OrderViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    """Orders: created and edited (while draft) with their lines; never deleted — a draft that is
    not wanted is cancelled, so document numbers stay without gaps."""

    write_action = Action.MANAGE_ORDERS
    # Actions that hand the order to a service which re-reads it under lock, then answer with
    # `respond` (which reads it again): they need the row only, not its lines.
    row_only_actions = frozenset(
        {"send", "confirm", "reserve_backorders", "ship", "create_shipment", "cancel", "close"}
    )

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in self.row_only_actions:
            return queryset.prefetch_related(None)
        return queryset

    def detail_object(self, pk: int):
        return self.get_tenant_queryset(self.request.organization).get(pk=pk)

    def respond(self, order, code: int = status.HTTP_200_OK) -> Response:
        order = self.detail_object(order.pk)
        return Response(self.get_serializer(order).data, status=code)

    @extend_schema(parameters=[IDEMPOTENCY_PARAMETER])
    def create(self, request, *args, **kwargs):
        create = super().create
        return run_once(request, idempotency_key(request), lambda: create(request, *args, **kwargs))

    def perform_create(self, serializer):
        with errors_on_lines():
            order = self.create_object(serializer.validated_data)
        serializer.instance = self.detail_object(order.pk)

    def perform_update(self, serializer):
        with errors_on_lines():
            order = self.update_object(serializer.instance, serializer.validated_data)
        serializer.instance = self.detail_object(order.pk)

    def transition(self, service, **options) -> Response:
        order = self.get_object()
        service(order=order, user=self.request.user, **options)
        return self.respond(order)


# --- purchase orders -----------------------------------------------------------------------------


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
            lines=_purchase_line_inputs(data["lines"]),
            expected_date=data.get("expected_date"),
            notes=data.get("notes", ""),
        )

    def update_object(self, instance, data):
        lines = data.get("lines")
        return order_services.purchase_order_update(
            order=instance,
            supplier=data.get("supplier", instance.supplier),
            lines=(
                _purchase_line_inputs(lines)
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


# --- sales orders --------------------------------------------------------------------------------


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
            lines=_line_inputs(data["lines"]),
            notes=data.get("notes", ""),
        )

    def update_object(self, instance, data):
        lines = data.get("lines")
        return order_services.sales_order_update(
            order=instance,
            customer=data.get("customer", instance.customer),
            lines=_line_inputs(lines) if lines is not None else _current_line_inputs(instance),
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


# --- stock counts --------------------------------------------------------------------------------


class StockCountViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet
):
    """Count sheets: counting → submitted → approved (variances posted), or cancelled. A sheet
    lists what was on hand in a location (or a whole warehouse) when it was made."""

    queryset = StockCount.objects.none()
    serializer_class = os.StockCountSerializer
    filterset_class = api_filters.StockCountFilter
    search_fields = ["number", "warehouse__code", "warehouse__name", "location__code", "notes"]
    ordering_fields = ["number", "status", "created_at", "approved_at"]
    write_action = Action.MANAGE_ORDERS
    action_permissions = {
        **STOCK_COUNT_TRANSITIONS.action_permissions("submit", "reopen", "approve", "cancel"),
        # Entering counts and adding found stock are the table's `record`.
        "counts": STOCK_COUNT_TRANSITIONS["record"].action,
        "add_line": STOCK_COUNT_TRANSITIONS["record"].action,
    }

    def get_tenant_queryset(self, organization):
        return order_selectors.stock_count_list(organization=organization)

    def get_serializer_class(self):
        if self.action == "list":
            return os.StockCountSerializer
        return os.StockCountDetailSerializer

    def respond(self, count: StockCount, code: int = status.HTTP_200_OK) -> Response:
        count = self.get_tenant_queryset(self.request.organization).get(pk=count.pk)
        context = {
            **self.get_serializer_context(),
            "review": order_selectors.stock_count_review(count=count),
        }
        return Response(os.StockCountDetailSerializer(count, context=context).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self.respond(self.get_object())

    @extend_schema(
        request=os.StockCountSerializer,
        responses={201: os.StockCountDetailSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def create(self, request, *args, **kwargs):
        return run_once(request, idempotency_key(request), self._create)

    def _create(self) -> Response:
        body = os.StockCountSerializer(
            data=self.request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        count = order_services.stock_count_create(
            organization=self.request.organization,
            user=self.request.user,
            warehouse=data["warehouse"],
            location=data.get("location"),
            notes=data.get("notes", ""),
        )
        return self.respond(count, status.HTTP_201_CREATED)

    def transition(self, service) -> Response:
        count = self.get_object()
        service(count=count, user=self.request.user)
        return self.respond(count)

    @extend_schema(request=os.StockCountEntrySerializer, responses=os.StockCountDetailSerializer)
    @action(detail=True, methods=["post"])
    def counts(self, request, *args, **kwargs):
        """Enter counted quantities by line id (`null` clears a line), while counting."""
        count = self.get_object()
        body = os.StockCountEntrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entries = body.validated_data["lines"]
        quantities = {entry["line"]: entry["counted_quantity"] for entry in entries}
        if len(quantities) != len(entries):
            raise serializers.ValidationError({"lines": [_("Each line may appear only once.")]})
        index_of_line = {entry["line"]: index for index, entry in enumerate(entries)}
        try:
            with errors_on_lines(index_of_line=index_of_line):
                order_services.stock_count_record(
                    count=count, user=request.user, quantities=quantities
                )
        except ApplicationError as exc:
            if exc.code == "line_not_on_count":
                # The service names no line; find the first unknown id for the client.
                known = set(count.lines.values_list("pk", flat=True))
                index = next(i for i, e in enumerate(entries) if e["line"] not in known)
                exc.field = f"lines.{index}.line"
            raise
        return self.respond(count)

    @extend_schema(
        request=os.StockCountFoundItemSerializer, responses={201: os.StockCountDetailSerializer}
    )
    @action(detail=True, methods=["post"], url_path="lines")
    def add_line(self, request, *args, **kwargs):
        """Add stock found while counting that the sheet does not list, with its count."""
        count = self.get_object()
        body = os.StockCountFoundItemSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        order_services.stock_count_add_line(count=count, user=request.user, **body.validated_data)
        return self.respond(count, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=os.StockCountDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        """Hand a fully counted sheet to a manager for approval."""
        return self.transition(order_services.stock_count_submit)

    @extend_schema(request=None, responses=os.StockCountDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        """Send a submitted sheet back to counting."""
        return self.transition(order_services.stock_count_reopen)

    @extend_schema(
        request=None, responses=os.StockCountDetailSerializer, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        """Post each line's variance (counted − on hand now) as a count movement."""
        return run_once(
            request,
            idempotency_key(request),
            lambda: self.transition(order_services.stock_count_approve),
        )

    @extend_schema(request=None, responses=os.StockCountDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        """Abandon a sheet that is not approved; nothing is posted."""
        return self.transition(order_services.stock_count_cancel)


# --- reorder -------------------------------------------------------------------------------------

SUGGESTION_PARAMETERS = [
    OpenApiParameter("supplier", OpenApiTypes.INT, description="Preferred supplier id."),
    OpenApiParameter(
        "can_order", OpenApiTypes.BOOL, description="Only what `create-purchase-orders` orders."
    ),
    OpenApiParameter("search", OpenApiTypes.STR, description="In product SKU and name."),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT),
]


def _boolean(raw: str | None) -> bool | None:
    if raw in (None, ""):
        return None
    value = raw.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise serializers.ValidationError({"can_order": [_("Enter true or false.")]})


class ReorderSuggestionViewSet(TenantViewSet):
    """Products at or below their reorder point, with the quantity to order from their preferred
    supplier; `create-purchase-orders` turns them into draft purchase orders in one action."""

    queryset = Product.objects.none()
    serializer_class = os.ReorderSuggestionSerializer
    filter_backends: list = []
    action_permissions = {"create_purchase_orders": Action.MANAGE_ORDERS}

    @extend_schema(parameters=SUGGESTION_PARAMETERS)
    def list(self, request, *args, **kwargs):
        suggestions = order_selectors.reorder_suggestions(organization=request.organization)
        suggestions = self._filter(suggestions, request.query_params)
        page = self.paginate_queryset(suggestions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _filter(self, suggestions: list, params) -> list:
        supplier = params.get("supplier")
        if supplier not in (None, ""):
            try:
                supplier_id = int(supplier)
            except ValueError:
                raise serializers.ValidationError(
                    {"supplier": [_("Enter a whole number.")]}
                ) from None
            suggestions = [s for s in suggestions if s.supplier and s.supplier.pk == supplier_id]
        can_order = _boolean(params.get("can_order"))
        if can_order is not None:
            suggestions = [s for s in suggestions if s.can_order == can_order]
        search = (params.get("search") or "").strip().lower()
        if search:
            suggestions = [
                s
                for s in suggestions
                if search in s.product.sku.lower() or search in s.product.name.lower()
            ]
        return suggestions

    @extend_schema(
        request=None,
        responses={201: os.PurchaseOrderSerializer(many=True)},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    # pagination_class=None: it answers the bare list of the orders it created, and the schema
    # must not document a page around it.
    @action(
        detail=False,
        methods=["post"],
        url_path="create-purchase-orders",
        pagination_class=None,
    )
    def create_purchase_orders(self, request, *args, **kwargs):
        """One draft purchase order per preferred supplier for every orderable suggestion."""
        return run_once(request, idempotency_key(request), self._create_purchase_orders)

    def _create_purchase_orders(self) -> Response:
        orders = order_services.reorder_create_purchase_orders(
            organization=self.request.organization, user=self.request.user
        )
        lines = PurchaseOrderLine.objects.select_related("product").order_by("pk")
        created = (
            PurchaseOrder.objects.filter(pk__in=[order.pk for order in orders])
            .select_related("supplier")
            .prefetch_related(Prefetch("lines", lines))
            .order_by("pk")
        )
        context = self.get_serializer_context()
        body = os.PurchaseOrderSerializer(created, many=True, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)
