"""Sales orders competing for the last units, and shipments racing each other and a cancel of
the same order, on PostgreSQL with one connection per thread."""

from collections import Counter
from decimal import Decimal

import pytest

from stockroom.accounts.tests.factories import OrganizationFactory
from stockroom.catalog.tests.factories import CustomerFactory, ProductFactory
from stockroom.core.tests.concurrency import run_at_once
from stockroom.inventory.models import StockLevel
from stockroom.inventory.selectors import ledger_mismatches, product_total_mismatches
from stockroom.inventory.services import stock_receive
from stockroom.inventory.tests.factories import shelf_and_overflow
from stockroom.orders import services
from stockroom.orders.models import SalesOrder, SalesOrderLine, SalesOrderStatus, Shipment
from stockroom.orders.services import LineInput
from stockroom.orders.tests.invariants import open_reserved_total, reservation_gaps

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


@pytest.fixture
def shop():
    organization = OrganizationFactory()
    shelf, overflow = shelf_and_overflow(organization)
    customer = CustomerFactory(organization=organization)
    return organization, shelf, overflow, customer


def _order(organization, customer, lines):
    return services.sales_order_create(
        organization=organization,
        user=None,
        customer=customer,
        lines=[LineInput(product=p, quantity=D(q), unit_price=D("1")) for p, q in lines],
    )


def test_two_confirmations_for_the_last_units_exactly_one_wins(shop):
    organization, shelf, _overflow, customer = shop
    product = ProductFactory(organization=organization, sku="LAST")
    stock_receive(organization=organization, product=product, location=shelf, quantity=D("3"))
    first, second = (_order(organization, customer, [(product, "3")]) for _ in range(2))

    outcomes = run_at_once(
        [lambda o=o: services.sales_order_confirm(order=o, user=None) for o in (first, second)]
    )

    assert sorted(outcomes) == ["ok", "refused:insufficient_stock"]
    statuses = sorted(SalesOrder.objects.values_list("status", flat=True))
    assert statuses == [SalesOrderStatus.CONFIRMED, SalesOrderStatus.DRAFT]
    level = StockLevel.unscoped.get(product=product, location=shelf)
    assert (level.on_hand, level.reserved) == (D("3"), D("3"))


def test_many_orders_competing_never_oversell(shop):
    organization, shelf, overflow, customer = shop
    scarce = ProductFactory(organization=organization, sku="SCARCE")
    other = ProductFactory(organization=organization, sku="OTHER")
    for location, quantity in ((shelf, "6"), (overflow, "4")):
        stock_receive(
            organization=organization, product=scarce, location=location, quantity=D(quantity)
        )
        stock_receive(organization=organization, product=other, location=location, quantity=D("50"))
    # 12 orders want 2 of the 10 scarce units each; lines in both orders of products, so a
    # confirmation that locked row by row in line order would deadlock with another.
    orders = []
    for index in range(12):
        lines = [(scarce, "2"), (other, "1")] if index % 2 else [(other, "1"), (scarce, "2")]
        orders.append(_order(organization, customer, lines))
    backordering = orders[:4]
    jobs = [
        lambda o=o: services.sales_order_confirm(
            order=o, user=None, allow_backorder=o in backordering
        )
        for o in orders
    ]
    outcomes = run_at_once(jobs)

    assert [o for o in outcomes if o.startswith("error")] == []
    counts = Counter(outcomes)
    assert counts["ok"] >= 5
    assert set(counts) <= {"ok", "refused:insufficient_stock"}

    levels = list(StockLevel.unscoped.filter(product=scarce))
    assert all(level.reserved <= level.on_hand for level in levels)
    # Demand (24) exceeds stock (10) in steps of 2, so every unit ends up reserved, no more.
    assert sum(level.reserved for level in levels) == D("10")
    confirmed_lines = SalesOrderLine.objects.filter(
        order__status=SalesOrderStatus.CONFIRMED, product=scarce
    )
    assert sum(line.quantity - line.backordered_quantity for line in confirmed_lines) == D("10")
    assert counts["ok"] == 4 + sum(1 for line in confirmed_lines if line.order not in backordering)
    assert sum(level.reserved for level in levels) == open_reserved_total(
        organization=organization, product=scarce
    )
    assert sum(
        level.reserved for level in StockLevel.unscoped.filter(product=other)
    ) == open_reserved_total(organization=organization, product=other)

    # Shipping some and cancelling others at the same time keeps the books straight.
    confirmed = list(
        SalesOrder.objects.filter(status=SalesOrderStatus.CONFIRMED)
        .exclude(lines__backordered_quantity__gt=0)
        .order_by("pk")
    )
    half = len(confirmed) // 2
    assert len(confirmed) >= 5
    settled = run_at_once(
        [lambda o=o: services.sales_order_ship(order=o, user=None) for o in confirmed[:half]]
        + [lambda o=o: services.sales_order_cancel(order=o, user=None) for o in confirmed[half:]]
    )
    assert settled == ["ok"] * len(confirmed)
    assert open_reserved_total(organization=organization) == sum(
        level.reserved for level in StockLevel.unscoped.filter(product__in=[scarce, other])
    )
    assert all(level.on_hand >= 0 for level in StockLevel.unscoped.all())
    assert ledger_mismatches(organization=organization) == []
    assert product_total_mismatches(organization=organization) == []


