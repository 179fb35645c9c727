"""Pages show one format per kind of value: quantities with the unit's decimals and no trailing
zeros, money with the currency's decimals, a bin as "WAREHOUSE/BIN", a manual issue as an Issue."""

import re
from decimal import Decimal

import pytest

from django.urls import reverse
from django.utils import translation

from stockroom.inventory import services
from stockroom.orders.tests.factories import PurchaseOrderFactory, PurchaseOrderLineFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page's text with tags dropped and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def flour(organization, bulk_product, location):
    bulk_product.reorder_point = Decimal("5.000")
    bulk_product.save(update_fields=["reorder_point"])
    for quantity in ("20", "2.5"):
        services.stock_receive(
            organization=organization,
            product=bulk_product,
            location=location,
            quantity=Decimal(quantity),
            unit_cost=Decimal("1.25"),
        )
    services.stock_issue(
        reason_code="other",
        organization=organization,
        product=bulk_product,
        location=location,
        quantity=Decimal("2"),
    )
    return bulk_product


def test_product_page_quantities_have_no_trailing_zeros(member_client, viewer, flour):
    client = member_client(viewer)

    page = client.get(reverse("catalog:product_detail", args=[flour.pk]))
    stock = client.get(reverse("inventory:product_stock", args=[flour.pk]))

    assert "Reorder point 5 Kilogram" in _text(page)
    html = stock.content.decode()
    assert re.search(r'id="product-stock-on-hand">20\.5<', html)
    assert "20.500" not in html and "20.000" not in html
    assert "MAIN/A-01" in _text(stock)


def test_spanish_pages_use_a_decimal_comma(member_client, viewer, flour):
    client = member_client(viewer)
    viewer.user.language = "es"
    viewer.user.save(update_fields=["language"])

    with translation.override("es"):
        stock = client.get(reverse("inventory:product_stock", args=[flour.pk]))

    assert re.search(r'id="product-stock-on-hand">20,5<', stock.content.decode())


def test_movement_list_names_a_manual_issue_and_its_bin(member_client, viewer, flour):
    client = member_client(viewer)

    html = client.get(reverse("inventory:movement_list"), {"q": "FLOUR"}).content.decode()
    rows = " ".join(re.sub(r"<[^>]+>", " ", html[html.index("<tbody") :]).split())

    # The kind (with an issue's reason) is in its own column and, for a phone, again under the
    # product.
    assert "Issue Other FLOUR Bread flour Issue Other 2 MAIN/A-01" in rows
    assert "Shipment" not in rows
    assert "Receipt FLOUR Bread flour Receipt 2.5 — MAIN/A-01" in rows
    assert "2.500" not in rows and "20.000" not in rows


@pytest.mark.parametrize(
    ("currency", "unit_price", "total"),
    [
        pytest.param("USD", "1,234.50", "12,345.00", id="usd"),
        pytest.param("CLP", "1,235", "12,345", id="clp"),
    ],
)
def test_purchase_order_money_uses_the_currency_decimals(
    organization, member_client, viewer, currency, unit_price, total
):
    organization.currency = currency
    organization.save(update_fields=["currency"])
    order = PurchaseOrderFactory(organization=organization)
    PurchaseOrderLineFactory(order=order, quantity=Decimal("10"), unit_price=Decimal("1234.5"))
    client = member_client(viewer)

    text = _text(client.get(reverse("orders:purchase_order_detail", args=[order.pk])))

    assert f"{unit_price} " in text
    assert f"{total} {currency}" in text
