from datetime import date, timedelta
from decimal import Decimal

import pytest

from django.utils import timezone

from stockroom.core.exceptions import ApplicationError
from stockroom.inventory.models import Lot, MovementKind, StockLevel, StockMovement
from stockroom.inventory.tests.factories import LocationFactory
from stockroom.orders import services
from stockroom.orders.models import SalesOrder, SalesOrderReservation, SalesOrderStatus
from stockroom.orders.services import LineInput
from stockroom.orders.tests.invariants import open_reserved_total

from .conftest import level, sales_order

D = Decimal
pytestmark = pytest.mark.usefixtures("ledger_consistent")


@pytest.fixture
def order_for(organization, user, customer):
    def make(*lines):
        return sales_order(organization, user, customer, lines, unit_price="9.90")

    return make


def reservations(order):
    return [
        (r.line.product.sku, r.location.code, r.lot.lot_number if r.lot else None, r.quantity)
        for r in SalesOrderReservation.objects.filter(line__order=order, closed_at__isnull=True)
        .select_related("line__product", "location", "lot")
        .order_by("pk")
    ]


def test_create_numbers_and_update_draft(order_for, product, flour, customer):
    first = order_for((product, "2"))
    second = order_for((flour, "1.25"))
    assert (first.number, second.number) == ("SO-00001", "SO-00002")
    services.sales_order_update(
        order=first,
        customer=customer,
        lines=[LineInput(product=flour, quantity=D("3"), unit_price=D("1.10"))],
    )
    assert [(line.product.sku, line.quantity) for line in first.lines.all()] == [("FLOUR", D("3"))]
    assert SalesOrder.objects.get(pk=first.pk).total == D("3.30")


def test_confirm_reserves_across_locations_in_code_order(
    order_for, product, bin_a, bin_b, stock, user
):
    stock(product, bin_b, "5")
    stock(product, bin_a, "3")
    order = order_for((product, "6"))
    services.sales_order_confirm(order=order, user=user)
    order.refresh_from_db()
    assert (order.status, order.confirmed_by) == (SalesOrderStatus.CONFIRMED, user)
    assert order.confirmed_at is not None
    assert reservations(order) == [("BOLT", "A-01", None, D("3")), ("BOLT", "B-01", None, D("3"))]
    assert (level(product, bin_a).reserved, level(product, bin_b).reserved) == (D("3"), D("3"))
    assert StockMovement.objects.filter(kind=MovementKind.SHIPMENT).count() == 0


def test_confirm_takes_the_lot_that_expires_first_and_skips_expired(
    order_for, milk, bin_a, stock, user
):
    today = timezone.localdate()
    stock(milk, bin_a, "4", lot_number="LATE", expiry_date=today + timedelta(days=30))
    stock(milk, bin_a, "4", lot_number="SOON", expiry_date=today + timedelta(days=3))
    stock(milk, bin_a, "9", lot_number="GONE", expiry_date=today - timedelta(days=1))
    order = order_for((milk, "6"))
    services.sales_order_confirm(order=order, user=user)
    assert reservations(order) == [
        ("MILK", "A-01", "SOON", D("4")),
        ("MILK", "A-01", "LATE", D("2")),
    ]


def test_confirm_refuses_a_shortage_and_reserves_nothing(
    order_for, product, flour, bin_a, stock, user
):
    stock(product, bin_a, "10")
    stock(flour, bin_a, "1")
    order = order_for((product, "4"), (flour, "2.5"))
    with pytest.raises(ApplicationError) as refusal:
        services.sales_order_confirm(order=order, user=user)
    assert refusal.value.code == "insufficient_stock"
    assert str(refusal.value) == (
        "Not enough stock to reserve FLOUR in full: 1.5 short. "
        "Confirm with backorders to reserve what is available."
    )
    order.refresh_from_db()
    assert order.status == SalesOrderStatus.DRAFT
    assert reservations(order) == []
    assert (level(product, bin_a).reserved, level(flour, bin_a).reserved) == (D("0"), D("0"))


def test_confirm_with_backorder_reserves_what_is_available(
    order_for, product, flour, bin_a, stock, user
):
    stock(product, bin_a, "10")
    stock(flour, bin_a, "1")
    order = order_for((product, "4"), (flour, "2.5"))
    services.sales_order_confirm(order=order, user=user, allow_backorder=True)
    lines = {line.product.sku: line for line in order.lines.all()}
    assert (lines["BOLT"].backordered_quantity, lines["FLOUR"].backordered_quantity) == (
        D("0"),
        D("1.5"),
    )
    assert reservations(order) == [("BOLT", "A-01", None, D("4")), ("FLOUR", "A-01", None, D("1"))]

    stock(flour, bin_a, "2")
    services.sales_order_reserve_backorders(order=order, user=user)
    assert SalesOrder.objects.get(pk=order.pk).backordered_quantity == D("0")
    assert level(flour, bin_a).reserved == D("2.5")
    with pytest.raises(ApplicationError) as refusal:
        services.sales_order_reserve_backorders(order=order, user=user)
    assert refusal.value.code == "nothing_backordered"


