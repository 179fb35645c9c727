"""Shipments of sales orders: partial then full, refusals, reservations kept equal to what is
confirmed and not yet shipped."""

from decimal import Decimal

import pytest

from django.utils import timezone

from stockroom.core.exceptions import ApplicationError
from stockroom.inventory.models import MovementKind, StockMovement
from stockroom.orders import services
from stockroom.orders.models import SalesOrder, SalesOrderStatus, Shipment, ShipmentLine
from stockroom.orders.tests.invariants import open_reserved_total, reservation_gaps

from .conftest import level, sales_order

D = Decimal
pytestmark = pytest.mark.usefixtures("ledger_consistent", "reservations_consistent")


@pytest.fixture
def reservations_consistent(organization):
    yield
    assert reservation_gaps(organization=organization) == []


@pytest.fixture
def confirmed(organization, user, customer):
    def make(*lines, allow_backorder=False):
        order = sales_order(organization, user, customer, lines, unit_price="2.00")
        services.sales_order_confirm(order=order, user=user, allow_backorder=allow_backorder)
        return order

    return make


def line_of(order, product):
    return order.lines.get(product=product)


def shipped(order):
    return {line.product.sku: line.shipped_quantity for line in order.lines.order_by("pk")}


def test_partial_then_full_shipment(confirmed, product, flour, bin_a, bin_b, stock, user):
    stock(product, bin_a, "3")
    stock(product, bin_b, "5")
    stock(flour, bin_a, "4")
    order = confirmed((product, "6"), (flour, "2.5"))
    bolt = line_of(order, product)

    first = services.sales_order_ship(
        order=order,
        user=user,
        lines=[(bolt, "4")],
        carrier="DHL",
        tracking_number=" 123 ",
    )
    order.refresh_from_db()
    assert (first.number, first.carrier, first.tracking_number, first.shipped_by) == (
        "SHP-00001",
        "DHL",
        "123",
        user,
    )
    assert (order.status, order.shipped_at, order.shipped_by) == (
        SalesOrderStatus.PARTIALLY_SHIPPED,
        None,
        None,
    )
    # Reserved 3 in A-01 then 3 in B-01: the first is shipped whole, the second in part.
    assert [(sl.location.code, sl.quantity) for sl in first.lines.order_by("pk")] == [
        ("A-01", D("3")),
        ("B-01", D("1")),
    ]
    assert shipped(order) == {"BOLT": D("4"), "FLOUR": D("0")}
    assert (level(product, bin_b).on_hand, level(product, bin_b).reserved) == (D("4"), D("2"))
    assert (level(product, bin_a).on_hand, level(product, bin_a).reserved) == (D("0"), D("0"))

    second = services.sales_order_ship(order=order, user=user)
    order.refresh_from_db()
    assert second.number == "SHP-00002"
    assert sorted((sl.line.product.sku, sl.quantity) for sl in second.lines.all()) == [
        ("BOLT", D("2")),
        ("FLOUR", D("2.5")),
    ]
    assert (order.status, order.shipped_by) == (SalesOrderStatus.SHIPPED, user)
    assert order.shipped_at == second.shipped_at
    assert shipped(order) == {"BOLT": D("6"), "FLOUR": D("2.5")}
    assert open_reserved_total(organization=order.organization) == D("0")
    movements = StockMovement.objects.filter(kind=MovementKind.SHIPMENT).order_by("pk")
    assert [(m.reason, m.quantity) for m in movements] == [
        ("Shipment SHP-00001", D("3")),
        ("Shipment SHP-00001", D("1")),
        ("Shipment SHP-00002", D("2")),
        ("Shipment SHP-00002", D("2.5")),
    ]
    assert {sl.movement_id for sl in ShipmentLine.objects.all()} == {m.pk for m in movements}


