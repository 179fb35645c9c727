"""Fixtures of the report tests: a small organization with a ledger built through the services."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from django.utils import timezone

from stockroom.catalog.tests.factories import CategoryFactory, ProductFactory
from stockroom.inventory import services as stock
from stockroom.inventory.models import IssueReason, MovementKind
from stockroom.inventory.tests import factories as inventory_factories
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory


def at(days_ago: int, hour: int = 12) -> datetime:
    """A moment `days_ago` days before today, at `hour` o'clock UTC."""
    today = timezone.now().astimezone(UTC).date()
    return datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=UTC)


def receive(product, location, quantity: str, cost: str, days_ago: int, **extra):
    """Receives `quantity` of `product` at `cost` into `location`, `days_ago` days ago."""
    return inventory_factories.receive(
        product, location, quantity, cost, occurred_at=at(days_ago), **extra
    )


def issue(product, location, quantity: str, days_ago: int, **extra):
    """Issues `quantity` of `product` from `location`, `days_ago` days ago (by hand, for reason
    "other", unless a `kind` is given)."""
    if extra.get("kind", MovementKind.ISSUE) == MovementKind.ISSUE:
        extra.setdefault("reason_code", IssueReason.OTHER)
    return stock.stock_issue(
        organization=product.organization,
        product=product,
        location=location,
        quantity=Decimal(quantity),
        occurred_at=at(days_ago),
        **extra,
    )


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
    receive(bolt, bin_n, "10", "2.00", 20)
    receive(nut, bin_s, "5", "1.00", 20)
    receive(milk, bin_n, "4", "3.00", 15, lot_number="L1", expiry_date=at(-10).date())
    issue(bolt, bin_n, "3", 5, kind=MovementKind.SHIPMENT)  # sold: the demand reports count it
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

    receive(product, north, "10", "2.00", 10)
    issue(product, north, "4", 8)
    receive(product, north, "4", "3.50", 6)
    stock.stock_transfer(
        organization=organization,
        product=product,
        from_location=north,
        to_location=south,
        quantity=Decimal("2"),
        occurred_at=at(4),
    )
    receive(product, north, "5", "1.00", 2)
    receive(other, south, "3", "0.3333", 3)
    product.refresh_from_db()
    return organization, product
