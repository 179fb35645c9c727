"""Stock count endpoints."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from django.utils.translation import gettext as _

from stockroom.accounts.roles import Action
from stockroom.api.idempotency import IDEMPOTENCY_PARAMETER, idempotency_key, run_once
from stockroom.api.viewsets import TenantViewSet
from stockroom.core.exceptions import ApplicationError
from stockroom.orders import selectors as order_selectors
from stockroom.orders import services as order_services
from stockroom.orders.models import StockCount
from stockroom.orders.transitions import STOCK_COUNT_TRANSITIONS

from .. import filters as api_filters
from .. import serializers as os
from .common import errors_on_lines


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
