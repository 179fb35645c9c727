"""What the order endpoints share: line errors, line inputs and the order viewset base."""

from contextlib import contextmanager

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from stockroom.accounts.roles import Action
from stockroom.api.errors import NON_FIELD
from stockroom.api.idempotency import IDEMPOTENCY_PARAMETER, idempotency_key, run_once
from stockroom.api.viewsets import ServiceWriteMixin, TenantViewSet
from stockroom.core.exceptions import ApplicationError
from stockroom.orders import services as order_services


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


def line_inputs(lines: list[dict]) -> list[order_services.LineInput]:
    return [
        order_services.LineInput(
            product=line["product"], quantity=line["quantity"], unit_price=line["unit_price"]
        )
        for line in lines
    ]


def purchase_line_inputs(lines: list[dict]) -> list[order_services.LineInput]:
    return [
        order_services.PurchaseLineInput(
            product=line["product"],
            quantity=line["quantity"],
            unit_price=line.get("unit_price"),
            receiving_location=line.get("receiving_location"),
        )
        for line in lines
    ]


def current_line_inputs(order) -> list[order_services.LineInput]:
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
