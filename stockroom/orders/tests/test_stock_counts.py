from datetime import date
from decimal import Decimal

import pytest

from stockroom.core.exceptions import ApplicationError
from stockroom.inventory.models import MovementKind, StockMovement
from stockroom.inventory.services import stock_issue, stock_receive
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory
from stockroom.orders import services
from stockroom.orders.models import StockCountStatus
from stockroom.orders.selectors import stock_count_review

from .conftest import level

D = Decimal
pytestmark = pytest.mark.usefixtures("ledger_consistent")


@pytest.fixture
def counted_stock(product, flour, milk, bin_a, bin_b, stock):
    stock(product, bin_a, "10")
    stock(flour, bin_a, "2.5")
    stock(product, bin_b, "4")
    stock(milk, bin_b, "6", lot_number="L1", expiry_date=date(2099, 1, 1))


def sheet(count):
    return [
        (
            row.line.location.code,
            row.line.product.sku,
            row.line.lot.lot_number if row.line.lot else None,
            row.line.expected_quantity,
            row.current_on_hand,
            row.drift,
            row.variance,
        )
        for row in stock_count_review(count=count)
    ]


def count_at(location, user):
    """A new count sheet of one location, in its warehouse and organization."""
    return services.stock_count_create(
        organization=location.organization,
        user=user,
        warehouse=location.warehouse,
        location=location,
    )


def count_all(count, user, quantities: dict[str, str]):
    """Enter counts by "<location>/<sku>"."""
    lines = count.lines.select_related("product", "location")
    services.stock_count_record(
        count=count,
        user=user,
        quantities={
            line.pk: D(quantities[f"{line.location.code}/{line.product.sku}"]) for line in lines
        },
    )


def test_create_snapshots_a_location(organization, user, warehouse, bin_a, counted_stock):
    count = count_at(bin_a, user)
    assert (count.number, count.status, count.created_by) == (
        "CNT-00001",
        StockCountStatus.COUNTING,
        user,
    )
    assert sheet(count) == [
        ("A-01", "BOLT", None, D("10"), D("10"), D("0"), None),
        ("A-01", "FLOUR", None, D("2.5"), D("2.5"), D("0"), None),
    ]


def test_create_snapshots_a_whole_warehouse(organization, user, warehouse, counted_stock):
    count = services.stock_count_create(organization=organization, user=user, warehouse=warehouse)
    assert [row[:4] for row in sheet(count)] == [
        ("A-01", "BOLT", None, D("10")),
        ("A-01", "FLOUR", None, D("2.5")),
        ("B-01", "BOLT", None, D("4")),
        ("B-01", "MILK", "L1", D("6")),
    ]


@pytest.mark.parametrize(
    ("where", "code"),
    [
        pytest.param("empty-location", "nothing_to_count", id="no-stock"),
        pytest.param("other-warehouse-location", "wrong_warehouse", id="location-elsewhere"),
        pytest.param("other-org-warehouse", "wrong_organization", id="other-org"),
    ],
)
def test_create_refusals(organization, user, warehouse, counted_stock, where, code):
    location, target = None, warehouse
    if where == "empty-location":
        location = LocationFactory(organization=organization, warehouse=warehouse, code="EMPTY")
    elif where == "other-warehouse-location":
        location = LocationFactory(organization=organization)
    else:
        target = WarehouseFactory()
    with pytest.raises(ApplicationError) as refusal:
        services.stock_count_create(
            organization=organization, user=user, warehouse=target, location=location
        )
    assert refusal.value.code == code


def test_approval_without_drift_posts_the_variances(
    organization, user, clerk, warehouse, product, flour, bin_a, counted_stock
):
    count = count_at(bin_a, user)
    count_all(count, clerk.user, {"A-01/BOLT": "8", "A-01/FLOUR": "2.5"})
    services.stock_count_submit(count=count, user=clerk.user)
    services.stock_count_approve(count=count, user=user)
    count.refresh_from_db()
    assert (count.status, count.approved_by, count.submitted_by) == (
        StockCountStatus.APPROVED,
        user,
        clerk.user,
    )
    movements = StockMovement.objects.filter(kind=MovementKind.COUNT)
    assert [
        (m.product.sku, m.from_location, m.quantity, m.reason, m.reference) for m in movements
    ] == [("BOLT", bin_a, D("2"), "Count CNT-00001", "CNT-00001")]
    assert (level(product, bin_a).on_hand, level(flour, bin_a).on_hand) == (D("8"), D("2.5"))
    lines = {line.product.sku: line for line in count.lines.all()}
    assert (lines["BOLT"].posted_variance, lines["FLOUR"].posted_variance) == (D("-2"), D("0"))
    assert lines["BOLT"].adjustment == movements[0]
    assert (lines["FLOUR"].adjustment, lines["BOLT"].counted_by) == (None, clerk.user)