def test_ship_releases_and_issues_from_the_reserved_locations(
    order_for, product, bin_a, bin_b, stock, user, organization
):
    stock(product, bin_a, "3")
    stock(product, bin_b, "5")
    order = order_for((product, "6"))
    services.sales_order_confirm(order=order, user=user)
    services.sales_order_ship(order=order, user=user)
    order.refresh_from_db()
    assert (order.status, order.shipped_by) == (SalesOrderStatus.SHIPPED, user)
    shipments = StockMovement.objects.filter(kind=MovementKind.SHIPMENT).order_by("pk")
    assert [(m.from_location.code, m.quantity, m.reference) for m in shipments] == [
        ("A-01", D("3"), "SO-00001"),
        ("B-01", D("3"), "SO-00001"),
    ]
    assert [(lv.on_hand, lv.reserved) for lv in (level(product, bin_a), level(product, bin_b))] == [
        (D("0"), D("0")),
        (D("2"), D("0")),
    ]
    assert order.lines.get().shipped_quantity == D("6")
    assert reservations(order) == []
    assert open_reserved_total(organization=organization) == D("0")


def test_ship_failure_rolls_back_the_releases_too(order_for, product, bin_a, stock, user):
    stock(product, bin_a, "5")
    order = order_for((product, "5"))
    services.sales_order_confirm(order=order, user=user)
    bin_a.is_active = False
    bin_a.save()
    with pytest.raises(ApplicationError) as refusal:
        services.sales_order_ship(order=order, user=user)
    assert refusal.value.code == "inactive_location"
    assert (level(product, bin_a).on_hand, level(product, bin_a).reserved) == (D("5"), D("5"))
    order.refresh_from_db()
    assert order.status == SalesOrderStatus.CONFIRMED


def test_cancel_releases_every_reservation(order_for, product, milk, bin_a, stock, user):
    stock(product, bin_a, "5")
    stock(milk, bin_a, "5", lot_number="L1", expiry_date=date(2099, 1, 1))
    order = order_for((product, "2"), (milk, "3"))
    services.sales_order_confirm(order=order, user=user)
    services.sales_order_cancel(order=order, user=user)
    order.refresh_from_db()
    assert (order.status, order.cancelled_by) == (SalesOrderStatus.CANCELLED, user)
    lot = Lot.objects.get()
    assert (level(product, bin_a).reserved, level(milk, bin_a, lot).reserved) == (D("0"), D("0"))
    assert reservations(order) == []
    assert StockLevel.objects.filter(reserved__gt=0).count() == 0


def test_cancel_a_draft(order_for, product, user):
    order = order_for((product, "1"))
    services.sales_order_cancel(order=order, user=user)
    assert SalesOrder.objects.get(pk=order.pk).status == SalesOrderStatus.CANCELLED


@pytest.mark.parametrize(
    ("setup", "action", "code"),
    [
        pytest.param("cancelled", "ship", "order_cancelled", id="ship-cancelled"),
        pytest.param("draft", "ship", "not_confirmed", id="ship-draft"),
        pytest.param("shipped", "ship", "already_shipped", id="ship-twice"),
        pytest.param("confirmed", "confirm", "already_confirmed", id="confirm-twice"),
        pytest.param("cancelled", "confirm", "order_cancelled", id="confirm-cancelled"),
        pytest.param("empty", "confirm", "empty_order", id="confirm-empty"),
        pytest.param("cancelled", "cancel", "already_cancelled", id="cancel-twice"),
        pytest.param("shipped", "cancel", "already_shipped", id="cancel-shipped"),
        pytest.param("confirmed", "edit", "order_not_editable", id="edit-confirmed"),
        pytest.param("draft", "backorders", "not_confirmed", id="backorders-draft"),
    ],
)
def test_refusals(order_for, product, bin_a, stock, user, customer, setup, action, code):
    stock(product, bin_a, "5")
    order = order_for() if setup == "empty" else order_for((product, "2"))
    if setup in ("confirmed", "shipped"):
        services.sales_order_confirm(order=order, user=user)
    if setup == "shipped":
        services.sales_order_ship(order=order, user=user)
    if setup == "cancelled":
        services.sales_order_cancel(order=order, user=user)
    calls = {
        "ship": lambda: services.sales_order_ship(order=order, user=user),
        "confirm": lambda: services.sales_order_confirm(order=order, user=user),
        "cancel": lambda: services.sales_order_cancel(order=order, user=user),
        "edit": lambda: services.sales_order_update(order=order, customer=customer, lines=[]),
        "backorders": lambda: services.sales_order_reserve_backorders(order=order, user=user),
    }
    with pytest.raises(ApplicationError) as refusal:
        calls[action]()
    assert refusal.value.code == code


def test_shipping_a_cancelled_order_says_so(order_for, product, user):
    order = order_for((product, "1"))
    services.sales_order_cancel(order=order, user=user)
    with pytest.raises(ApplicationError, match=r"^A cancelled sales order cannot be shipped\.$"):
        services.sales_order_ship(order=order, user=user)


def test_inactive_location_is_not_reserved_from(order_for, product, bin_a, stock, user):
    closed = LocationFactory(organization=bin_a.organization, warehouse=bin_a.warehouse, code="0")
    stock(product, closed, "5")
    stock(product, bin_a, "1")
    closed.is_active = False
    closed.save()
    order = order_for((product, "3"))
    services.sales_order_confirm(order=order, user=user, allow_backorder=True)
    assert reservations(order) == [("BOLT", "A-01", None, D("1"))]


def test_reserved_total_matches_open_reservations_after_mixed_flows(
    order_for, product, bin_a, stock, user, organization
):
    stock(product, bin_a, "10")
    orders = [order_for((product, quantity)) for quantity in ("2", "3", "4")]
    for order in orders:
        services.sales_order_confirm(order=order, user=user)
    services.sales_order_ship(order=orders[0], user=user)
    services.sales_order_cancel(order=orders[1], user=user)
    assert level(product, bin_a).reserved == D("4")
    assert open_reserved_total(organization=organization) == D("4")
