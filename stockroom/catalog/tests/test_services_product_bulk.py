"""product_bulk_upsert: creates and updates in one transaction, all or nothing, every item's
refusals reported at once by position."""

import pytest

from django.core.exceptions import ValidationError

from stockroom.catalog import services
from stockroom.catalog.models import Product
from stockroom.catalog.services import ProductUpsert
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory.tests.factories import StockLevelFactory

pytestmark = pytest.mark.django_db


def _stored(organization) -> list[tuple[str, str]]:
    return sorted(Product.unscoped.filter(organization=organization).values_list("sku", "name"))


def _refusals(organization, *items: ProductUpsert) -> dict[str, list[str]]:
    """What product_bulk_upsert refuses of `items`, by position and field; it must refuse."""
    with pytest.raises(ValidationError) as caught:
        services.product_bulk_upsert(organization=organization, items=list(items))
    return caught.value.message_dict


def test_bulk_upsert_creates_and_updates(organization):
    existing = ProductFactory(organization=organization, sku="OLD", name="Old")

    result = services.product_bulk_upsert(
        organization=organization,
        items=[
            ProductUpsert(product=None, data={"sku": "a-1", "name": "Alpha"}),
            ProductUpsert(product=existing, data={"name": "Old, renamed"}),
            ProductUpsert(product=None, data={"sku": "B-1", "name": "Beta"}),
        ],
    )

    assert (result.created, result.updated) == (2, 1)
    assert [product.sku for product in result.products] == ["A-1", "OLD", "B-1"]
    assert _stored(organization) == [("A-1", "Alpha"), ("B-1", "Beta"), ("OLD", "Old, renamed")]


def test_bulk_upsert_reports_every_refusal_by_position_and_writes_nothing(organization):
    existing = ProductFactory(organization=organization, sku="OLD", name="Old")

    refusals = _refusals(
        organization,
        ProductUpsert(product=None, data={"sku": "DUP", "name": "First"}),
        ProductUpsert(product=existing, data={"name": "  "}),
        ProductUpsert(product=None, data={"sku": "ok", "name": "Fine"}),
        ProductUpsert(product=None, data={"sku": "dup", "name": "Second"}),
    )

    assert refusals == {
        "items.1.name": ["Enter a name."],
        "items.3.sku": ["A product with SKU DUP already exists."],
    }
    assert _stored(organization) == [("OLD", "Old")]


def test_bulk_upsert_reports_a_conflict_at_its_position(organization):
    product = StockLevelFactory(organization=organization).product

    refusals = _refusals(
        organization,
        ProductUpsert(product=None, data={"sku": "NEW", "name": "New"}),
        ProductUpsert(product=product, data={"unit": "kg"}),
    )

    assert refusals == {
        "items.1.unit": [
            "The unit and lot tracking cannot change once the product has stock history."
        ]
    }
    assert not Product.unscoped.filter(organization=organization, sku="NEW").exists()


def test_bulk_upsert_refuses_a_product_of_another_organization(organization, other_organization):
    foreign = ProductFactory(organization=other_organization, name="Theirs")

    refusals = _refusals(organization, ProductUpsert(product=foreign, data={"name": "Mine"}))

    assert refusals == {"items.0.product": ["This product belongs to another organization."]}
    foreign.refresh_from_db()
    assert foreign.name == "Theirs"


def test_bulk_upsert_query_count(organization, django_assert_num_queries):
    existing = ProductFactory(organization=organization, sku="OLD")
    items = [
        ProductUpsert(product=None, data={"sku": "A-1", "name": "Alpha"}),
        ProductUpsert(product=existing, data={"name": "Renamed"}),
    ]

    # SAVEPOINT and RELEASE for the whole (2) and, per item, for the item and its service (4);
    # a create checks the SKU, inserts and records history (3); an update also reads the
    # stored unit and files first (4).
    with django_assert_num_queries(2 + 4 + 3 + 4 + 4):
        services.product_bulk_upsert(organization=organization, items=items)