def test_approval_with_drift_uses_the_current_on_hand(
    organization, user, warehouse, product, flour, bin_a, counted_stock
):
    count = count_at(bin_a, user)
    # Counted 9 bolts and 3 kg of flour; meanwhile 4 bolts ship and 1 kg arrives.
    count_all(count, user, {"A-01/BOLT": "9", "A-01/FLOUR": "3"})
    stock_issue(
        reason_code="other",
        organization=organization,
        product=product,
        location=bin_a,
        quantity=D("4"),
    )
    stock_receive(organization=organization, product=flour, location=bin_a, quantity=D("1"))
    services.stock_count_submit(count=count, user=user)
    assert sheet(count) == [
        ("A-01", "BOLT", None, D("10"), D("6"), D("-4"), D("3")),
        ("A-01", "FLOUR", None, D("2.5"), D("3.5"), D("1"), D("-0.5")),
    ]
    services.stock_count_approve(count=count, user=user)
    movements = StockMovement.objects.filter(kind=MovementKind.COUNT).order_by("pk")
    assert [(m.product.sku, m.signed_quantity) for m in movements] == [
        ("BOLT", D("3")),
        ("FLOUR", D("-0.5")),
    ]
    assert (level(product, bin_a).on_hand, level(flour, bin_a).on_hand) == (D("9"), D("3"))
    assert [row[-1] for row in sheet(count)] == [D("3"), D("-0.5")]


def test_lot_lines_adjust_their_lot(organization, user, warehouse, milk, bin_b, counted_stock):
    count = count_at(bin_b, user)
    count_all(count, user, {"B-01/BOLT": "4", "B-01/MILK": "7"})
    services.stock_count_submit(count=count, user=user)
    services.stock_count_approve(count=count, user=user)
    movement = StockMovement.objects.get(kind=MovementKind.COUNT)
    assert (movement.product, movement.lot.lot_number, movement.quantity) == (milk, "L1", D("1"))


@pytest.mark.parametrize(
    ("setup", "action", "code"),
    [
        pytest.param("approved", "approve", "already_approved", id="approve-twice"),
        pytest.param("counting", "approve", "not_submitted", id="approve-unsubmitted"),
        pytest.param("cancelled", "approve", "count_cancelled", id="approve-cancelled"),
        pytest.param("uncounted", "submit", "uncounted_lines", id="submit-uncounted"),
        pytest.param("submitted", "record", "count_submitted", id="record-after-submit"),
        pytest.param("approved", "cancel", "already_approved", id="cancel-approved"),
        pytest.param("cancelled", "cancel", "already_cancelled", id="cancel-twice"),
        pytest.param("counting", "reopen", "not_submitted", id="reopen-counting"),
        pytest.param("counting", "negative", "quantity_not_positive", id="negative-count"),
        pytest.param("counting", "fraction", "quantity_precision", id="fraction-of-each"),
    ],
)
def test_refusals(organization, user, warehouse, bin_a, counted_stock, setup, action, code):
    count = count_at(bin_a, user)
    if setup != "uncounted":
        count_all(count, user, {"A-01/BOLT": "10", "A-01/FLOUR": "2.5"})
    if setup in ("submitted", "approved"):
        services.stock_count_submit(count=count, user=user)
    if setup == "approved":
        services.stock_count_approve(count=count, user=user)
    if setup == "cancelled":
        services.stock_count_cancel(count=count, user=user)
    bolt_line = count.lines.get(product__sku="BOLT")
    calls = {
        "approve": lambda: services.stock_count_approve(count=count, user=user),
        "submit": lambda: services.stock_count_submit(count=count, user=user),
        "record": lambda: services.stock_count_record(
            count=count, user=user, quantities={bolt_line.pk: D("1")}
        ),
        "cancel": lambda: services.stock_count_cancel(count=count, user=user),
        "reopen": lambda: services.stock_count_reopen(count=count, user=user),
        "negative": lambda: services.stock_count_record(
            count=count, user=user, quantities={bolt_line.pk: D("-1")}
        ),
        "fraction": lambda: services.stock_count_record(
            count=count, user=user, quantities={bolt_line.pk: D("1.5")}
        ),
    }
    with pytest.raises(ApplicationError) as refusal:
        calls[action]()
    assert refusal.value.code == code


def test_reopen_then_recount(organization, user, warehouse, product, bin_a, counted_stock):
    count = count_at(bin_a, user)
    count_all(count, user, {"A-01/BOLT": "1", "A-01/FLOUR": "2.5"})
    services.stock_count_submit(count=count, user=user)
    services.stock_count_reopen(count=count, user=user)
    count.refresh_from_db()
    assert (count.status, count.submitted_at) == (StockCountStatus.COUNTING, None)
    count_all(count, user, {"A-01/BOLT": "10", "A-01/FLOUR": "2.5"})
    services.stock_count_submit(count=count, user=user)
    services.stock_count_approve(count=count, user=user)
    assert StockMovement.objects.filter(kind=MovementKind.COUNT).count() == 0
    assert level(product, bin_a).on_hand == D("10")


def test_cancel_posts_nothing(organization, user, warehouse, bin_a, counted_stock):
    count = count_at(bin_a, user)
    count_all(count, user, {"A-01/BOLT": "1", "A-01/FLOUR": "0"})
    services.stock_count_cancel(count=count, user=user)
    count.refresh_from_db()
    assert (count.status, count.cancelled_by) == (StockCountStatus.CANCELLED, user)
    assert StockMovement.objects.filter(kind=MovementKind.COUNT).count() == 0


