"""The purchase order's PDF and email show numbers and dates as the pages do: quantities with the
unit's decimals and no trailing zeros, money with the currency's decimals, the short date."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest

from django.core import mail
from django.utils import translation

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.orders import pdf
from stockroom.orders.emails import send_purchase_order
from stockroom.orders.tests.factories import PurchaseOrderFactory, PurchaseOrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(organization):
    order = PurchaseOrderFactory(organization=organization, expected_date=date(2026, 3, 9))
    flour = ProductFactory(organization=organization, sku="FLOUR", unit="kg")
    PurchaseOrderLineFactory(
        order=order, product=flour, quantity=Decimal("20.000"), unit_price=Decimal("1234.5")
    )
    return order


def test_pdf_rows_use_the_shared_formats(order):
    captured = []
    real_table = pdf.Table

    def table(rows, *args, **kwargs):
        captured.append(rows)
        return real_table(rows, *args, **kwargs)

    with translation.override("en"), mock.patch.object(pdf, "Table", table):
        assert pdf.purchase_order_pdf(order).startswith(b"%PDF")

    [rows] = captured
    assert rows[1][2:] == ["20", "1,234.50", "24,690.00"]
    assert rows[-1][-1] == "24,690.00"


def test_email_body_uses_the_shared_formats(order, settings):
    order.supplier.email = "supplier@example.com"
    order.supplier.save(update_fields=["email"])

    with translation.override("en"):
        send_purchase_order(order)

    [message] = mail.outbox
    assert "FLOUR" in message.body
    assert "20 × 1,234.50" in message.body
    assert "24,690.00 USD" in message.body
    assert "03/09/2026" in message.body
    assert "20.000" not in message.body
