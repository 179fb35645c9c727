from datetime import timedelta
from decimal import Decimal

import pytest

from django.utils import timezone

from stockroom.catalog.models import UnitOfMeasure
from stockroom.catalog.tests.factories import (
    ProductFactory,
    ProductSupplierFactory,
    SupplierFactory,
)
from stockroom.core.exceptions import ApplicationError
from stockroom.inventory.models import MovementKind
from stockroom.inventory.services import stock_issue
from stockroom.orders import services
from stockroom.orders.models import PurchaseOrder, PurchaseOrderStatus
from stockroom.orders.selectors import reorder_suggestions

D = Decimal
pytestmark = pytest.mark.usefixtures("ledger_consistent")


@pytest.fixture
def catalog(organization, bin_a, stock):
    """Two suppliers; four low products (one without a supplier) and one that is fine."""
    acme = SupplierFactory(organization=organization, name="Acme")
    zenith = SupplierFactory(organization=organization, name="Zenith")

    def product(sku, unit=UnitOfMeasure.EACH, **fields):
        return ProductFactory(organization=organization, sku=sku, unit=unit, **fields)

    bolt = product("BOLT", reorder_point=D("10"), reorder_quantity=D("50"))
    nut = product("NUT", reorder_point=D("20"), reorder_quantity=D("5"))
    flour = product("FLOUR", UnitOfMeasure.KILOGRAM, reorder_point=D("5"), reorder_quantity=D("0"))
    product("ORPHAN", reorder_point=D("3"), reorder_quantity=D("7"))
    plenty = product("PLENTY", reorder_point=D("1"), reorder_quantity=D("1"))
    link = lambda p, s, days, price: ProductSupplierFactory(  # noqa: E731
        organization=organization, product=p, supplier=s, lead_time_days=days,
        price=D(price), is_preferred=True,
    )  # fmt: skip
    link(bolt, acme, 14, "0.2500")
    link(nut, acme, 30, "0.1000")
    link(flour, zenith, 10, "1.1000")
    ProductSupplierFactory(organization=organization, product=plenty, supplier=zenith)
    stock(bolt, bin_a, "12")
    stock(nut, bin_a, "200")
    stock(flour, bin_a, "10")
    stock(plenty, bin_a, "5")
    long_ago = timezone.now() - timedelta(days=120)
    recently = timezone.now() - timedelta(days=10)
    # Sold (kind shipment): the demand counts shipments only, not manual issues.
    issue = lambda p, q, when: stock_issue(  # noqa: E731
        organization=organization,
        product=p,
        location=bin_a,
        quantity=D(q),
        occurred_at=when,
        kind=MovementKind.SHIPMENT,
    )
    issue(bolt, "4", recently)  # 8 left; demand 4 / 90 × 14 = 0.62 → reorder quantity wins
    issue(nut, "190", recently)  # 10 left; demand 190 / 90 × 30 = 63.33 − 10 = 53.33 → 54
    issue(flour, "5.5", long_ago)  # 4.5 left; no recent demand, no reorder qty → up to the point
    return acme, zenith


def test_suggestions(organization, catalog):
    rows = {s.product.sku: s for s in reorder_suggestions(organization=organization)}
    assert {
        sku: (s.supplier.name if s.supplier else None, s.available, s.suggested_quantity)
        for sku, s in rows.items()
    } == {
        "BOLT": ("Acme", D("8"), D("50")),
        "FLOUR": ("Zenith", D("4.5"), D("0.5")),
        "NUT": ("Acme", D("10"), D("54")),
        "ORPHAN": (None, D("0"), D("7")),
    }
    assert (rows["NUT"].shipped_last_90_days, rows["NUT"].lead_time_demand) == (
        D("190"),
        D("63.333"),
    )
    assert rows["FLOUR"].shipped_last_90_days == D("0")
    assert [sku for sku, s in rows.items() if s.can_order] == ["BOLT", "FLOUR", "NUT"]


def test_creates_one_draft_per_preferred_supplier(organization, user, catalog):
    acme, zenith = catalog
    orders = services.reorder_create_purchase_orders(organization=organization, user=user)
    assert [(o.number, o.supplier, o.status) for o in orders] == [
        ("PO-00001", acme, PurchaseOrderStatus.DRAFT),
        ("PO-00002", zenith, PurchaseOrderStatus.DRAFT),
    ]
    assert [
        [(line.product.sku, line.quantity, line.unit_price) for line in order.lines.all()]
        for order in orders
    ] == [
        [("BOLT", D("50"), D("0.25")), ("NUT", D("54"), D("0.1"))],
        [("FLOUR", D("0.5"), D("1.1"))],
    ]
    # On order now: a second click orders nothing more.
    with pytest.raises(ApplicationError) as refusal:
        services.reorder_create_purchase_orders(organization=organization, user=user)
    assert refusal.value.code == "nothing_to_order"
    rows = {s.product.sku: s.on_order for s in reorder_suggestions(organization=organization)}
    assert rows == {"BOLT": D("50"), "FLOUR": D("0.5"), "NUT": D("54"), "ORPHAN": D("0")}


def test_a_closed_orders_outstanding_quantity_is_no_longer_on_order(
    organization, user, catalog, bin_a
):
    services.reorder_create_purchase_orders(organization=organization, user=user)
    acme_order = PurchaseOrder.objects.get(number="PO-00001")
    services.purchase_order_send(order=acme_order, user=user)
    bolt = acme_order.lines.get(product__sku="BOLT")
    services.purchase_order_receive(
        order=acme_order, user=user, location=bin_a,
        receipts=[services.ReceiptInput(line=bolt, quantity=D("1"))],
    )  # fmt: skip
    on_order = lambda: {  # noqa: E731
        s.product.sku: s.on_order for s in reorder_suggestions(organization=organization)
    }
    assert (on_order()["BOLT"], on_order()["NUT"]) == (D("49"), D("54"))

    services.purchase_order_close(order=acme_order, user=user)

    rows = {s.product.sku: s for s in reorder_suggestions(organization=organization)}
    assert {sku: s.on_order for sku, s in rows.items()} == {
        "BOLT": D("0"),
        "FLOUR": D("0.5"),
        "NUT": D("0"),
        "ORPHAN": D("0"),
    }
    # Nothing on order any more: the closed order's products can be ordered again.
    assert [sku for sku, s in rows.items() if s.can_order] == ["BOLT", "NUT"]
