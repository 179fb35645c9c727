"""The stock list's search and counts on a large organization: matching products, bins and
lots are looked up first, stock rows then found by their own columns; a count reads no
product."""

from decimal import Decimal

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory import selectors
from stockroom.inventory.tests.factories import (
    LocationFactory,
    LotFactory,
    StockLevelFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(organization, other_organization):
    """Five stock rows in two bins; one of another organization that every search would match."""
    warehouse = WarehouseFactory(organization=organization, code="MAIN")
    shelf = LocationFactory(organization=organization, warehouse=warehouse, code="SHELF-7")
    floor = LocationFactory(organization=organization, warehouse=warehouse, code="FLOOR")
    valve = ProductFactory(organization=organization, sku="VLV-100", name="Brass valve")
    hinge = ProductFactory(organization=organization, sku="HNG-200", name="Steel hinge")
    glue = ProductFactory(
        organization=organization, sku="GLU-300", name="Glue", barcode="4006381333931"
    )
    lot = LotFactory(organization=organization, product=glue, lot_number="B-2026-17")
    rows = {
        "valve@shelf": StockLevelFactory(
            organization=organization, product=valve, location=shelf, on_hand=Decimal(4)
        ),
        "valve@floor": StockLevelFactory(
            organization=organization, product=valve, location=floor, on_hand=Decimal(1)
        ),
        "hinge@floor": StockLevelFactory(
            organization=organization, product=hinge, location=floor, on_hand=Decimal(2)
        ),
        "glue@floor": StockLevelFactory(
            organization=organization,
            product=glue,
            location=floor,
            lot=lot,
            on_hand=Decimal(5),
            reserved=Decimal(5),
        ),
    }
    StockLevelFactory(organization=organization, product=hinge, location=shelf, on_hand=Decimal(0))
    foreign = ProductFactory(organization=other_organization, sku="VLV-999", name="Brass valve")
    StockLevelFactory(
        organization=other_organization,
        product=foreign,
        location=LocationFactory(organization=other_organization, code="SHELF-7"),
        on_hand=Decimal(9),
    )
    return rows


def _found(organization, search: str) -> list:
    return list(selectors.stock_levels(organization=organization, search=search))


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        pytest.param("vlv-1", ["valve@floor", "valve@shelf"], id="sku-part"),
        pytest.param("hinge", ["hinge@floor"], id="name-part"),
        pytest.param("4006381333931", ["glue@floor"], id="barcode-exact"),
        pytest.param("40063813", [], id="barcode-part-is-no-match"),
        pytest.param("shelf", ["valve@shelf"], id="bin-code"),
        pytest.param("2026-17", ["glue@floor"], id="lot-number"),
        pytest.param("nothing like it", [], id="no-match"),
    ],
)
def test_search_finds_rows_by_product_bin_or_lot(organization, stock, search, expected):
    assert _found(organization, search) == [stock[name] for name in expected]


def test_common_terms_search_through_the_join_with_the_same_rows(organization, stock, monkeypatch):
    by_ids = _found(organization, "l")  # every product, bin and lot has an "l"
    monkeypatch.setattr(selectors, "STOCK_SEARCH_ID_LIMIT", 1)

    by_join = _found(organization, "l")

    assert (
        by_join
        == by_ids
        == [
            stock["glue@floor"],
            stock["hinge@floor"],
            stock["valve@floor"],
            stock["valve@shelf"],
        ]
    )


def test_search_with_no_match_reads_no_stock_row(organization, stock):
    with CaptureQueriesContext(connection) as queries:
        assert _found(organization, "nothing like it") == []

    assert not any("inventory_stocklevel" in query["sql"] for query in queries)


def test_counting_a_warehouses_stock_reads_no_product(organization, stock):
    warehouse = stock["valve@floor"].location.warehouse
    levels = selectors.stock_levels(organization=organization, warehouse=warehouse)

    with CaptureQueriesContext(connection) as queries:
        assert levels.count() == 4

    assert "catalog_product" not in queries[0]["sql"]
    assert list(levels) == [
        stock["glue@floor"],
        stock["hinge@floor"],
        stock["valve@floor"],
        stock["valve@shelf"],
    ]


def test_products_bins_and_lots_are_looked_up_in_one_query(organization, stock):
    with CaptureQueriesContext(connection) as queries:
        # "-" is in every SKU (VLV-100, HNG-200, GLU-300), in bin SHELF-7 and lot B-2026-17.
        found = selectors._search_matches(organization.pk, "-")

    assert len(queries) == 1
    assert found == (
        sorted(stock[name].product_id for name in ("valve@shelf", "hinge@floor", "glue@floor")),
        [stock["valve@shelf"].location_id],
        [stock["glue@floor"].lot_id],
    )


def test_a_kind_with_more_matches_than_the_limit_is_none(organization, stock, monkeypatch):
    monkeypatch.setattr(selectors, "STOCK_SEARCH_ID_LIMIT", 2)

    assert selectors._search_matches(organization.pk, "-") == (
        None,
        [stock["valve@shelf"].location_id],
        [stock["glue@floor"].lot_id],
    )
