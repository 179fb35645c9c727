"""Sales orders competing for the last units, on PostgreSQL with one connection per thread."""

from collections import Counter
from decimal import Decimal

import pytest

from stockroom.accounts.tests.factories import OrganizationFactory
from stockroom.catalog.tests.factories import CustomerFactory, ProductFactory
from stockroom.core.tests.concurrency import run_at_once
from stockroom.inventory.models import StockLevel
from stockroom.inventory.selectors import ledger_mismatches, product_total_mismatches
from stockroom.inventory.services import stock_receive
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory
from stockroom.orders import services
from stockroom.orders.models import SalesOrder, SalesOrderLine, SalesOrderStatus
from stockroom.orders.services import LineInput
from stockroom.orders.tests.invariants import open_reserved_total

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


@pytest.fixture
def shop():
    organization = OrganizationFactory()
    warehouse = WarehouseFactory(organization=organization)
    shelf = LocationFactory(organization=organization, warehouse=warehouse, code="SHELF")
    overflow = LocationFactory(organization=organization, warehouse=warehouse, code="OVERFLOW")
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
