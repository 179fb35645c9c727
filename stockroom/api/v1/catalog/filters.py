"""FilterSets of the catalog endpoints."""

import django_filters as filters

from django.utils.translation import gettext_lazy as _

from stockroom.api.filters import FormBuiltOnceFilterSet, IdFilter
from stockroom.catalog import selectors as catalog_selectors
from stockroom.catalog.models import Category, Customer, Product, Supplier


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
