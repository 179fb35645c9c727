from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from django.core import mail
from django.utils import timezone

from stockroom.accounts.tests.factories import MembershipFactory, OrganizationFactory
from stockroom.catalog import services as catalog_services
from stockroom.catalog.models import MAX_LEAD_TIME_DAYS, ProductSupplier
from stockroom.catalog.tests.factories import ProductFactory, SupplierFactory
from stockroom.core.exceptions import ApplicationError
from stockroom.inventory.models import Lot, MovementKind, StockMovement
from stockroom.inventory.services import stock_issue
from stockroom.inventory.tests.factories import LocationFactory
from stockroom.orders import services
from stockroom.orders.models import PurchaseOrder, PurchaseOrderReceipt, PurchaseOrderStatus
from stockroom.orders.services import LineInput, ReceiptInput

from .conftest import level

D = Decimal
pytestmark = pytest.mark.usefixtures("ledger_consistent")


@pytest.fixture
def draft(organization, user, supplier, product, flour):
    return services.purchase_order_create(
        organization=organization,
        user=user,
        supplier=supplier,
        lines=[
            LineInput(product=product, quantity=D("10"), unit_price=D("2.5000")),
            LineInput(product=flour, quantity=D("4.5"), unit_price=D("1.2000")),
        ],
        expected_date=date(2030, 1, 15),
    )


@pytest.fixture
def sent(draft, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.purchase_order_send(order=draft, user=user)


def lines_of(order):
    return {line.product.sku: line for line in order.lines.select_related("product")}


def test_create_numbers_per_organization_and_stores_lines(draft, organization, user, supplier):
    second = services.purchase_order_create(
        organization=organization, user=user, supplier=supplier, lines=[]
    )
    other_org = OrganizationFactory()
    elsewhere = services.purchase_order_create(
        organization=other_org,
        user=user,
        supplier=SupplierFactory(organization=other_org),
        lines=[],
    )
    assert (draft.number, second.number, elsewhere.number) == ("PO-00001", "PO-00002", "PO-00001")
    assert draft.status == PurchaseOrderStatus.DRAFT
    assert draft.created_by == user
    assert [(sku, line.quantity, line.unit_price) for sku, line in lines_of(draft).items()] == [
        ("BOLT", D("10.000"), D("2.5000")),
        ("FLOUR", D("4.500"), D("1.2000")),
    ]
    assert PurchaseOrder.objects.get(pk=draft.pk).total == D("30.40")


@pytest.mark.parametrize(
    ("quantity", "price", "code"),
    [
        pytest.param(D("0"), D("1"), "quantity_not_positive", id="zero-quantity"),
        pytest.param(D("1.5"), D("1"), "quantity_precision", id="fraction-of-each"),
        pytest.param(D("1"), D("-1"), "negative_price", id="negative-price"),
        pytest.param(D("1"), D("0.00001"), "price_precision", id="price-too-precise"),
    ],
)
def test_create_refuses_bad_lines(organization, user, supplier, product, quantity, price, code):
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_create(
            organization=organization,
            user=user,
            supplier=supplier,
            lines=[LineInput(product=product, quantity=quantity, unit_price=price)],
        )
    assert (refusal.value.code, refusal.value.extra["index"]) == (code, 0)
    assert PurchaseOrder.objects.count() == 0


def test_create_refuses_the_same_product_twice(organization, user, supplier, product):
    line = LineInput(product=product, quantity=D("1"), unit_price=D("1"))
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_create(
            organization=organization, user=user, supplier=supplier, lines=[line, line]
        )
    assert (refusal.value.code, refusal.value.extra["index"]) == ("duplicate_product", 1)


def test_create_refuses_another_organizations_supplier_or_product(organization, user, product):
    other = OrganizationFactory()
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_create(
            organization=organization,
            user=user,
            supplier=SupplierFactory(organization=other),
            lines=[],
        )
    assert refusal.value.field == "supplier"
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_create(
            organization=organization,
            user=user,
            supplier=SupplierFactory(organization=organization),
            lines=[
                LineInput(
                    product=ProductFactory(organization=other), quantity=D("1"), unit_price=D("1")
                )
            ],
        )
    assert refusal.value.code == "wrong_organization"


def test_update_replaces_lines_of_a_draft(draft, supplier, product, flour, organization):
    bolts = lines_of(draft)["BOLT"]
    nut = ProductFactory(organization=organization, sku="NUT")
    services.purchase_order_update(
        order=draft,
        supplier=supplier,
        lines=[
            LineInput(product=product, quantity=D("12"), unit_price=D("2.4000")),
            LineInput(product=nut, quantity=D("100"), unit_price=D("0.0500")),
        ],
        notes="Urgent",
    )
    lines = lines_of(draft)
    assert sorted(lines) == ["BOLT", "NUT"]
    assert lines["BOLT"].pk == bolts.pk
    assert (lines["BOLT"].quantity, lines["BOLT"].unit_price) == (D("12"), D("2.4"))
    draft.refresh_from_db()
    assert (draft.notes, draft.expected_date) == ("Urgent", None)


def test_editing_a_sent_orders_lines_is_refused(sent, supplier, product):
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_update(
            order=sent,
            supplier=supplier,
            lines=[LineInput(product=product, quantity=D("1"), unit_price=D("1"))],
        )
    assert refusal.value.code == "order_not_editable"
    assert str(refusal.value) == "A purchase order's lines cannot be changed once it has been sent."
    assert lines_of(sent)["BOLT"].quantity == D("10")


def test_send_records_who_and_when_and_emails_the_supplier_a_pdf(sent, user):
    sent.refresh_from_db()
    assert sent.status == PurchaseOrderStatus.SENT
    assert sent.sent_by == user
    assert sent.sent_at is not None
    assert sent.emailed_to == "sales@acme.example"
    assert sent.emailed_at is not None
    [message] = mail.outbox
    assert message.to == ["sales@acme.example"]
    assert message.subject == f"Purchase order PO-00001 from {sent.organization.name}"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "PO-00001" in html and "30.40" in html
    [(filename, content, attachment_type)] = message.attachments
    assert (filename, attachment_type) == ("PO-00001.pdf", "application/pdf")
    assert content.startswith(b"%PDF")


def test_send_without_supplier_email_sends_nothing(
    draft, user, supplier, django_capture_on_commit_callbacks
):
    supplier.email = ""
    supplier.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_order_send(order=draft, user=user)
    draft.refresh_from_db()
    assert (draft.status, draft.emailed_at, mail.outbox) == (PurchaseOrderStatus.SENT, None, [])


def test_email_task_is_safe_to_run_twice(sent):
    from stockroom.orders.tasks import send_purchase_order_email

    assert send_purchase_order_email(sent.organization_id, sent.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        pytest.param("sent", "already_sent", id="twice"),
        pytest.param("cancelled", "order_cancelled", id="cancelled"),
        pytest.param("empty", "empty_order", id="no-lines"),
    ],
)
def test_send_refusals(organization, user, supplier, draft, setup, code):
    order = draft
    if setup == "sent":
        services.purchase_order_send(order=order, user=user)
    elif setup == "cancelled":
        services.purchase_order_cancel(order=order, user=user)
    else:
        order = services.purchase_order_create(
            organization=organization, user=user, supplier=supplier, lines=[]
        )
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_send(order=order, user=user)
    assert refusal.value.code == code


