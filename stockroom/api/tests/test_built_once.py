"""Serializer fields and filter forms of the product and stock-level lists are built once per
class, then copied: each use still gets its own, and the output does not change."""

import pytest
from rest_framework import serializers

from stockroom.api.v1.catalog.filters import ProductFilter
from stockroom.api.v1.catalog.serializers import ProductBulkItemSerializer, ProductSerializer
from stockroom.catalog.models import Product
from stockroom.catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


class RebuiltProductSerializer(ProductSerializer):
    """The product serializer as DRF builds it, from the model on every use."""

    def get_fields(self):
        return serializers.ModelSerializer.get_fields(self)


def test_each_serializer_gets_its_own_bound_fields():
    first, second = ProductSerializer(), ProductSerializer()

    assert list(first.fields) == list(second.fields) == ProductSerializer.Meta.fields
    assert first.fields["sku"] is not second.fields["sku"]
    assert (first.fields["sku"].parent, second.fields["sku"].parent) == (first, second)


def test_a_subclass_builds_its_own_fields():
    assert "image" in ProductSerializer().fields  # the parent's are built (and kept) first

    fields = list(ProductBulkItemSerializer().fields)

    assert "image" not in fields
    assert fields[0] == "id"


def test_output_is_what_drf_builds(organization):
    product = ProductFactory(
        organization=organization, category=CategoryFactory(organization=organization)
    )
    bare = ProductFactory(organization=organization)

    for row in (product, bare):
        assert ProductSerializer(row).data == RebuiltProductSerializer(row).data


def test_filter_forms_share_a_class_but_not_their_fields(organization):
    active = ProductFactory(organization=organization, is_active=True)
    inactive = ProductFactory(organization=organization, is_active=False)
    products = Product.unscoped.filter(organization=organization)

    shown = ProductFilter({"is_active": "true"}, queryset=products)
    hidden = ProductFilter({"is_active": "false"}, queryset=products)

    assert type(shown.form) is type(hidden.form)
    assert shown.form.fields["is_active"] is not hidden.form.fields["is_active"]
    assert (list(shown.qs), list(hidden.qs)) == ([active], [inactive])
