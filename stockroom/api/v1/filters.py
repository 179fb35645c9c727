"""FilterSets of API v1. Foreign keys filter by id (IdFilter), never by a choice queryset
of all rows, so a filter cannot reveal or cost a query over another organization's data."""

from datetime import UTC

import django_filters as filters

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from stockroom.accounts.models import Invitation, Membership
from stockroom.catalog import selectors as catalog_selectors
from stockroom.catalog.models import Category, Customer, Product, Supplier
from stockroom.core.ids import MAX_ID
from stockroom.inventory.models import (
    Location,
    Lot,
    MovementKind,
    StockLevel,
    StockMovement,
    Warehouse,
)
from stockroom.orders.models import (
    PurchaseOrder,
    PurchaseOrderStatus,
    SalesOrder,
    SalesOrderLine,
    SalesOrderStatus,
    StockCount,
    StockCountStatus,
)


class IdField(forms.IntegerField):
    """A row's id: a whole number from 1 to the largest 64-bit key, else a 400 on the filter
    (a larger number overflowed SQLite's parameters as a 500)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdFilter(filters.NumberFilter):
    field_class = IdField


_FORM_CLASSES: dict[tuple[type, str | None], type] = {}


class FormBuiltOnceFilterSet(filters.FilterSet):
    """A FilterSet whose form class is built once per class (and language). django-filter
    builds it anew for every request, a form field per filter with its label; these filters'
    fields depend on nothing in the request, and the form still copies them per instance."""

    def get_form_class(self):
        key = (type(self), translation.get_language())
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = _FORM_CLASSES[key] = super().get_form_class()
        return form_class


class MembershipFilter(filters.FilterSet):
    class Meta:
        model = Membership
        fields = ["role"]


class InvitationFilter(filters.FilterSet):
    class Meta:
        model = Invitation
        fields = ["role"]


class CategoryFilter(filters.FilterSet):
    parent = IdFilter(field_name="parent_id")
    root = filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label=_("Top level only")
    )

    class Meta:
        model = Category
        fields = ["parent", "root"]


class ProductFilter(FormBuiltOnceFilterSet):
    category = IdFilter(field_name="category_id")
    min_sale_price = filters.NumberFilter(field_name="sale_price", lookup_expr="gte")
    max_sale_price = filters.NumberFilter(field_name="sale_price", lookup_expr="lte")
    stock = filters.ChoiceFilter(
        choices=[
            (catalog_selectors.STOCK_LOW, "available at or below a positive reorder point"),
            (catalog_selectors.STOCK_OUT, "nothing available"),
        ],
        method="filter_stock",
    )

    class Meta:
        model = Product
        fields = ["category", "unit", "is_active", "is_lot_tracked", "barcode"]

    def filter_stock(self, queryset, name, value):
        return catalog_selectors.products_by_stock(queryset, value)


class SupplierFilter(filters.FilterSet):
    class Meta:
        model = Supplier
        fields = ["is_active"]


class CustomerFilter(filters.FilterSet):
    class Meta:
        model = Customer
        fields = ["is_active"]


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


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    """ISO 8601 allows offsets up to ±23:59, PostgreSQL only ±15:59: compare in UTC instead."""

    def filter(self, qs, value):
        if value is not None and value.tzinfo is not None:
            try:
                value = value.astimezone(UTC)
            except OverflowError:
                raise ValidationError(
                    {self.field_name: [_("Enter a date and time between years 1 and 9999.")]}
                ) from None
        return super().filter(qs, value)


class StockMovementFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=MovementKind.choices)
    product = IdFilter(field_name="product_id")
    lot = IdFilter(field_name="lot_id")
    location = IdFilter(method="filter_location")
    occurred_after = UtcDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = UtcDateTimeFilter(field_name="occurred_at", lookup_expr="lte")

    class Meta:
        model = StockMovement
        fields = ["kind", "product", "lot", "location", "occurred_after", "occurred_before"]

    def filter_location(self, queryset, name, value):
        return queryset.filter(from_location_id=value) | queryset.filter(to_location_id=value)


# --- orders --------------------------------------------------------------------------------------


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
