"""Fixtures of the inventory tests: one warehouse with two bins and three kinds of product."""

from decimal import Decimal

import pytest

from stockroom.catalog.models import UnitOfMeasure
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory


@pytest.fixture
def warehouse(organization):
    return WarehouseFactory(organization=organization, code="MAIN", name="Main warehouse")


@pytest.fixture
def location(warehouse):
    return LocationFactory(organization=warehouse.organization, warehouse=warehouse, code="A-01")


@pytest.fixture
def other_location(warehouse):
    return LocationFactory(organization=warehouse.organization, warehouse=warehouse, code="B-01")


@pytest.fixture
def product(organization):
    return ProductFactory(
        organization=organization,
        sku="BOLT-M8",
        name="Hex bolt M8",
        unit=UnitOfMeasure.EACH,
        cost_price=Decimal("2.0000"),
    )


@pytest.fixture
def bulk_product(organization):
    return ProductFactory(
        organization=organization, sku="FLOUR", name="Bread flour", unit=UnitOfMeasure.KILOGRAM
    )


@pytest.fixture
def lot_product(organization):
    return ProductFactory(
        organization=organization, sku="MILK", name="Milk 1 l", is_lot_tracked=True
    )
