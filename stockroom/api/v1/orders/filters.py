"""FilterSets of the order endpoints: purchase orders, sales orders and stock counts."""

import django_filters as filters

from django.db.models import Exists, OuterRef

from stockroom.api.filters import IdFilter, UtcDateTimeFilter
from stockroom.orders.models import (
    PurchaseOrder,
    PurchaseOrderStatus,
    SalesOrder,
    SalesOrderLine,
    SalesOrderStatus,
    StockCount,
    StockCountStatus,
)


class PurchaseOrderFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PurchaseOrderStatus.choices)
    supplier = IdFilter(field_name="supplier_id")
    product = IdFilter(field_name="lines__product_id", distinct=True)
    expected_before = filters.DateFilter(field_name="expected_date", lookup_expr="lte")
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = PurchaseOrder
        fields = ["status", "supplier", "product", "expected_before"]


class SalesOrderFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=SalesOrderStatus.choices)
    customer = IdFilter(field_name="customer_id")
    product = IdFilter(field_name="lines__product_id", distinct=True)
    backordered = filters.BooleanFilter(method="filter_backordered")
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = SalesOrder
        fields = ["status", "customer", "product"]

    def filter_backordered(self, queryset, name, value):
        with_backorders = Exists(
            SalesOrderLine.objects.filter(order=OuterRef("pk"), backordered_quantity__gt=0)
        )
        return queryset.filter(with_backorders if value else ~with_backorders)


class StockCountFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=StockCountStatus.choices)
    warehouse = IdFilter(field_name="warehouse_id")
    location = IdFilter(field_name="location_id")
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = StockCount
        fields = ["status", "warehouse", "location"]