def test_receive_in_full_posts_receipts_at_the_line_price(sent, user, bin_a):
    lines = lines_of(sent)
    receipts = services.purchase_order_receive(
        order=sent,
        user=user,
        location=bin_a,
        receipts=[
            ReceiptInput(line=lines["BOLT"], quantity=D("10")),
            ReceiptInput(line=lines["FLOUR"], quantity=D("4.5")),
        ],
    )
    sent.refresh_from_db()
    assert sent.status == PurchaseOrderStatus.RECEIVED
    assert sent.received_at is not None
    movements = StockMovement.objects.filter(reference="PO-00001").order_by("pk")
    assert [(m.kind, m.product.sku, m.quantity, m.unit_cost, m.user) for m in movements] == [
        (MovementKind.RECEIPT, "BOLT", D("10"), D("2.5"), user),
        (MovementKind.RECEIPT, "FLOUR", D("4.5"), D("1.2"), user),
    ]
    assert [r.movement for r in receipts] == list(movements)
    assert level(lines["BOLT"].product, bin_a).on_hand == D("10")
    lines["BOLT"].product.refresh_from_db()
    assert lines["BOLT"].product.average_cost == D("2.5")


def test_partial_receipts_across_several_days_give_the_exact_average_cost(
    organization, user, supplier, product, bin_a, stock
):
    stock(product, bin_a, "10", unit_cost=D("4.0000"))
    order = services.purchase_order_create(
        organization=organization,
        user=user,
        supplier=supplier,
        lines=[LineInput(product=product, quantity=D("20"), unit_price=D("7.0000"))],
    )
    services.purchase_order_send(order=order, user=user)
    line = order.lines.get()
    day = lambda n: timezone.make_aware(datetime(2030, 3, n, 9))  # noqa: E731

    services.purchase_order_receive(
        order=order, user=user, location=bin_a,
        receipts=[ReceiptInput(line=line, quantity=D("5"))], occurred_at=day(1),
    )  # fmt: skip
    product.refresh_from_db()
    assert product.average_cost == D("5.0000")  # (10 × 4 + 5 × 7) / 15
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.PARTIALLY_RECEIVED

    stock_issue(
        reason_code="other",
        organization=organization,
        product=product,
        location=bin_a,
        quantity=D("3"),
    )
    services.purchase_order_receive(
        order=order, user=user, location=bin_a,
        receipts=[ReceiptInput(line=line, quantity=D("15"))], occurred_at=day(3),
    )  # fmt: skip
    product.refresh_from_db()
    assert product.average_cost == D("6.1111")  # (12 × 5 + 15 × 7) / 27 = 6.11111…
    order.refresh_from_db()
    line.refresh_from_db()
    assert (order.status, line.received_quantity) == (PurchaseOrderStatus.RECEIVED, D("20"))
    assert order.received_at == day(3)
    assert list(
        PurchaseOrderReceipt.objects.order_by("pk").values_list("quantity", "received_at")
    ) == [(D("5"), day(1)), (D("15"), day(3))]
    assert level(product, bin_a).on_hand == D("27")


