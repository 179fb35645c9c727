"""The transition tables walked state by state: each service refuses exactly outside a
transition's source states (with the table's refusal), and each detail page shows a transition's
button exactly when the state is a source and the member's role allows it."""

from decimal import Decimal

import pytest

from django.urls import reverse
from django.utils import timezone

from stockroom.accounts.roles import Role, role_allows
from stockroom.core.exceptions import ApplicationError, ConflictError
from stockroom.orders import services
from stockroom.orders.models import (
    PurchaseOrder,
    PurchaseOrderStatus,
    SalesOrder,
    SalesOrderStatus,
    StockCount,
    StockCountStatus,
)
from stockroom.orders.transitions import (
    PURCHASE_ORDER_TRANSITIONS,
    SALES_ORDER_TRANSITIONS,
    STOCK_COUNT_TRANSITIONS,
)

from .factories import (
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    SalesOrderFactory,
    SalesOrderLineFactory,
)

PO, SO, COUNT = PurchaseOrderStatus, SalesOrderStatus, StockCountStatus

# The rules as the product states them; the tables must say the same.
EXPECTED_SOURCES = {
    ("purchase_order", "edit"): {PO.DRAFT},
    ("purchase_order", "send"): {PO.DRAFT},
    ("purchase_order", "receive"): {PO.SENT, PO.PARTIALLY_RECEIVED},
    ("purchase_order", "close"): {PO.PARTIALLY_RECEIVED},
    ("purchase_order", "cancel"): {PO.DRAFT, PO.SENT},
    ("sales_order", "edit"): {SO.DRAFT},
    ("sales_order", "confirm"): {SO.DRAFT},
    ("sales_order", "reserve_backorders"): {SO.CONFIRMED, SO.PARTIALLY_SHIPPED},
    ("sales_order", "ship"): {SO.CONFIRMED, SO.PARTIALLY_SHIPPED},
    ("sales_order", "cancel"): {SO.DRAFT, SO.CONFIRMED},
    ("stock_count", "record"): {COUNT.COUNTING},
    ("stock_count", "submit"): {COUNT.COUNTING},
    ("stock_count", "approve"): {COUNT.SUBMITTED},
    ("stock_count", "reopen"): {COUNT.SUBMITTED},
    ("stock_count", "cancel"): {COUNT.COUNTING, COUNT.SUBMITTED},
}

TABLES = {
    "purchase_order": (PURCHASE_ORDER_TRANSITIONS, PurchaseOrder, PurchaseOrderStatus),
    "sales_order": (SALES_ORDER_TRANSITIONS, SalesOrder, SalesOrderStatus),
    "stock_count": (STOCK_COUNT_TRANSITIONS, StockCount, StockCountStatus),
}

# The service behind each transition, called the way the pages and the API call it.
SERVICES = {
    ("purchase_order", "edit"): lambda doc, env: services.purchase_order_update(
        order=doc, supplier=env["supplier"], lines=[]
    ),
    ("purchase_order", "send"): lambda doc, env: services.purchase_order_send(
        order=doc, user=env["user"]
    ),
    ("purchase_order", "receive"): lambda doc, env: services.purchase_order_receive(
        order=doc, user=env["user"], location=env["location"], receipts=[]
    ),
    ("purchase_order", "close"): lambda doc, env: services.purchase_order_close(
        order=doc, user=env["user"]
    ),
    ("purchase_order", "cancel"): lambda doc, env: services.purchase_order_cancel(
        order=doc, user=env["user"]
    ),
    ("sales_order", "edit"): lambda doc, env: services.sales_order_update(
        order=doc, customer=env["customer"], lines=[]
    ),
    ("sales_order", "confirm"): lambda doc, env: services.sales_order_confirm(
        order=doc, user=env["user"]
    ),
    ("sales_order", "reserve_backorders"): lambda doc, env: services.sales_order_reserve_backorders(
        order=doc, user=env["user"]
    ),
    ("sales_order", "ship"): lambda doc, env: services.sales_order_ship(
        order=doc, user=env["user"]
    ),
    ("sales_order", "cancel"): lambda doc, env: services.sales_order_cancel(
        order=doc, user=env["user"]
    ),
    ("stock_count", "record"): lambda doc, env: services.stock_count_record(
        count=doc, user=env["user"], quantities={}
    ),
    ("stock_count", "submit"): lambda doc, env: services.stock_count_submit(
        count=doc, user=env["user"]
    ),
    ("stock_count", "approve"): lambda doc, env: services.stock_count_approve(
        count=doc, user=env["user"]
    ),
    ("stock_count", "reopen"): lambda doc, env: services.stock_count_reopen(
        count=doc, user=env["user"]
    ),
    ("stock_count", "cancel"): lambda doc, env: services.stock_count_cancel(
        count=doc, user=env["user"]
    ),
}

