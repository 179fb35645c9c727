"""Fixtures of the orders tests: a warehouse with two bins, products, a supplier, a customer."""

from decimal import Decimal

import pytest

from stockroom.catalog.models import UnitOfMeasure
from stockroom.catalog.tests.factories import CustomerFactory, ProductFactory, SupplierFactory
from stockroom.inventory import services as inventory
from stockroom.inventory.models import StockLevel
from stockroom.inventory.selectors import ledger_mismatches, product_total_mismatches
from stockroom.orders import services
from stockroom.orders.services import LineInput


# The root conftest's warehouse and its two bins, under the names these tests read.
@pytest.fixture
def bin_a(location):
    return location


@pytest.fixture
def bin_b(other_location):
    return other_location


@pytest.fixture
def product(organization):
    return ProductFactory(
        organization=organization, sku="BOLT", name="Hex bolt", unit=UnitOfMeasure.EACH
    )


@pytest.fixture
def flour(organization):
    return ProductFactory(
        organization=organization, sku="FLOUR", name="Flour", unit=UnitOfMeasure.KILOGRAM
    )


@pytest.fixture
def milk(organization):
    return ProductFactory(organization=organization, sku="MILK", name="Milk", is_lot_tracked=True)


@pytest.fixture
def supplier(organization):
    return SupplierFactory(organization=organization, name="Acme", email="sales@acme.example")


@pytest.fixture
def customer(organization):
    return CustomerFactory(organization=organization, name="Bistro")


@pytest.fixture
def user(manager):
    return manager.user


@pytest.fixture
def stock(organization):
    """`stock(product, location, quantity, unit_cost=…, lot_number=…)` receives stock."""

    def receive(product, location, quantity, unit_cost=Decimal("1.0000"), **kwargs):
        return inventory.stock_receive(
            organization=organization,
            product=product,
            location=location,
            quantity=Decimal(quantity),
            unit_cost=unit_cost,
            **kwargs,
        )

    return receive


def level(product, location, lot=None) -> StockLevel:
    return StockLevel.unscoped.get(product=product, location=location, lot=lot)


@pytest.fixture
def ledger_consistent(organization):
    """Assert, after the test body, that the balances equal the ledger."""
    yield
    assert ledger_mismatches(organization=organization) == []
    assert product_total_mismatches(organization=organization) == []


def sales_order(organization, user, customer, lines, *, unit_price):
    """A draft sales order of `lines`, (product, quantity) pairs, each at `unit_price`."""
    return services.sales_order_create(
        organization=organization,
        user=user,
        customer=customer,
        lines=[
            LineInput(product=product, quantity=Decimal(quantity), unit_price=Decimal(unit_price))
            for product, quantity in lines
        ],
    )


@pytest.fixture
def draft_so(organization, user, customer, product):
    """A draft sales order of two BOLT at 5.00."""
    return sales_order(organization, user, customer, [(product, "2")], unit_price="5.00")