def test_receiving_more_than_ordered_is_refused_without_the_flag(sent, user, bin_a):
    line = lines_of(sent)["BOLT"]
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_receive(
            order=sent, user=user, location=bin_a,
            receipts=[ReceiptInput(line=line, quantity=D("11"))],
        )  # fmt: skip
    assert (refusal.value.code, refusal.value.field, refusal.value.extra["line_id"]) == (
        "over_receipt",
        "quantity",
        line.pk,
    )
    assert str(refusal.value) == (
        "Cannot receive more than ordered: 10 outstanding. "
        "Tick “accept over-receipt” to receive more."
    )
    assert StockMovement.objects.count() == 0


def test_over_receipt_with_the_flag(sent, user, bin_a):
    lines = lines_of(sent)
    [receipt] = services.purchase_order_receive(
        order=sent, user=user, location=bin_a, allow_over_receipt=True,
        receipts=[ReceiptInput(line=lines["BOLT"], quantity=D("12"))],
    )  # fmt: skip
    assert receipt.over_receipt is True
    sent.refresh_from_db()
    assert sent.status == PurchaseOrderStatus.PARTIALLY_RECEIVED  # flour still outstanding
    assert level(lines["BOLT"].product, bin_a).on_hand == D("12")


def test_a_refused_line_leaves_the_whole_receipt_unposted(sent, user, bin_a):
    lines = lines_of(sent)
    with pytest.raises(ApplicationError):
        services.purchase_order_receive(
            order=sent, user=user, location=bin_a,
            receipts=[
                ReceiptInput(line=lines["BOLT"], quantity=D("4")),
                ReceiptInput(line=lines["FLOUR"], quantity=D("5")),
            ],
        )  # fmt: skip
    assert StockMovement.objects.count() == 0
    sent.refresh_from_db()
    assert sent.status == PurchaseOrderStatus.SENT


