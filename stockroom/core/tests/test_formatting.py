"""The shared formatting filters: one format per kind of value, in English and Spanish."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from django.template import Context, Template
from django.utils import timezone, translation

from stockroom.core.formatting import (
    cost_value,
    currency_places,
    format_date,
    format_datetime,
    money_value,
    quantity_value,
)
from stockroom.core.templatetags.formatting import amount, cost, money, percent, qty, quantity

EACH = SimpleNamespace(quantity_places=0, get_unit_display=lambda: "Each")
KILO = SimpleNamespace(quantity_places=3, get_unit_display=lambda: "Kilogram")


@pytest.mark.parametrize(
    ("language", "value", "currency", "expected"),
    [
        ("en", "1234.5", "USD", "1,234.50 USD"),
        ("es", "1234.5", "EUR", "1\xa0234,50 EUR"),
        ("en", "1234.5", "CLP", "1,235 CLP"),
        ("en", "0", "USD", "0.00 USD"),
        ("en", "-3.456", "USD", "-3.46 USD"),
    ],
)
def test_money_uses_the_currency_decimals(language, value, currency, expected):
    with translation.override(language):
        assert money(Decimal(value), currency) == expected


def test_amount_is_money_without_the_code():
    with translation.override("en"):
        assert amount(Decimal("1234.5"), "USD") == "1,234.50"
        assert amount(Decimal("1234.5"), "CLP") == "1,235"
        assert amount(None, "USD") == ""
        assert amount("not a number", "USD") == ""


def test_currency_places_and_money_value():
    assert currency_places("USD") == 2
    assert currency_places("CLP") == 0
    assert currency_places("") == 2
    assert money_value(Decimal("2.005"), "USD") == Decimal("2.01")
    assert money_value(Decimal("2.5"), "CLP") == Decimal("3")


def test_cost_shows_sub_cent_precision_only_when_it_exists():
    with translation.override("en"):
        assert cost(Decimal("3.5000"), "USD") == "3.50"
        assert cost(Decimal("0.0125"), "USD") == "0.0125"
        assert cost(Decimal("1234.1"), "USD") == "1,234.10"
    assert str(cost_value(Decimal("3.5000"), "USD")) == "3.50"
    assert str(cost_value(Decimal("0.01250"), "USD")) == "0.0125"


@pytest.mark.parametrize(
    ("value", "product", "expected"),
    [
        ("12.000", EACH, "12"),
        ("20.000", KILO, "20"),
        ("2.500", KILO, "2.5"),
        ("0.125", KILO, "0.125"),
        ("1500.000", KILO, "1,500"),
        ("2.4", EACH, "2"),  # rounded to the unit's decimals
        ("10.000", None, "10"),
        ("0.0000", None, "0"),
    ],
)
def test_qty_drops_trailing_zeros_within_the_units_decimals(value, product, expected):
    with translation.override("en"):
        assert qty(Decimal(value), product) == expected


def test_quantity_names_the_unit_and_is_localized():
    with translation.override("en"):
        assert quantity(Decimal("2.500"), KILO) == "2.5 Kilogram"
        assert quantity(Decimal("12.000"), EACH) == "12 Each"
    with translation.override("es"):
        assert qty(Decimal("2.500"), KILO) == "2,5"
        assert qty(Decimal("1500"), KILO) == "1\xa0500"


def test_quantity_value_is_a_number_for_exports():
    assert quantity_value(Decimal("20.000"), KILO) == Decimal("20")
    assert str(quantity_value(Decimal("20.000"), KILO)) == "20"
    assert quantity_value(Decimal("2.500"), KILO) == Decimal("2.5")
    assert quantity_value(None) is None


def test_percent_has_two_decimals():
    with translation.override("en"):
        assert percent(Decimal("12.5")) == "12.50 %"
    with translation.override("es"):
        assert percent(Decimal("12.5")) == "12,50 %"


def test_one_short_date_and_date_time_format_per_language():
    moment = datetime(2026, 3, 9, 14, 5, tzinfo=UTC)
    with timezone.override("UTC"):
        with translation.override("en"):
            assert format_date(date(2026, 3, 9)) == "03/09/2026"
            assert format_date(moment) == "03/09/2026"
            assert format_datetime(moment) == "03/09/2026 2:05 p.m."
        with translation.override("es"):
            assert format_date(date(2026, 3, 9)) == "09/03/2026"
            assert format_datetime(moment) == "09/03/2026 14:05"
    with timezone.override("America/Santiago"), translation.override("es"):
        # the active (organization) time zone decides the day and hour shown
        assert format_datetime(datetime(2026, 3, 9, 2, 0, tzinfo=UTC)) == "08/03/2026 23:00"


def test_filters_in_a_template():
    template = Template(
        "{% load formatting %}{{ q|qty:p }} · {{ q|quantity:p }} · {{ m|money:'USD' }}"
        " · {{ d|short_date }}"
    )
    context = Context({"q": Decimal("20.000"), "p": KILO, "m": 5, "d": date(2026, 1, 2)})
    with translation.override("en"):
        assert template.render(context) == "20 · 20 Kilogram · 5.00 USD · 01/02/2026"
