from datetime import timedelta
from decimal import Decimal

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stockroom.accounts.tests.factories import OrganizationFactory
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory import selectors, services
from stockroom.inventory.models import MovementKind, StockLevel
from stockroom.inventory.tests.factories import LocationFactory

D = Decimal


def stock_rows(organization, count: int, *, lot_tracked: bool = False) -> None:
    """`count` products, each received at its own location and partly transferred/issued."""
    for n in range(count):
        product = ProductFactory(
            organization=organization, reorder_point=D(50), is_lot_tracked=lot_tracked
        )
        here = LocationFactory(organization=organization)
        there = LocationFactory(organization=organization, warehouse=here.warehouse)
        movement = services.stock_receive(
            organization=organization,
            product=product,
            location=here,
            quantity=D(10 + n),
            unit_cost=D("1.25"),
            lot_number=f"L{n}" if lot_tracked else "",
        )
        services.stock_transfer(
            organization=organization,
            product=product,
            from_location=here,
            to_location=there,
            quantity=D(2),
            lot=movement.lot,
        )
        services.stock_issue(
            reason_code="other",
            organization=organization,
            product=product,
            location=here,
            quantity=D(1),
            lot=movement.lot,
        )


LIST_SELECTORS = {
    "stock_levels": lambda org: selectors.stock_levels(organization=org),
    "stock_levels-search": lambda org: selectors.stock_levels(organization=org, search="SKU"),
    "movement_history": lambda org: selectors.movement_history(organization=org),
    "low_stock_products": lambda org: selectors.low_stock_products(organization=org),
}


def touch(rows) -> None:
    """Read every related field a list page shows."""
    for row in rows:
        for name in ("product", "location", "lot", "from_location", "to_location", "user"):
            related = getattr(row, name, None)
            if related is not None and hasattr(related, "warehouse"):
                str(related.warehouse)
            str(related)


def queries_for(organization, name) -> int:
    with CaptureQueriesContext(connection) as queries:
        touch(list(LIST_SELECTORS[name](organization)))
    return len(queries)


# A stock search first looks up the matching products, bins and lots (one query for all three).
LIST_SELECTOR_QUERIES = {"stock_levels-search": 2}


@pytest.mark.parametrize("name", list(LIST_SELECTORS))
def test_list_selectors_run_a_constant_number_of_queries(
    organization, django_assert_max_num_queries, name
):
    expected = LIST_SELECTOR_QUERIES.get(name, 1)
    stock_rows(organization, 3, lot_tracked=True)
    few = queries_for(organization, name)
    stock_rows(organization, 27)

    with django_assert_max_num_queries(expected):
        rows = list(LIST_SELECTORS[name](organization))
        touch(rows)
    assert few == queries_for(organization, name) == expected


def test_product_stock_by_location_is_one_query(organization, django_assert_num_queries):
    stock_rows(organization, 1, lot_tracked=True)
    product = StockLevel.unscoped.first().product

    with django_assert_num_queries(1):
        rows = list(selectors.product_stock_by_location(organization=organization, product=product))
        touch(rows)

    assert [(str(row.location), row.lot.lot_number, row.on_hand) for row in rows] == [
        (str(rows[0].location), "L0", D("7")),
        (str(rows[1].location), "L0", D("2")),
    ]


def test_stock_levels_filters(organization, other_organization):
    stock_rows(organization, 2)
    stock_rows(other_organization, 1)
    product = StockLevel.unscoped.filter(organization=organization).first().product
    level = StockLevel.unscoped.filter(product=product).order_by("pk").first()

    assert selectors.stock_levels(organization=organization).count() == 4
    assert selectors.stock_levels(organization=organization, product=product).count() == 2
    assert selectors.stock_levels(organization=organization, location=level.location).count() == 1
    assert (
        selectors.stock_levels(
            organization=organization, warehouse=level.location.warehouse
        ).count()
        == 2
    )
    assert list(selectors.stock_levels(organization=organization, search=product.sku)) == list(
        StockLevel.unscoped.filter(product=product).order_by("location__code")
    )


def test_stock_levels_leave_out_empty_rows(organization, product, location):
    services.stock_receive(
        organization=organization, product=product, location=location, quantity=D(2)
    )
    services.stock_issue(
        reason_code="other",
        organization=organization,
        product=product,
        location=location,
        quantity=D(2),
    )

    assert list(selectors.stock_levels(organization=organization)) == []


def test_product_totals(organization, product, location, other_location):
    services.stock_receive(
        organization=organization, product=product, location=location, quantity=D(7)
    )
    services.stock_receive(
        organization=organization, product=product, location=other_location, quantity=D(5)
    )
    services.stock_reserve(
        organization=organization, product=product, location=location, quantity=D(4)
    )

    assert selectors.product_totals(organization=organization, product=product) == {
        "on_hand": D("12"),
        "reserved": D("4"),
        "available": D("8"),
    }


def test_product_totals_without_stock_are_zero(organization, product):
    assert selectors.product_totals(organization=organization, product=product) == {
        "on_hand": D("0"),
        "reserved": D("0"),
        "available": D("0"),
    }


def test_movement_history_filters(organization, product, location, other_location):
    old = services.stock_receive(
        organization=organization,
        product=product,
        location=location,
        quantity=D(9),
        occurred_at=timezone.now() - timedelta(days=10),
    )
    moved = services.stock_transfer(
        organization=organization,
        product=product,
        from_location=location,
        to_location=other_location,
        quantity=D(3),
    )

    def history(**filters):
        return list(selectors.movement_history(organization=organization, **filters))

    assert history() == [moved, old]
    assert history(kind=MovementKind.RECEIPT) == [old]
    assert history(location=other_location) == [moved]
    assert history(warehouse=location.warehouse) == [moved, old]
    assert history(date_from=timezone.localdate() - timedelta(days=1)) == [moved]
    assert history(date_to=timezone.localdate() - timedelta(days=1)) == [old]
    assert history(date_to=timezone.now() - timedelta(days=5)) == [old]


