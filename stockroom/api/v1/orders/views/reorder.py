"""Reorder suggestion endpoints."""

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from stockroom.accounts.roles import Action
from stockroom.api.idempotency import IDEMPOTENCY_PARAMETER, idempotency_key, run_once
from stockroom.api.viewsets import TenantViewSet
from stockroom.catalog.models import Product
from stockroom.orders import selectors as order_selectors
from stockroom.orders import services as order_services
from stockroom.orders.models import PurchaseOrder, PurchaseOrderLine

from .. import serializers as os

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