# The URL each transition's button (a form's action or a link) points at.
BUTTON_URLS = {
    ("purchase_order", "edit"): "orders:purchase_order_update",
    ("purchase_order", "send"): "orders:purchase_order_send",
    ("purchase_order", "receive"): "orders:purchase_order_receive",
    ("purchase_order", "close"): "orders:purchase_order_close",
    ("purchase_order", "cancel"): "orders:purchase_order_cancel",
    ("sales_order", "edit"): "orders:sales_order_update",
    ("sales_order", "confirm"): "orders:sales_order_confirm",
    ("sales_order", "reserve_backorders"): "orders:sales_order_reserve_backorders",
    ("sales_order", "ship"): "orders:sales_order_ship",
    ("sales_order", "cancel"): "orders:sales_order_cancel",
    ("stock_count", "record"): "orders:stock_count_enter",
    ("stock_count", "submit"): "orders:stock_count_submit",
    ("stock_count", "approve"): "orders:stock_count_approve",
    ("stock_count", "reopen"): "orders:stock_count_reopen",
    ("stock_count", "cancel"): "orders:stock_count_cancel",
}

DOCUMENT_STATES = [
    pytest.param(kind, state, id=f"{kind}-{state}")
    for kind, (_table, _model, statuses) in TABLES.items()
    for state in statuses.values
]


def test_every_transition_is_listed_here_with_the_sources_the_product_states():
    declared = {
        (kind, transition.name): set(transition.sources)
        for kind, (table, _model, _statuses) in TABLES.items()
        for transition in table
    }
    assert declared == EXPECTED_SOURCES
    assert set(SERVICES) == set(BUTTON_URLS) == set(EXPECTED_SOURCES)


@pytest.fixture
def env(organization, manager, supplier, customer, product, bin_a, warehouse, stock):
    return {
        "organization": organization,
        "user": manager.user,
        "supplier": supplier,
        "customer": customer,
        "product": product,
        "location": bin_a,
        "warehouse": warehouse,
        "stock": stock,
    }


def _document(kind: str, state: str, env):
    """A document of `kind` with one line (backordered, for a sales order), put in `state`
    with every timestamp its constraints may ask for."""
    organization = env["organization"]
    if kind == "purchase_order":
        document = PurchaseOrderFactory(organization=organization, supplier=env["supplier"])
        PurchaseOrderLineFactory(order=document, product=env["product"])
    elif kind == "sales_order":
        document = SalesOrderFactory(organization=organization, customer=env["customer"])
        SalesOrderLineFactory(
            order=document,
            product=env["product"],
            quantity=Decimal("2"),
            backordered_quantity=Decimal("1"),
        )
    else:
        env["stock"](env["product"], env["location"], "5")
        document = services.stock_count_create(
            organization=organization,
            user=env["user"],
            warehouse=env["warehouse"],
            location=env["location"],
        )
        line = document.lines.get()
        services.stock_count_record(
            count=document, user=env["user"], quantities={line.pk: Decimal("5")}
        )
    table, model, _statuses = TABLES[kind]
    now = timezone.now()
    stamps = {t.at_field: now for t in table if t.at_field}
    model.objects.filter(pk=document.pk).update(status=state, **stamps)
    document.refresh_from_db()
    return document


@pytest.mark.parametrize(("kind", "state"), DOCUMENT_STATES)
def test_each_service_refuses_exactly_outside_its_source_states(kind, state, env):
    table, _model, _statuses = TABLES[kind]
    for transition in table:
        document = _document(kind, state, env)
        table_refusals = {
            (refusal.code, str(refusal.message))
            for refusal in [transition.refusal, *transition.refusals.values()]
        }
        call = SERVICES[(kind, transition.name)]
        if transition.allows(state):
            # It may still refuse for another reason (no stock, nothing entered), never
            # for the state.
            try:
                call(document, env)
            except ApplicationError as exc:
                assert (exc.code, exc.message) not in table_refusals, transition.name
        else:
            with pytest.raises(ConflictError) as refused:
                call(document, env)
            refusal = transition.refusal_for(state)
            assert (refused.value.code, refused.value.message) == (
                refusal.code,
                str(refusal.message),
            ), transition.name


@pytest.mark.parametrize(("kind", "state"), DOCUMENT_STATES)
def test_each_button_shows_exactly_when_the_state_and_the_role_allow_it(
    kind, state, env, owner, manager, clerk, viewer, member_client
):
    table, _model, _statuses = TABLES[kind]
    document = _document(kind, state, env)
    for membership in (owner, manager, clerk, viewer):
        page = member_client(membership).get(document.get_absolute_url())
        assert page.status_code == 200
        html = page.content.decode()
        for transition in table:
            url = reverse(BUTTON_URLS[(kind, transition.name)], args=[document.pk])
            expected = transition.allows(state) and role_allows(membership.role, transition.action)
            assert (f'"{url}"' in html) is expected, (membership.role, transition.name)


def test_every_role_is_walked():
    assert {Role.OWNER, Role.MANAGER, Role.CLERK, Role.VIEWER} == set(Role)


def test_an_interim_target_changes_the_state_without_the_final_stamps():
    ship = SALES_ORDER_TRANSITIONS["ship"]
    order = SalesOrder(status=SO.CONFIRMED)
    now = timezone.now()
    assert ship.apply(order, user=None, at=now, target=SO.PARTIALLY_SHIPPED) == ["status"]
    assert (order.status, order.shipped_at) == (SO.PARTIALLY_SHIPPED, None)
    assert ship.apply(order, user=None, at=now) == ["status", "shipped_at", "shipped_by"]
    assert (order.status, order.shipped_at) == (SO.SHIPPED, now)
    with pytest.raises(ValueError):
        ship.apply(order, user=None, at=now, target=SO.CANCELLED)
