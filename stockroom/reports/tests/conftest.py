"""Fixtures of the report tests: a small organization with a ledger built through the services."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from django.utils import timezone

from stockroom.catalog.tests.factories import CategoryFactory, ProductFactory
from stockroom.inventory import services as stock
from stockroom.inventory.models import MovementKind
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory


def at(days_ago: int, hour: int = 12) -> datetime:
    """A moment `days_ago` days before today, at `hour` o'clock UTC."""
    today = timezone.now().astimezone(UTC).date()
    return datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=UTC)


@pytest.fixture
def stocked_org(organization):
    """Two warehouses, two categorized products, one lot-tracked product, and a few movements."""
    category = CategoryFactory(organization=organization, name="Hardware")
    north = WarehouseFactory(organization=organization, code="NORTH", name="North")
    south = WarehouseFactory(organization=organization, code="SOUTH", name="South")
    bin_n = LocationFactory(organization=organization, warehouse=north, code="A-01")
    bin_s = LocationFactory(organization=organization, warehouse=south, code="B-01")
    bolt = ProductFactory(organization=organization, sku="BOLT", name="Bolt", category=category)
    nut = ProductFactory(organization=organization, sku="NUT", name="Nut", barcode="4006381333931")
    milk = ProductFactory(organization=organization, sku="MILK", name="Milk", is_lot_tracked=True)
    stock.stock_receive(
        organization=organization,
        product=bolt,
        location=bin_n,
        quantity=Decimal("10"),
        unit_cost=Decimal("2.00"),
        occurred_at=at(20),
    )
    stock.stock_receive(
        organization=organization,
        product=nut,
        location=bin_s,
        quantity=Decimal("5"),
        unit_cost=Decimal("1.00"),
        occurred_at=at(20),
    )
    stock.stock_receive(
        organization=organization,
        product=milk,
        location=bin_n,
        quantity=Decimal("4"),
        unit_cost=Decimal("3.00"),
        lot_number="L1",
        expiry_date=at(-10).date(),
        occurred_at=at(15),
    )
    stock.stock_issue(
        organization=organization,
        product=bolt,
        location=bin_n,
        quantity=Decimal("3"),
        occurred_at=at(5),
        kind=MovementKind.SHIPMENT,  # sold: the demand reports count it
    )
    return {
        "organization": organization,
        "north": north,
        "south": south,
        "bin_n": bin_n,
        "bin_s": bin_s,
        "bolt": bolt,
        "nut": nut,
        "milk": milk,
        "category": category,
    }


@pytest.fixture
def costed(organization):
    """Receipts at 2.00, 3.50 and 1.00 on different days, an issue and a transfer in between."""
    north = LocationFactory(organization=organization, warehouse__code="N", code="N1")
    south_house = WarehouseFactory(organization=organization, code="S")
    south = LocationFactory(organization=organization, warehouse=south_house, code="S1")
    product = ProductFactory(organization=organization, sku="P")
    other = ProductFactory(organization=organization, sku="Q")

    def receive(days_ago, quantity, cost, location=north, item=product):
        stock.stock_receive(
            organization=organization,
            product=item,
            location=location,
            quantity=Decimal(quantity),
            unit_cost=Decimal(cost),
            occurred_at=at(days_ago),
        )

    receive(10, "10", "2.00")
    stock.stock_issue(
        reason_code="other",
        organization=organization,
        product=product,
        location=north,
        quantity=Decimal("4"),
        occurred_at=at(8),
    )
    receive(6, "4", "3.50")
    stock.stock_transfer(
        organization=organization,
        product=product,
        from_location=north,
        to_location=south,
        quantity=Decimal("2"),
        occurred_at=at(4),
    )
    receive(2, "5", "1.00")
    receive(3, "3", "0.3333", location=south, item=other)
    product.refresh_from_db()
    return organization, product