def test_receive_lot_tracked_product_with_lot_and_expiry(organization, user, supplier, milk, bin_a):
    order = services.purchase_order_create(
        organization=organization, user=user, supplier=supplier,
        lines=[LineInput(product=milk, quantity=D("6"), unit_price=D("0.9000"))],
    )  # fmt: skip
    services.purchase_order_send(order=order, user=user)
    line = order.lines.get()
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_receive(
            order=order, user=user, location=bin_a,
            receipts=[ReceiptInput(line=line, quantity=D("6"))],
        )  # fmt: skip
    assert (refusal.value.code, refusal.value.field) == ("lot_required", "lot_number")
    [receipt] = services.purchase_order_receive(
        order=order, user=user, location=bin_a,
        receipts=[
            ReceiptInput(
                line=line, quantity=D("6"), lot_number="L-77", expiry_date=date(2030, 6, 1)
            )
        ],
    )  # fmt: skip
    lot = Lot.objects.get(product=milk)
    assert (lot.lot_number, lot.expiry_date, receipt.lot) == ("L-77", date(2030, 6, 1), lot)
    assert level(milk, bin_a, lot).on_hand == D("6")


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        pytest.param("draft", "order_not_sent", id="draft"),
        pytest.param("cancelled", "order_cancelled", id="cancelled"),
        pytest.param("received", "order_received", id="received"),
        pytest.param("nothing", "nothing_received", id="all-blank"),
        pytest.param("other-location", "wrong_organization", id="other-org-location"),
    ],
)
def test_receive_refusals(draft, user, bin_a, setup, code):
    lines = lines_of(draft)
    location = bin_a
    quantities = {"BOLT": D("1"), "FLOUR": None}
    if setup != "draft":
        services.purchase_order_send(order=draft, user=user)
    if setup == "cancelled":
        services.purchase_order_cancel(order=draft, user=user)
    elif setup == "received":
        services.purchase_order_receive(
            order=draft, user=user, location=bin_a,
            receipts=[ReceiptInput(line=line, quantity=line.quantity) for line in lines.values()],
        )  # fmt: skip
    elif setup == "nothing":
        quantities = {"BOLT": None, "FLOUR": D("0")}
    elif setup == "other-location":
        location = LocationFactory()
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_receive(
            order=draft, user=user, location=location,
            receipts=[ReceiptInput(line=lines[sku], quantity=q) for sku, q in quantities.items()],
        )  # fmt: skip
    assert refusal.value.code == code


@pytest.mark.parametrize("state", ["draft", "sent"])
def test_cancel_records_who_and_when(draft, user, state):
    if state != "draft":
        services.purchase_order_send(order=draft, user=user)
    services.purchase_order_cancel(order=draft, user=user)
    draft.refresh_from_db()
    assert (draft.status, draft.cancelled_by) == (PurchaseOrderStatus.CANCELLED, user)
    assert draft.cancelled_at is not None


def test_cancel_refusals(draft, user, bin_a):
    services.purchase_order_cancel(order=draft, user=user)
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_cancel(order=draft, user=user)
    assert refusal.value.code == "already_cancelled"


def receive_some(order, user, location, **quantities) -> None:
    lines = lines_of(order)
    services.purchase_order_receive(
        order=order, user=user, location=location,
        receipts=[ReceiptInput(line=lines[sku], quantity=D(q)) for sku, q in quantities.items()],
    )  # fmt: skip


def test_cancel_refuses_a_partly_received_order_and_points_to_close(sent, user, bin_a):
    receive_some(sent, user, bin_a, BOLT="2")
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_cancel(order=sent, user=user)
    assert refusal.value.code == "order_has_receipts"
    assert "Close it short instead." in refusal.value.message
    sent.refresh_from_db()
    assert (sent.status, sent.cancelled_at) == (PurchaseOrderStatus.PARTIALLY_RECEIVED, None)


def test_close_short_records_who_and_when_and_values_the_order_at_what_came(sent, user, bin_a):
    receive_some(sent, user, bin_a, BOLT="4", FLOUR="1.5")
    before = StockMovement.objects.count()

    services.purchase_order_close(order=sent, user=user)

    closed = PurchaseOrder.objects.prefetch_related("lines").get(pk=sent.pk)
    assert (closed.status, closed.closed_by) == (PurchaseOrderStatus.CLOSED, user)
    assert closed.closed_at is not None
    # 4 × 2.50 + 1.5 × 1.20; the ordered 10 × 2.50 + 4.5 × 1.20 = 30.40 no longer counts.
    assert (closed.total, closed.ordered_total, closed.received_total) == (
        D("11.80"),
        D("30.40"),
        D("11.80"),
    )
    assert StockMovement.objects.count() == before  # closing posts nothing
    assert level(lines_of(closed)["BOLT"].product, bin_a).on_hand == D("4")


@pytest.mark.parametrize(
    ("state", "code"),
    [
        pytest.param("draft", "nothing_received", id="draft"),
        pytest.param("sent", "nothing_received", id="sent"),
        pytest.param("received", "order_received", id="received"),
        pytest.param("closed", "already_closed", id="closed"),
        pytest.param("cancelled", "order_cancelled", id="cancelled"),
    ],
)
def test_close_refusals(draft, user, bin_a, state, code):
    if state in ("sent", "received", "closed"):
        services.purchase_order_send(order=draft, user=user)
    if state == "received":
        receive_some(draft, user, bin_a, BOLT="10", FLOUR="4.5")
    if state == "closed":
        receive_some(draft, user, bin_a, BOLT="1")
        services.purchase_order_close(order=draft, user=user)
    if state == "cancelled":
        services.purchase_order_cancel(order=draft, user=user)
    status_before = PurchaseOrder.objects.get(pk=draft.pk).status
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_close(order=draft, user=user)
    assert refusal.value.code == code
    assert PurchaseOrder.objects.get(pk=draft.pk).status == status_before


