"""Order limits on the API (issue 14, finding 2): a line of 10^9 × 10^9 is a 400 naming the
line and writes nothing, and an oversized order already in the database never breaks the
organization's lists, CSV exports, detail pages or transitions."""

import csv
import io
from decimal import Decimal

import pytest

from stockroom.catalog.tests.factories import CustomerFactory, ProductFactory, SupplierFactory
from stockroom.orders.models import (
    DocumentSequence,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    SalesOrder,
    SalesOrderLine,
    SalesOrderStatus,
)

from .endpoints import make_purchase_order, make_sales_order

pytestmark = pytest.mark.django_db

PO = "/api/v1/purchase-orders/"
SO = "/api/v1/sales-orders/"
HUGE = "1000000000"  # 10^9: within the quantity and unit price limits, not their product
# The largest line the columns hold (14 digits): 99,999,999,999.999 × 9,999,999,999.99.
COLUMN_QUANTITY = Decimal("99999999999.999")
COLUMN_PRICE = Decimal("9999999999.99")


def _error(response) -> tuple[int, str, dict]:
    body = response.json()["error"]
    return response.status_code, body["code"], body["fields"]


@pytest.fixture
def second_product(organization):
    return ProductFactory(organization=organization, sku="NUT")


@pytest.fixture
def counterparty(organization):
    """The supplier (purchase orders) and the customer (sales orders) field of an order body."""
    return {
        PO: ("supplier", SupplierFactory(organization=organization).pk),
        SO: ("customer", CustomerFactory(organization=organization).pk),
    }


def _body(counterparty, url, lines) -> dict:
    field, pk = counterparty[url]
    return {field: pk, "lines": lines}


ORDERS = [
    pytest.param(PO, PurchaseOrder, id="purchase-order"),
    pytest.param(SO, SalesOrder, id="sales-order"),
]


@pytest.mark.parametrize(("url", "model"), ORDERS)
@pytest.mark.parametrize(
    ("line", "code", "field", "message"),
    [
        pytest.param(
            {"quantity": HUGE, "unit_price": HUGE},
            "invalid",
            "lines.0.non_field_errors",
            "The line total (quantity × unit price) is over the limit of 1,000,000,000,000.",
            id="line-total-1e18",
        ),
        pytest.param(
            {"quantity": "1000000000.001", "unit_price": "0"},
            "max_value",
            "lines.0.quantity",
            "Ensure this value is less than or equal to 1000000000.",
            id="quantity-over-limit",
        ),
        pytest.param(
            {"quantity": "1", "unit_price": "1000000000.01"},
            "max_value",
            "lines.0.unit_price",
            "Ensure this value is less than or equal to 1000000000.",
            id="unit-price-over-limit",
        ),
    ],
)
def test_create_with_an_oversized_line_is_a_400_and_writes_nothing(
    owner_client, counterparty, product, url, model, line, code, field, message
):
    body = _body(counterparty, url, [{"product": product.pk, **line}])

    response = owner_client.post(url, body, format="json")

    assert _error(response) == (400, code, {field: [message]})
    assert model.unscoped.count() == 0
    assert DocumentSequence.unscoped.count() == 0


@pytest.mark.parametrize(("url", "model"), ORDERS)
def test_create_whose_order_total_is_over_the_limit_is_a_400(
    owner_client, counterparty, product, second_product, url, model
):
    # Each line is within the limit (6 × 10^11); together they are over it.
    lines = [
        {"product": p.pk, "quantity": "600000", "unit_price": "1000000"}
        for p in (product, second_product)
    ]

    response = owner_client.post(url, _body(counterparty, url, lines), format="json")

    assert _error(response) == (
        400,
        "invalid",
        {"lines": ["The order total is over the limit of 1,000,000,000,000."]},
    )
    assert model.unscoped.count() == 0


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize(
    ("url", "make"),
    [
        pytest.param(PO, make_purchase_order, id="purchase-order"),
        pytest.param(SO, make_sales_order, id="sales-order"),
    ],
)
def test_update_with_a_1e18_line_is_a_400_and_changes_nothing(
    owner_client, organization, counterparty, product, url, make, method
):
    order = make(organization)
    before = list(order.lines.values_list("product_id", "quantity", "unit_price"))
    body = _body(counterparty, url, [{"product": product.pk, "quantity": HUGE, "unit_price": HUGE}])

    response = getattr(owner_client, method)(f"{url}{order.pk}/", body, format="json")

    status, code, fields = _error(response)
    assert (status, code, list(fields)) == (400, "invalid", ["lines.0.non_field_errors"])
    order.refresh_from_db()
    assert list(order.lines.values_list("product_id", "quantity", "unit_price")) == before
    assert order.history.count() == 1