# --- stock found while counting -----------------------------------------------------------------


@pytest.fixture
def bin_a_count(organization, user, warehouse, bin_a, counted_stock):
    return count_at(bin_a, user)


def test_found_item_is_posted_as_a_count_gain(organization, user, bin_a, bin_a_count, stock):
    from stockroom.catalog.tests.factories import ProductFactory

    found = ProductFactory(organization=organization, sku="FOUND")
    line = services.stock_count_add_line(
        count=bin_a_count, user=user, product=found, location=bin_a, counted_quantity="7"
    )
    assert (line.expected_quantity, line.counted_quantity, line.counted_by) == (
        D("0"),
        D("7"),
        user,
    )
    count_all(bin_a_count, user, {"A-01/BOLT": "10", "A-01/FLOUR": "2.5", "A-01/FOUND": "7"})
    services.stock_count_submit(count=bin_a_count, user=user)
    services.stock_count_approve(count=bin_a_count, user=user)
    assert level(found, bin_a).on_hand == D("7")
    movement = StockMovement.objects.get(product=found)
    assert (movement.kind, movement.quantity, movement.to_location) == (
        MovementKind.COUNT,
        D("7"),
        bin_a,
    )


def test_found_item_expects_what_arrived_since_the_sheet(
    organization, user, bin_a, bin_b, bin_a_count, product, stock
):
    # BOLT is on the sheet for A-01 only; some arrives in B-01 of a whole-warehouse count.
    whole = services.stock_count_create(
        organization=organization, user=user, warehouse=bin_b.warehouse
    )
    whole.lines.filter(product=product, location=bin_b).delete()
    line = services.stock_count_add_line(
        count=whole, user=user, product=product, location=bin_b, counted_quantity="4"
    )
    assert line.expected_quantity == D("4")


@pytest.mark.parametrize(
    ("case", "field", "code"),
    [
        ("outside_location", "location", "outside_count"),
        ("other_warehouse", "location", "outside_count"),
        ("foreign_product", "product", "bad_product"),
        ("inactive_product", "product", "bad_product"),
        ("already_listed", "product", "line_exists"),
        ("lot_missing", "lot", "lot_required"),
        ("lot_not_tracked", "lot", "lot_not_tracked"),
        ("negative", "counted_quantity", "quantity_not_positive"),
        ("fraction_of_each", "counted_quantity", None),
    ],
)
def test_found_item_refusals(
    organization,
    other_organization,
    user,
    bin_a,
    bin_b,
    bin_a_count,
    product,
    milk,
    case,
    field,
    code,
):
    from stockroom.catalog.tests.factories import ProductFactory

    lot = StockMovement.objects.filter(product=milk).first().lot
    arguments = {"product": ProductFactory(organization=organization), "location": bin_a}
    arguments["counted_quantity"] = "1"
    if case == "outside_location":
        arguments["location"] = bin_b
    elif case == "other_warehouse":
        arguments["location"] = LocationFactory(
            organization=organization, warehouse=WarehouseFactory(organization=organization)
        )
    elif case == "foreign_product":
        arguments["product"] = ProductFactory(organization=other_organization)
    elif case == "inactive_product":
        arguments["product"] = ProductFactory(organization=organization, is_active=False)
    elif case == "already_listed":
        arguments["product"] = product
    elif case == "lot_missing":
        arguments["product"] = milk
    elif case == "lot_not_tracked":
        arguments["lot"] = lot
    elif case == "negative":
        arguments["counted_quantity"] = "-2"
    elif case == "fraction_of_each":
        arguments["counted_quantity"] = "1.5"
    lines_before = bin_a_count.lines.count()
    with pytest.raises(ApplicationError) as refusal:
        services.stock_count_add_line(count=bin_a_count, user=user, **arguments)
    assert refusal.value.field == field
    if code is not None:
        assert refusal.value.code == code
    assert bin_a_count.lines.count() == lines_before


def test_found_item_of_a_lot_tracked_product_takes_its_lot(
    organization, user, warehouse, bin_b, milk, counted_stock
):
    count = services.stock_count_create(organization=organization, user=user, warehouse=warehouse)
    count.lines.filter(product=milk).delete()
    lot = StockMovement.objects.filter(product=milk).first().lot
    line = services.stock_count_add_line(
        count=count, user=user, product=milk, location=bin_b, lot=lot, counted_quantity="6"
    )
    assert (line.lot, line.expected_quantity) == (lot, D("6"))


def test_no_found_item_once_submitted(organization, user, bin_a, bin_a_count):
    from stockroom.catalog.tests.factories import ProductFactory

    count_all(bin_a_count, user, {"A-01/BOLT": "10", "A-01/FLOUR": "2.5"})
    services.stock_count_submit(count=bin_a_count, user=user)
    with pytest.raises(ApplicationError) as refusal:
        services.stock_count_add_line(
            count=bin_a_count,
            user=user,
            product=ProductFactory(organization=organization),
            location=bin_a,
            counted_quantity="1",
        )
    assert refusal.value.code == "count_submitted"
