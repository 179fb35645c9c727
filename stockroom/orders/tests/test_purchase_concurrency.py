"""Closing a purchase order short while its last units are being received, on PostgreSQL: the
order row's lock makes one of the two wait and then see the other's outcome."""

from decimal import Decimal

import pytest

from stockroom.accounts.tests.factories import OrganizationFactory
from stockroom.catalog.tests.factories import ProductFactory, SupplierFactory
from stockroom.inventory.models import StockLevel
from stockroom.inventory.selectors import ledger_mismatches, product_total_mismatches
from stockroom.inventory.tests.factories import LocationFactory
from stockroom.orders import services
from stockroom.orders.models import PurchaseOrder, PurchaseOrderStatus
from stockroom.orders.services import LineInput, ReceiptInput

from .test_concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


@pytest.mark.parametrize("attempt", range(3))
def test_close_short_and_receiving_the_rest_exactly_one_wins(attempt):
    organization = OrganizationFactory()
    location = LocationFactory(organization=organization)
    product = ProductFactory(organization=organization)
    order = services.purchase_order_create(
        organization=organization,
        user=None,
        supplier=SupplierFactory(organization=organization),
        lines=[LineInput(product=product, quantity=D("10"), unit_price=D("2"))],
    )
    services.purchase_order_send(order=order, user=None)
    line = order.lines.get()
    services.purchase_order_receive(
        order=order, user=None, location=location,
        receipts=[ReceiptInput(line=line, quantity=D("4"))],
    )  # fmt: skip

    outcomes = run_at_once(
        [
            lambda: services.purchase_order_close(order=order, user=None),
            lambda: services.purchase_order_receive(
                order=order,
                user=None,
                location=location,
                receipts=[ReceiptInput(line=line, quantity=D("6"))],
            ),
        ]
    )

    stored = PurchaseOrder.objects.prefetch_related("lines").get(pk=order.pk)
    on_hand = StockLevel.unscoped.get(product=product, location=location).on_hand
    assert sorted(outcomes) in (["ok", "refused:order_closed"], ["ok", "refused:order_received"])
    if outcomes[0] == "ok":  # closed first: the rest was refused
        assert (stored.status, on_hand, stored.total) == (
            PurchaseOrderStatus.CLOSED,
            D("4"),
            D("8.00"),
        )
    else:  # received in full first: nothing left to close
        assert (stored.status, on_hand, stored.total) == (
            PurchaseOrderStatus.RECEIVED,
            D("10"),
            D("20.00"),
        )
    assert ledger_mismatches(organization=organization) == []
    assert product_total_mismatches(organization=organization) == []