def test_backordered_lines_stay_until_reserved_and_shipped(
    confirmed, product, flour, bin_a, stock, user
):
    stock(product, bin_a, "5")
    stock(flour, bin_a, "1")
    order = confirmed((product, "5"), (flour, "3"), allow_backorder=True)

    services.sales_order_ship(order=order, user=user)
    order.refresh_from_db()
    assert order.status == SalesOrderStatus.PARTIALLY_SHIPPED
    assert shipped(order) == {"BOLT": D("5"), "FLOUR": D("1")}
    assert line_of(order, flour).backordered_quantity == D("2")
    with pytest.raises(ApplicationError) as refusal:
        services.sales_order_ship(order=order, user=user)
    assert refusal.value.code == "nothing_to_ship"

    stock(flour, bin_a, "2")
    services.sales_order_reserve_backorders(order=order, user=user)
    assert line_of(order, flour).backordered_quantity == D("0")
    services.sales_order_ship(order=order, user=user)
    order.refresh_from_db()
    assert order.status == SalesOrderStatus.SHIPPED
    assert shipped(order) == {"BOLT": D("5"), "FLOUR": D("3")}
    assert Shipment.objects.filter(order=order).count() == 2


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        pytest.param("0", "quantity_not_positive", id="zero"),
        pytest.param("-1", "quantity_not_positive", id="negative"),
        pytest.param("abc", "invalid_quantity", id="not-a-number"),
        pytest.param("1.5", "quantity_precision", id="fraction-of-each"),
        pytest.param("5", "exceeds_reserved", id="more-than-reserved"),
    ],
)
def test_refused_quantities_name_the_row(
    confirmed, product, flour, bin_a, stock, user, quantity, code
):
    stock(product, bin_a, "4")
    stock(flour, bin_a, "4")
    order = confirmed((flour, "1"), (product, "4"))
    with pytest.raises(ApplicationError) as refusal:
        services.sales_order_ship(
            order=order,
            user=user,
            lines=[(line_of(order, flour), "1"), (line_of(order, product), quantity)],
        )
    assert (refusal.value.code, refusal.value.field, refusal.value.extra["index"]) == (
        code,
        "quantity",
        1,
    )
    # Nothing partial: the first row was not shipped either.
    assert Shipment.objects.count() == 0
    assert shipped(order) == {"FLOUR": D("0"), "BOLT": D("0")}
    assert SalesOrder.objects.get(pk=order.pk).status == SalesOrderStatus.CONFIRMED


def test_refused_lines(confirmed, organization, user, customer, product, flour, bin_a, stock):
    stock(product, bin_a, "4")
    stock(flour, bin_a, "4")
    order = confirmed((product, "2"))
    other = confirmed((flour, "1"))
    bolt = line_of(order, product)
    cases = {
        "wrong_order": [(line_of(other, flour), "1")],
        "duplicate_line": [(bolt, "1"), (bolt, "1")],
    }
    for code, lines in cases.items():
        with pytest.raises(ApplicationError) as refusal:
            services.sales_order_ship(order=order, user=user, lines=lines)
        assert (refusal.value.code, refusal.value.field) == (code, "line")
        assert refusal.value.extra["index"] == len(lines) - 1
    with pytest.raises(ApplicationError) as refusal:
        services.sales_order_ship(order=order, user=user, lines=[])
    assert (refusal.value.code, refusal.value.field) == ("empty_shipment", "lines")
    assert Shipment.objects.count() == 0


def test_cancel_is_refused_once_anything_shipped(confirmed, product, bin_a, stock, user):
    stock(product, bin_a, "4")
    order = confirmed((product, "4"))
    services.sales_order_ship(order=order, user=user, lines=[(line_of(order, product), "1")])
    with pytest.raises(ApplicationError) as refusal:
        services.sales_order_cancel(order=order, user=user)
    assert refusal.value.code == "partially_shipped"
    assert "before anything has shipped" in refusal.value.message
    assert level(product, bin_a).reserved == D("3")


def test_shipping_a_shipped_order_is_refused(confirmed, product, bin_a, stock, user):
    stock(product, bin_a, "1")
    order = confirmed((product, "1"))
    services.sales_order_ship(order=order, user=user, occurred_at=timezone.now())
    with pytest.raises(ApplicationError) as refusal:
        services.sales_order_ship(order=order, user=user)
    assert refusal.value.code == "already_shipped"
