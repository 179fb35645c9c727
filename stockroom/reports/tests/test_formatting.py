from decimal import Decimal

import pytest

from django.utils import translation

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.core.templatetags.formatting import money, quantity, status_badge
from stockroom.orders.tests.factories import PurchaseOrderFactory


@pytest.mark.parametrize(
    ("language", "expected"),
    [pytest.param("en", "1,234.50 EUR", id="en"), pytest.param("es", "1\xa0234,50 EUR", id="es")],
)
def test_money_is_localized_with_two_decimals(language, expected):
    with translation.override(language):
        assert money(Decimal("1234.5"), "EUR") == expected


def test_quantity_uses_the_units_decimals(organization):
    each = ProductFactory.build(unit="each")
    kilo = ProductFactory.build(unit="kg")
    with translation.override("en"):
        assert quantity(Decimal("12.000"), each) == "12 Each"
        assert quantity(Decimal("2.5"), kilo) == "2.5 Kilogram"
        assert quantity(Decimal("20.000"), kilo) == "20 Kilogram"
        assert quantity(Decimal("2.500")) == "2.5"


def test_status_badge_of_an_order(organization):
    order = PurchaseOrderFactory(organization=organization)
    with translation.override("en"):
        assert (
            status_badge(order) == '<span class="badge text-bg-secondary status-draft">Draft</span>'
        )
    assert status_badge("expired", "Expired") == (
        '<span class="badge text-bg-danger status-expired">Expired</span>'
    )