def test_low_stock_products(organization, location):
    low = ProductFactory(organization=organization, sku="LOW", reorder_point=D(5))
    fine = ProductFactory(organization=organization, sku="FINE", reorder_point=D(5))
    ProductFactory(organization=organization, sku="NONE", reorder_point=D(0))
    ProductFactory(organization=organization, sku="EMPTY", reorder_point=D(1))
    ProductFactory(organization=organization, sku="OFF", reorder_point=D(1), is_active=False)
    for product, quantity in ((low, 8), (fine, 9)):
        services.stock_receive(
            organization=organization, product=product, location=location, quantity=D(quantity)
        )
    services.stock_reserve(organization=organization, product=low, location=location, quantity=D(3))

    rows = selectors.low_stock_products(organization=organization)

    assert [(p.sku, p.stock_on_hand, p.stock_available) for p in rows] == [
        ("EMPTY", D("0"), D("0")),
        ("LOW", D("8"), D("5")),
    ]


def test_inventory_valuation_is_per_organization(organization, other_organization, location):
    ours = ProductFactory(organization=organization)
    theirs = ProductFactory(organization=other_organization)
    services.stock_receive(
        organization=organization,
        product=ours,
        location=location,
        quantity=D(3),
        unit_cost=D("0.3333"),
    )
    services.stock_receive(
        organization=other_organization,
        product=theirs,
        location=LocationFactory(organization=other_organization),
        quantity=D(1),
        unit_cost=D("100"),
    )

    assert selectors.inventory_valuation(organization=organization) == D("1.00")
    assert selectors.inventory_valuation(organization=other_organization) == D("100.00")


def test_ledger_mismatches_reports_a_tampered_row(organization, product, location):
    services.stock_receive(
        organization=organization, product=product, location=location, quantity=D(4)
    )
    level = StockLevel.unscoped.get()
    StockLevel.unscoped.filter(pk=level.pk).update(on_hand=D("3"))

    assert selectors.ledger_mismatches(organization=organization) == [
        (product.pk, location.pk, None, D("4.000"), D("3.000"))
    ]


# --- Warehouse and location pages -----------------------------------------------------------


@pytest.fixture
def two_bins_stocked(organization, product, bulk_product, lot_product, location, other_location):
    """A warehouse's two bins with stock, reservations and an emptied row, next to a third bin
    (another warehouse) and another organization that the figures must leave out."""
    receive = services.stock_receive
    receive(organization=organization, product=product, location=location, quantity=D(10))
    receive(organization=organization, product=product, location=other_location, quantity=D(4))
    receive(organization=organization, product=bulk_product, location=location, quantity=D("2.5"))
    for number in ("L1", "L2"):
        receive(
            organization=organization,
            product=lot_product,
            location=location,
            quantity=D(3),
            lot_number=number,
        )
    services.stock_reserve(
        organization=organization, product=product, location=location, quantity=D(6)
    )
    # An emptied row: on hand 0, it adds no product and nothing to the sums.
    receive(organization=organization, product=bulk_product, location=other_location, quantity=D(1))
    services.stock_issue(
        reason_code="other",
        organization=organization,
        product=bulk_product,
        location=other_location,
        quantity=D(1),
    )
    elsewhere = LocationFactory(organization=organization, code="Z-99")
    receive(organization=organization, product=product, location=elsewhere, quantity=D(100))
    stock_rows(OrganizationFactory(), 1)
    return location, other_location


def test_warehouse_locations_count_and_sum_the_stocked_rows(
    organization, two_bins_stocked, warehouse, django_assert_num_queries
):
    empty = LocationFactory(organization=organization, warehouse=warehouse, code="C-01")

    with django_assert_num_queries(1):
        rows = [
            (row.code, row.product_count, row.on_hand)
            for row in selectors.warehouse_locations(organization=organization, warehouse=warehouse)
        ]

    assert rows == [("A-01", 3, D("18.5")), ("B-01", 1, D("4")), (empty.code, 0, D("0"))]


def test_warehouse_stock_totals_over_its_locations_only(
    organization, two_bins_stocked, warehouse, django_assert_num_queries
):
    with django_assert_num_queries(1):
        totals = selectors.warehouse_stock_totals(organization=organization, warehouse=warehouse)

    # BOLT-M8 in both bins counts once; the lot product's two lots count once.
    assert totals == {"total_on_hand": D("22.5"), "total_reserved": D("6"), "products": 3}


def test_warehouse_stock_totals_of_an_empty_warehouse_are_zero(organization, warehouse):
    assert selectors.warehouse_stock_totals(organization=organization, warehouse=warehouse) == {
        "total_on_hand": D("0"),
        "total_reserved": D("0"),
        "products": 0,
    }


def test_warehouse_stock_totals_are_scoped_to_the_organization(
    organization, other_organization, two_bins_stocked, warehouse
):
    assert selectors.warehouse_stock_totals(
        organization=other_organization, warehouse=warehouse
    ) == {"total_on_hand": D("0"), "total_reserved": D("0"), "products": 0}


def test_a_locations_stock_comes_by_sku(organization, location):
    # Created in the reverse of SKU order, so that the primary keys would give another order.
    for sku in ("C-3", "A-1", "B-2"):
        services.stock_receive(
            organization=organization,
            product=ProductFactory(organization=organization, sku=sku),
            location=location,
            quantity=D(1),
        )

    rows = selectors.stock_levels(organization=organization, location=location)

    assert [row.product.sku for row in rows] == ["A-1", "B-2", "C-3"]
