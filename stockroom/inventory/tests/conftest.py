"""Fixtures of the inventory tests: three kinds of product (the warehouse and its two bins are
the root conftest's)."""

from decimal import Decimal

import pytest

from stockroom.catalog.models import UnitOfMeasure
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory.selectors import ledger_mismatches, product_total_mismatches


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


@pytest.fixture
def balances_equal_ledger(db):
    """Checks, after the test, that each stock level equals the sum of its movements and each
    product's total the sum of its levels."""
    yield
    assert ledger_mismatches() == []
    assert product_total_mismatches() == []