# --- shipments -----------------------------------------------------------------------------------


def _confirmed(organization, shelf, overflow, customer, quantity="6"):
    bolt = ProductFactory(organization=organization, sku="BOLT")
    nut = ProductFactory(organization=organization, sku="NUT")
    stock_receive(organization=organization, product=bolt, location=shelf, quantity=D("4"))
    stock_receive(organization=organization, product=bolt, location=overflow, quantity=D("4"))
    stock_receive(organization=organization, product=nut, location=shelf, quantity=D("3"))
    order = _order(organization, customer, [(bolt, quantity), (nut, "3")])
    services.sales_order_confirm(order=order, user=None)
    return order, bolt, nut


def _consistent(organization):
    assert ledger_mismatches(organization=organization) == []
    assert product_total_mismatches(organization=organization) == []
    assert reservation_gaps(organization=organization) == []
    levels = StockLevel.unscoped.filter(organization=organization)
    assert not levels.filter(on_hand__lt=0).exists()
    assert not levels.filter(reserved__lt=0).exists()
    assert sum(level.reserved for level in levels) == open_reserved_total(organization=organization)


def test_two_partial_shipments_of_the_same_order_never_ship_more_than_reserved(shop):
    organization, shelf, overflow, customer = shop
    order, bolt, _nut = _confirmed(organization, shelf, overflow, customer)
    line = order.lines.get(product=bolt)

    def ship(quantity):
        return lambda: services.sales_order_ship(
            order=order, user=None, lines=[(line, D(quantity))]
        )

    # 6 reserved: 4 + 4 would oversell the line, so exactly one of them is refused.
    outcomes = run_at_once([ship("4"), ship("4")])
    assert Counter(outcomes) == Counter(["ok", "refused:exceeds_reserved"])
    line.refresh_from_db()
    assert line.shipped_quantity == D("4")
    assert Shipment.objects.filter(order=order).count() == 1
    assert SalesOrder.objects.get(pk=order.pk).status == SalesOrderStatus.PARTIALLY_SHIPPED
    _consistent(organization)

    # Two shipments that fit both go through, one after the other.
    outcomes = run_at_once([ship("1"), ship("1")])
    assert outcomes == ["ok", "ok"]
    line.refresh_from_db()
    assert line.shipped_quantity == D("6")
    assert sorted(Shipment.objects.values_list("number", flat=True)) == [
        "SHP-00001",
        "SHP-00002",
        "SHP-00003",
    ]
    _consistent(organization)


def test_a_shipment_racing_a_cancel_one_wins_and_nothing_leaks(shop):
    organization, shelf, overflow, customer = shop
    order, bolt, _nut = _confirmed(organization, shelf, overflow, customer)
    line = order.lines.get(product=bolt)
    outcomes = run_at_once(
        [
            lambda: services.sales_order_ship(order=order, user=None, lines=[(line, D("2"))]),
            lambda: services.sales_order_cancel(order=order, user=None),
        ]
    )
    order.refresh_from_db()
    if outcomes[0] == "ok":
        # Shipped first: the cancel is refused because part of the order has left.
        assert outcomes[1] == "refused:partially_shipped"
        assert order.status == SalesOrderStatus.PARTIALLY_SHIPPED
        assert open_reserved_total(organization=organization) == D("7")
    else:
        assert outcomes == ["refused:order_cancelled", "ok"]
        assert order.status == SalesOrderStatus.CANCELLED
        assert open_reserved_total(organization=organization) == D("0")
        assert Shipment.objects.count() == 0
    _consistent(organization)