def test_a_closed_order_can_no_longer_be_received_or_cancelled(sent, user, bin_a):
    receive_some(sent, user, bin_a, BOLT="1")
    services.purchase_order_close(order=sent, user=user)
    with pytest.raises(ApplicationError) as receiving:
        receive_some(sent, user, bin_a, BOLT="1")
    with pytest.raises(ApplicationError) as cancelling:
        services.purchase_order_cancel(order=sent, user=user)
    assert (receiving.value.code, cancelling.value.code) == ("order_closed", "order_closed")
    assert lines_of(sent)["BOLT"].received_quantity == D("1")


def test_migration_turns_orders_cancelled_after_receipts_into_closed(sent, user, bin_a):
    """Before close short existed, a partly received order could only be cancelled."""
    import importlib

    from django.apps import apps

    receive_some(sent, user, bin_a, BOLT="3")
    cancelled_at = timezone.now()
    PurchaseOrder.objects.filter(pk=sent.pk).update(
        status=PurchaseOrderStatus.CANCELLED, cancelled_at=cancelled_at, cancelled_by=user
    )
    untouched = services.purchase_order_create(
        organization=sent.organization, user=user, supplier=sent.supplier, lines=[]
    )
    services.purchase_order_cancel(order=untouched, user=user)
    migration = importlib.import_module(
        "stockroom.orders.migrations.0004_cancelled_after_receipts_to_closed"
    )

    migration.cancelled_after_receipts_to_closed(apps, schema_editor=None)

    migrated = PurchaseOrder.objects.get(pk=sent.pk)
    assert (migrated.status, migrated.closed_at, migrated.closed_by) == (
        PurchaseOrderStatus.CLOSED,
        cancelled_at,
        user,
    )
    assert (migrated.cancelled_at, migrated.cancelled_by) == (None, None)
    assert PurchaseOrder.objects.get(pk=untouched.pk).status == PurchaseOrderStatus.CANCELLED


# --- defaults and receiving locations ------------------------------------------------------------


@pytest.fixture
def tokyo_organization(organization):
    organization.time_zone = "Asia/Tokyo"
    organization.save(update_fields=["time_zone"])
    return organization


def test_empty_prices_and_date_take_the_suppliers_price_else_cost_and_its_lead_time(
    tokyo_organization, user, supplier, product, flour, monkeypatch
):
    from stockroom.catalog.tests.factories import ProductSupplierFactory

    organization = tokyo_organization
    other = SupplierFactory(organization=organization)
    ProductSupplierFactory(
        organization=organization, product=product, supplier=supplier, price=D("2.1000"),
        lead_time_days=5, is_preferred=True,
    )  # fmt: skip
    # Flour's only link is to another supplier: this supplier's order falls back to cost price.
    ProductSupplierFactory(
        organization=organization, product=flour, supplier=other, price=D("9"), lead_time_days=40
    )
    flour.cost_price = D("1.3500")
    flour.save(update_fields=["cost_price"])
    # 20:00 UTC on 1 March is already 2 March in Tokyo.
    evening = datetime(2031, 3, 1, 20, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: evening)

    order = services.purchase_order_create(
        organization=organization, user=user, supplier=supplier,
        lines=[
            LineInput(product=product, quantity=D("10"), unit_price=None),
            LineInput(product=flour, quantity=D("2"), unit_price=None),
        ],
    )  # fmt: skip

    assert {sku: line.unit_price for sku, line in lines_of(order).items()} == {
        "BOLT": D("2.1000"),
        "FLOUR": D("1.3500"),
    }
    assert order.expected_date == date(2031, 3, 7)
    # A price or date given is kept, also on update.
    services.purchase_order_update(
        order=order, supplier=supplier, expected_date=date(2031, 4, 1),
        lines=[LineInput(product=product, quantity=D("10"), unit_price=D("3"))],
    )  # fmt: skip
    order.refresh_from_db()
    assert (order.expected_date, lines_of(order)["BOLT"].unit_price) == (
        date(2031, 4, 1),
        D("3.0000"),
    )