# A line without a price takes its default (test_a_purchase_patch_line_missing_its_price_...,
# orders/tests/test_sales_prices.py); its quantity has none.
@pytest.mark.parametrize(
    ("url", "make"),
    [
        pytest.param(PO, make_purchase_order, id="purchase-order"),
        pytest.param(SO, make_sales_order, id="sales-order"),
    ],
)
def test_a_patch_line_missing_its_quantity_is_a_400_not_a_500(
    owner_client, organization, url, make
):
    # `lines` replaces every line, so each line of a PATCH must be complete.
    order = make(organization)
    line = order.lines.get()

    response = owner_client.patch(
        f"{url}{order.pk}/",
        {"lines": [{"product": line.product_id, "unit_price": "3.00"}]},
        format="json",
    )

    assert _error(response) == (
        400,
        "required",
        {"lines.0.quantity": ["This field is required."]},
    )
    assert list(order.lines.values_list("quantity", flat=True)) == [line.quantity]


def test_a_purchase_patch_line_missing_its_price_takes_the_default_price(
    owner_client, organization
):
    # A purchase line's price may be left out: the service fills in the supplier's price for
    # the product, else its cost price (no link here).
    order = make_purchase_order(organization)
    line = order.lines.get()

    response = owner_client.patch(
        f"{PO}{order.pk}/",
        {"lines": [{"product": line.product_id, "quantity": "3"}]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert list(order.lines.values_list("quantity", "unit_price")) == [
        (Decimal("3"), line.product.cost_price)
    ]


def _plant_oversized_line(order, line_model) -> Decimal:
    """Writes the largest line the columns hold, past every check, as a row written before the
    limits existed would be; returns the order's total."""
    line_model.unscoped.filter(order=order).update(
        quantity=COLUMN_QUANTITY, unit_price=COLUMN_PRICE
    )
    return (COLUMN_QUANTITY * COLUMN_PRICE).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("url", "make", "line_model", "transition", "status"),
    [
        pytest.param(
            PO,
            make_purchase_order,
            PurchaseOrderLine,
            "send",
            PurchaseOrderStatus.SENT,
            id="purchase-order-send",
        ),
        pytest.param(
            SO,
            make_sales_order,
            SalesOrderLine,
            "cancel",
            SalesOrderStatus.CANCELLED,
            id="sales-order-cancel",
        ),
    ],
)
def test_an_oversized_order_in_the_database_breaks_no_list_export_detail_or_transition(
    owner_client, organization, url, make, line_model, transition, status
):
    order = make(organization)
    total = _plant_oversized_line(order, line_model)
    expected = f"{total:f}"  # 22 digits, written out in full

    listed = owner_client.get(url)
    exported = owner_client.get(url, {"format": "csv"})
    detail = owner_client.get(f"{url}{order.pk}/")
    moved = owner_client.post(f"{url}{order.pk}/{transition}/")

    assert listed.status_code == 200
    assert [row["total"] for row in listed.json()["results"]] == [expected]
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [row["total"] for row in rows] == [expected]
    assert detail.status_code == 200
    assert detail.json()["total"] == expected
    assert moved.status_code == 200, moved.content
    assert moved.json()["total"] == expected
    order.refresh_from_db()
    assert order.status == status
