"""SQL statements per write request, end to end, as the benchmark sends them: JWT with the
`org` claim, `X-Organization`, and (for movements) an `Idempotency-Key`.

Counted outside a test transaction (transactional_db), as in production: BEGIN and COMMIT are
counted, and the after-commit receivers (live event, report caches) run inside
the request. What a movement with a key costs (the bar: at most 12):

    1     user + membership + organization (MembershipJWTAuthentication)
    2     BEGIN, COMMIT of the request's transaction (api.viewsets.AtomicWriteMixin: the write
          commits only with its rendered response, so no write answers an error after commit)
    2     product, location (+ warehouse), each in this organization
    2     SAVEPOINT, RELEASE of the service's transaction, now nested in the request's (the
          ledger's key makes the post idempotent, so no stored response wraps it)
    1     the product lock, which also looks up the idempotency key
    4     stock row lock and update, product totals (and average cost) update, movement insert

Every budget below is 2 more than before the request-wide transaction: the service's own
transaction became a savepoint (SAVEPOINT + RELEASE); nothing else changed.
"""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from stockroom.catalog.tests.factories import CustomerFactory, ProductFactory
from stockroom.inventory.models import StockLevel, StockMovement
from stockroom.inventory.tests.factories import LocationFactory, receive
from stockroom.orders import services as order_services
from stockroom.orders.models import SalesOrder, SalesOrderReservation

from .conftest import access_token_for

pytestmark = pytest.mark.django_db(transaction=True)

MOVEMENTS = "/api/v1/movements/"
SALES_ORDERS = "/api/v1/sales-orders/"
MOVEMENT_BUDGET = {"receipt": 12, "shipment": 12}
# Membership, product, location, BEGIN, SAVEPOINT, product lock finding the key, the earlier
# movement, RELEASE, COMMIT. A retry re-reads what it posted; it no longer stops at a stored
# response.
RETRY_BUDGET = 9
SALES_ORDER_CREATE_BUDGET = 15  # whatever the number of lines
# The order's products are locked first (one statement), then per line inventory.stock_reserve:
# SAVEPOINT, product lock, stock row lock, stock row and product totals updates, RELEASE.
SALES_ORDER_CONFIRM_BUDGET = 17
SALES_ORDER_CONFIRM_PER_LINE = 6


@pytest.fixture
def bench_client(owner):
    """As bench/inprocess.py calls the API: JWT with the `org` claim plus X-Organization."""
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {access_token_for(owner)}",
        HTTP_X_ORGANIZATION=str(owner.organization_id),
    )
    return client


@pytest.fixture
def stocked(organization, owner):
    """Products with a reorder point (so shipments and reservations run the low-stock check)
    and plenty of stock in one bin, so no alert fires."""
    location = LocationFactory(organization=organization)
    products = [
        ProductFactory(organization=organization, reorder_point=Decimal("5")) for _ in range(3)
    ]
    for product in products:
        receive(product, location, 500, 2, user=owner.user)
    return products, location


def _on_hand(product, location) -> Decimal:
    return StockLevel.unscoped.get(product=product, location=location, lot=None).on_hand


@pytest.mark.parametrize(
    ("kind", "extra", "change"),
    [
        pytest.param("receipt", {"unit_cost": "2.5000"}, Decimal("3"), id="receipt"),
        pytest.param("shipment", {}, Decimal("-3"), id="shipment"),
    ],
)
def test_a_movement_post_fits_its_budget(
    bench_client, stocked, kind, extra, change, django_assert_max_num_queries
):
    (product, *_others), location = stocked
    body = {
        "kind": kind,
        "product": product.pk,
        "location": location.pk,
        "quantity": "3",
        "reference": "BENCH",
        **extra,
    }

    with django_assert_max_num_queries(MOVEMENT_BUDGET[kind]):
        response = bench_client.post(
            MOVEMENTS, body, format="json", HTTP_IDEMPOTENCY_KEY=f"budget-{kind}"
        )

    assert response.status_code == 201, response.content
    assert _on_hand(product, location) == Decimal("500") + change
    assert StockMovement.unscoped.filter(idempotency_key=f"budget-{kind}").count() == 1


def test_a_retried_movement_replays_without_writing(
    bench_client, stocked, django_assert_max_num_queries
):
    (product, *_others), location = stocked
    body = {"kind": "shipment", "product": product.pk, "location": location.pk, "quantity": "3"}
    first = bench_client.post(MOVEMENTS, body, format="json", HTTP_IDEMPOTENCY_KEY="again")

    with django_assert_max_num_queries(RETRY_BUDGET):
        retry = bench_client.post(MOVEMENTS, body, format="json", HTTP_IDEMPOTENCY_KEY="again")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert StockMovement.unscoped.filter(product=product, kind="shipment").count() == 1
    assert _on_hand(product, location) == Decimal("497")


def _order_body(customer, products) -> dict:
    return {
        "customer": customer.pk,
        "lines": [{"product": p.pk, "quantity": "1", "unit_price": "12.50"} for p in products],
        "notes": "bench",
    }


@pytest.fixture
def customer(organization, owner, stocked):
    customer = CustomerFactory(organization=organization)
    products, _location = stocked
    # The organization's first order creates its number sequence; the budgets are for the rest.
    order_services.sales_order_create(
        organization=organization,
        user=owner.user,
        customer=customer,
        lines=[order_services.LineInput(products[0], Decimal(1), Decimal(1))],
    )
    return customer


@pytest.mark.parametrize("line_count", [1, 3], ids=["1-line", "3-lines"])
def test_a_sales_order_create_fits_its_budget_whatever_its_lines(
    bench_client, stocked, customer, line_count, django_assert_max_num_queries
):
    products, _location = stocked

    with django_assert_max_num_queries(SALES_ORDER_CREATE_BUDGET):
        response = bench_client.post(
            SALES_ORDERS, _order_body(customer, products[:line_count]), format="json"
        )

    assert response.status_code == 201, response.content
    order = SalesOrder.unscoped.get(pk=response.json()["id"])
    assert order.number == "SO-00002"
    assert order.lines.count() == line_count
    assert order.history.count() == 1
    assert [line.history.get().history_user_id for line in order.lines.all()] == [
        order.created_by_id
    ] * line_count


@pytest.mark.parametrize("line_count", [1, 3], ids=["1-line", "3-lines"])
def test_a_sales_order_confirm_fits_its_budget(
    bench_client, stocked, customer, line_count, django_assert_max_num_queries
):
    products, location = stocked
    created = bench_client.post(
        SALES_ORDERS, _order_body(customer, products[:line_count]), format="json"
    )
    url = f"{SALES_ORDERS}{created.json()['id']}/confirm/"
    budget = SALES_ORDER_CONFIRM_BUDGET + SALES_ORDER_CONFIRM_PER_LINE * line_count

    with django_assert_max_num_queries(budget):
        response = bench_client.post(url, {"on_shortage": "refuse"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    reservations = SalesOrderReservation.unscoped.filter(line__order_id=created.json()["id"])
    assert sorted(r.line.product_id for r in reservations) == sorted(
        p.pk for p in products[:line_count]
    )
    assert {r.quantity for r in reservations} == {Decimal(1)}
    levels = StockLevel.unscoped.filter(product__in=products[:line_count], location=location)
    assert {level.reserved for level in levels} == {Decimal(1)}