def test_no_link_to_the_supplier_leaves_the_expected_date_empty(
    organization, user, supplier, product
):
    product.cost_price = D("0.7500")
    product.save(update_fields=["cost_price"])
    order = services.purchase_order_create(
        organization=organization, user=user, supplier=supplier,
        lines=[LineInput(product=product, quantity=D("1"), unit_price=None)],
    )  # fmt: skip
    assert (order.expected_date, lines_of(order)["BOLT"].unit_price) == (None, D("0.7500"))


def test_lines_receive_into_their_own_location_unless_the_receipt_names_one(
    organization, user, supplier, product, flour, bin_a, bin_b
):
    from stockroom.orders.services import PurchaseLineInput

    order = services.purchase_order_create(
        organization=organization, user=user, supplier=supplier,
        lines=[
            PurchaseLineInput(product=product, quantity=D("5"), unit_price=D("1"),
                              receiving_location=bin_b),
            PurchaseLineInput(product=flour, quantity=D("3"), unit_price=D("1")),
        ],
    )  # fmt: skip
    services.purchase_order_send(order=order, user=user)
    lines = lines_of(order)
    assert lines["BOLT"].receiving_location == bin_b

    services.purchase_order_receive(
        order=order, user=user, location=bin_a,
        receipts=[ReceiptInput(line=lines["BOLT"], quantity=D("2")),
                  ReceiptInput(line=lines["FLOUR"], quantity=D("1"))],
    )  # fmt: skip
    services.purchase_order_receive(
        order=order, user=user, location=None,
        receipts=[ReceiptInput(line=lines["BOLT"], quantity=D("3"), location=bin_a)],
    )  # fmt: skip

    assert level(product, bin_b).on_hand == D("2")
    assert level(product, bin_a).on_hand == D("3")
    assert level(flour, bin_a).on_hand == D("1")
    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_receive(
            order=order, user=user, location=None,
            receipts=[ReceiptInput(line=lines["FLOUR"], quantity=D("1"))],
        )  # fmt: skip
    assert (refusal.value.code, refusal.value.extra) == (
        "location_required",
        {"line_id": lines["FLOUR"].pk},
    )


def test_a_receiving_location_of_another_organization_is_refused(
    organization, user, supplier, product
):
    from stockroom.orders.services import PurchaseLineInput

    with pytest.raises(ApplicationError) as refusal:
        services.purchase_order_create(
            organization=organization, user=user, supplier=supplier,
            lines=[PurchaseLineInput(product=product, quantity=D("1"), unit_price=D("1"),
                                     receiving_location=LocationFactory())],
        )  # fmt: skip
    assert (refusal.value.code, refusal.value.field, refusal.value.extra) == (
        "invalid_location",
        "receiving_location",
        {"index": 0},
    )
    assert not PurchaseOrder.objects.exists()


def test_a_lead_time_past_ten_years_is_refused_on_the_link(organization):
    """The field took up to 2**31 - 1 days, and a purchase order filling in its expected date
    from such a link raised an OverflowError (a 500 on the order form and the API)."""
    supplier = SupplierFactory(organization=organization)
    product = ProductFactory(organization=organization)
    with pytest.raises(ApplicationError) as refused:
        catalog_services.product_supplier_set(
            organization=organization,
            product=product,
            supplier=supplier,
            lead_time_days=MAX_LEAD_TIME_DAYS + 1,
        )
    assert refused.value.field == "lead_time_days"


def test_an_order_from_a_link_saved_with_a_huge_lead_time_still_gets_an_expected_date(
    organization,
):
    user = MembershipFactory(organization=organization).user
    supplier = SupplierFactory(organization=organization)
    product = ProductFactory(organization=organization)
    link = ProductSupplier.objects.create(
        organization=organization, product=product, supplier=supplier, price=Decimal("1.00")
    )
    # A row saved before lead times were bounded: the field itself takes up to 2**31 - 1.
    ProductSupplier.objects.filter(pk=link.pk).update(lead_time_days=2**31 - 1)

    order = services.purchase_order_create(
        organization=organization,
        user=user,
        supplier=supplier,
        lines=[services.LineInput(product=product, quantity=Decimal("1"), unit_price=None)],
    )

    assert order.expected_date is not None
    assert order.expected_date - timezone.localdate() <= timedelta(days=MAX_LEAD_TIME_DAYS + 1)
