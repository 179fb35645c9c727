"""FilterSets of the places and stock endpoints."""

import django_filters as filters

from stockroom.api.filters import FormBuiltOnceFilterSet, IdFilter, UtcDateTimeFilter
from stockroom.inventory.models import (
    IssueReason,
    Location,
    Lot,
    MovementKind,
    StockLevel,
    StockMovement,
    Warehouse,
)


class WarehouseFilter(filters.FilterSet):
    class Meta:
        model = Warehouse
        fields = ["is_active"]


class LocationFilter(filters.FilterSet):
    warehouse = IdFilter(field_name="warehouse_id")
    parent = IdFilter(field_name="parent_id")

    class Meta:
        model = Location
        fields = ["warehouse", "parent", "is_active"]


class LotFilter(filters.FilterSet):
    product = IdFilter(field_name="product_id")
    expires_before = filters.DateFilter(field_name="expiry_date", lookup_expr="lte")

    class Meta:
        model = Lot
        fields = ["product", "expires_before"]


class StockLevelFilter(FormBuiltOnceFilterSet):
    product = IdFilter(field_name="product_id")
    location = IdFilter(field_name="location_id")
    warehouse = IdFilter(field_name="location__warehouse_id")
    lot = IdFilter(field_name="lot_id")

    class Meta:
        model = StockLevel
        fields = ["product", "location", "warehouse", "lot"]


class StockMovementFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=MovementKind.choices)
    reason_code = filters.ChoiceFilter(choices=IssueReason.choices)
    product = IdFilter(field_name="product_id")
    lot = IdFilter(field_name="lot_id")
    location = IdFilter(method="filter_location")
    occurred_after = UtcDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = UtcDateTimeFilter(field_name="occurred_at", lookup_expr="lte")

    class Meta:
        model = StockMovement
        fields = [
            "kind",
            "reason_code",
            "product",
            "lot",
            "location",
            "occurred_after",
            "occurred_before",
        ]

    def filter_location(self, queryset, name, value):
        return queryset.filter(from_location_id=value) | queryset.filter(to_location_id=value)
