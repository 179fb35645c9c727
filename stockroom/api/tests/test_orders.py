"""Order endpoints: flows through every state, refusals in the one error shape (never a 500),
per-action roles, tenant scope, idempotent stock-posting transitions, filters."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.api.models import IdempotencyRecord
from stockroom.catalog.tests.factories import (
    CustomerFactory,
    ProductFactory,
    ProductSupplierFactory,
    SupplierFactory,
)
from stockroom.inventory import services as inventory_services
from stockroom.inventory.models import MovementKind, StockLevel, StockMovement
from stockroom.inventory.tests.factories import LocationFactory
from stockroom.orders import services as order_services
from stockroom.orders.models import PurchaseOrder, PurchaseOrderReceipt, SalesOrder

from .endpoints import (
    FLOOR,
    MANAGERS,
    ROLES,
    make_movement,
    make_purchase_order,
    make_sales_order,
    make_stock_count,
    sales_order_body,
    stock_count_body,
)

pytestmark = pytest.mark.django_db

PO = "/api/v1/purchase-orders/"
SO = "/api/v1/sales-orders/"
COUNTS = "/api/v1/stock-counts/"
REORDER = "/api/v1/reorder-suggestions/"


def _on_hand(product, location) -> Decimal:
    level = StockLevel.unscoped.filter(product=product, location=location).first()
    return level.on_hand if level else Decimal(0)


def _error(response) -> tuple[int, str, dict]:
    body = response.json()["error"]
    return response.status_code, body["code"], body["fields"]


# --- purchase orders -----------------------------------------------------------------------------


def test_purchase_order_from_draft_to_received(owner_client, organization):
    supplier = SupplierFactory(organization=organization, name="Acme")
    bolt = ProductFactory(organization=organization, sku="BOLT")
    nut = ProductFactory(organization=organization, sku="NUT")
    bin_a = LocationFactory(organization=organization, code="A")
    body = {
        "supplier": supplier.pk,
        "notes": "Dock 2",
        "lines": [{"product": bolt.pk, "quantity": "10", "unit_price": "2.5"}],
    }

    created = owner_client.post(PO, body, format="json")
    order_id = created.json()["id"]
    edited = owner_client.patch(
        f"{PO}{order_id}/",
        {
            "lines": [
                {"product": bolt.pk, "quantity": "10", "unit_price": "2.5"},
                {"product": nut.pk, "quantity": "4", "unit_price": "0.1"},
            ]
        },
        format="json",
    )
    sent = owner_client.post(f"{PO}{order_id}/send/")
    lines = {line["product_sku"]: line["id"] for line in sent.json()["lines"]}
    partial = owner_client.post(
        f"{PO}{order_id}/receive/",
        {"location": bin_a.pk, "lines": [{"line": lines["BOLT"], "quantity": "6"}]},
        format="json",
    )
    rest = owner_client.post(
        f"{PO}{order_id}/receive/",
        {
            "location": bin_a.pk,
            "lines": [
                {"line": lines["BOLT"], "quantity": "4"},
                {"line": lines["NUT"], "quantity": "4"},
            ],
        },
        format="json",
    )

    assert created.status_code == 201
    assert (created.json()["number"], created.json()["status"]) == ("PO-00001", "draft")
    assert created.json()["total"] == "25.00"
    assert edited.status_code == 200
    assert [(line["product_sku"], line["quantity"]) for line in edited.json()["lines"]] == [
        ("BOLT", "10.000"),
        ("NUT", "4.000"),
    ]
    assert edited.json()["notes"] == "Dock 2"
    assert (sent.status_code, sent.json()["status"]) == (200, "sent")
    assert partial.status_code == 201
    assert partial.json()["order"]["status"] == "partially_received"
    assert [(r["quantity"], r["location"]) for r in partial.json()["receipts"]] == [
        ("6.000", bin_a.pk)
    ]
    assert rest.json()["order"]["status"] == "received"
    assert (_on_hand(bolt, bin_a), _on_hand(nut, bin_a)) == (Decimal(10), Decimal(4))
    assert StockMovement.unscoped.filter(reference="PO-00001").count() == 3


def test_a_partly_received_purchase_order_is_closed_short_not_cancelled(
    owner_client, owner, organization
):
    order = _partly_received_purchase_order(organization, quantity="4")

    cancel = owner_client.post(f"{PO}{order.pk}/cancel/")
    close = owner_client.post(f"{PO}{order.pk}/close/")
    listed = owner_client.get(PO, {"status": "closed"})
    receive = owner_client.post(
        f"{PO}{order.pk}/receive/",
        {"location": LocationFactory(organization=organization).pk,
         "lines": [{"line": order.lines.get().pk, "quantity": "1"}]},
        format="json",
    )  # fmt: skip

    assert _error(cancel)[:2] == (409, "order_has_receipts")
    assert "Close it short instead." in cancel.json()["error"]["message"]
    assert close.status_code == 200
    body = close.json()
    # 4 received × 2.50; the 6 that never came are not part of the order's value.
    assert (body["status"], body["total"]) == ("closed", "10.00")
    assert body["closed_at"] is not None and body["cancelled_at"] is None
    assert [row["total"] for row in listed.json()["results"]] == ["10.00"]
    assert _error(receive)[:2] == (409, "order_closed")
    assert PurchaseOrder.objects.get(pk=order.pk).closed_by == owner.user


def test_purchase_order_lines_default_their_price_and_receive_into_their_location(
    owner_client, organization
):
    supplier = SupplierFactory(organization=organization)
    bolt = ProductFactory(organization=organization, sku="BOLT", cost_price=Decimal("1.0000"))
    nut = ProductFactory(organization=organization, sku="NUT", cost_price=Decimal("0.2000"))
    ProductSupplierFactory(
        organization=organization, product=bolt, supplier=supplier, price=Decimal("0.9000"),
        lead_time_days=3, is_preferred=True,
    )  # fmt: skip
    shelf = LocationFactory(organization=organization, code="SHELF")
    dock = LocationFactory(organization=organization, code="DOCK")

    created = owner_client.post(
        PO,
        {"supplier": supplier.pk,
         "lines": [{"product": bolt.pk, "quantity": "10", "receiving_location": shelf.pk},
                   {"product": nut.pk, "quantity": "5", "unit_price": None}]},
        format="json",
    )  # fmt: skip
    order_id = created.json()["id"]
    lines = {line["product_sku"]: line for line in created.json()["lines"]}
    owner_client.post(f"{PO}{order_id}/send/")
    received = owner_client.post(
        f"{PO}{order_id}/receive/",
        {"location": dock.pk,
         "lines": [{"line": lines["BOLT"]["id"], "quantity": "10"},
                   {"line": lines["NUT"]["id"], "quantity": "5"}]},
        format="json",
    )  # fmt: skip
    elsewhere = owner_client.post(
        PO,
        {"supplier": supplier.pk,
         "lines": [{"product": bolt.pk, "quantity": "1",
                    "receiving_location": LocationFactory().pk}]},
        format="json",
    )  # fmt: skip

    assert created.status_code == 201, created.json()
    assert (lines["BOLT"]["unit_price"], lines["NUT"]["unit_price"]) == ("0.9000", "0.2000")
    assert (lines["BOLT"]["receiving_location"], lines["NUT"]["receiving_location"]) == (
        shelf.pk,
        None,
    )
    assert created.json()["expected_date"] is not None
    assert received.status_code == 201, received.json()
    assert {r["product"]: r["location"] for r in received.json()["receipts"]} == {
        bolt.pk: shelf.pk,
        nut.pk: dock.pk,
    }
    assert (_on_hand(bolt, shelf), _on_hand(nut, dock)) == (Decimal(10), Decimal(5))
    assert _error(elsewhere)[0] == 400
    assert "lines.0.receiving_location" in _error(elsewhere)[2]


def test_a_line_with_no_location_anywhere_is_400_on_that_line(owner_client, organization):
    order = make_purchase_order(organization, sent=True)

    response = owner_client.post(
        f"{PO}{order.pk}/receive/",
        {"lines": [{"line": order.lines.get().pk, "quantity": "1"}]},
        format="json",
    )

    status, code, fields = _error(response)
    assert (status, code, list(fields)) == (400, "location_required", ["lines.0.location"])
    assert not PurchaseOrderReceipt.objects.exists()


def test_receipt_of_a_lot_tracked_product_records_the_lot(owner_client, organization):
    order = make_purchase_order(organization, sent=True)
    line = order.lines.get()
    line.product.is_lot_tracked = True
    line.product.save()
    location = LocationFactory(organization=organization)

    response = owner_client.post(
        f"{PO}{order.pk}/receive/",
        {
            "location": location.pk,
            "lines": [
                {
                    "line": line.pk,
                    "quantity": "10",
                    "lot_number": "L-42",
                    "expiry_date": "2031-05-01",
                }
            ],
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["receipts"][0]["lot_number"] == "L-42"
    assert PurchaseOrderReceipt.unscoped.get().lot.expiry_date.isoformat() == "2031-05-01"


def test_over_receipt_is_refused_on_the_line_unless_accepted(owner_client, organization):
    order = make_purchase_order(organization, sent=True)
    line = order.lines.get()
    location = LocationFactory(organization=organization)
    body = {"location": location.pk, "lines": [{"line": line.pk, "quantity": "12"}]}

    refused = owner_client.post(f"{PO}{order.pk}/receive/", body, format="json")
    accepted = owner_client.post(
        f"{PO}{order.pk}/receive/", {**body, "over_receipt": True}, format="json"
    )

    assert _error(refused) == (
        400,
        "over_receipt",
        {
            "lines.0.quantity": [
                "Cannot receive more than ordered: 10 outstanding. "
                "Tick “accept over-receipt” to receive more."
            ]
        },
    )
    assert accepted.status_code == 201
    assert accepted.json()["receipts"][0]["over_receipt"] is True
    assert _on_hand(line.product, location) == Decimal(12)


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        pytest.param(
            lambda body, org: body["lines"].append(dict(body["lines"][0])),
            {"lines.1.product": ["Each product may appear only once on an order."]},
            id="duplicate-product",
        ),
        pytest.param(
            lambda body, org: body["lines"][0].update(quantity="0"),
            {"lines.0.quantity": ["Ensure this value is greater than or equal to 0.001."]},
            id="zero-quantity",
        ),
        pytest.param(
            lambda body, org: body["lines"][0].update(
                product=ProductFactory(organization=org, is_active=False).pk
            ),
            {"lines.0.product": ["This product is inactive and cannot be ordered."]},
            id="inactive-product",
        ),
        pytest.param(
            lambda body, org: body["lines"][0].update(quantity="1.5"),
            {"lines.0.quantity": ["This product is counted in whole units; enter a whole number."]},
            id="unit-precision",
        ),
        pytest.param(
            lambda body, org: body.update(supplier=SupplierFactory().pk),
            None,
            id="other-organizations-supplier",
        ),
    ],
)
def test_bad_purchase_order_is_400_naming_the_line(owner_client, organization, change, fields):
    body = {
        "supplier": SupplierFactory(organization=organization).pk,
        "lines": [
            {
                "product": ProductFactory(organization=organization).pk,
                "quantity": "3",
                "unit_price": "1",
            }
        ],
    }
    change(body, organization)

    response = owner_client.post(PO, body, format="json")

    assert response.status_code == 400
    if fields is None:
        fields = {"supplier": [f'Invalid pk "{body["supplier"]}" - object does not exist.']}
    assert response.json()["error"]["fields"] == fields
    assert not PurchaseOrder.unscoped.exists()


def test_receiving_a_line_of_another_order_is_400(owner_client, organization):
    order = make_purchase_order(organization, sent=True)
    stranger = make_purchase_order(organization, sent=True).lines.get()
    location = LocationFactory(organization=organization)

    response = owner_client.post(
        f"{PO}{order.pk}/receive/",
        {"location": location.pk, "lines": [{"line": stranger.pk, "quantity": "1"}]},
        format="json",
    )

    assert _error(response) == (
        400,
        "invalid",
        {"lines.0.line": ["This line is not on the purchase order."]},
    )


def test_a_sent_purchase_order_is_not_edited(owner_client, organization):
    order = make_purchase_order(organization, sent=True)

    response = owner_client.patch(f"{PO}{order.pk}/", {"notes": "late"}, format="json")

    assert _error(response)[:2] == (409, "order_not_editable")


def test_orders_are_not_deleted(owner_client, organization):
    order = make_purchase_order(organization)

    response = owner_client.delete(f"{PO}{order.pk}/")

    assert response.status_code == 405
    assert PurchaseOrder.unscoped.filter(pk=order.pk).exists()


# --- sales orders --------------------------------------------------------------------------------


def test_sales_order_backorder_shipped_in_parts(owner_client, organization):
    movement = make_movement(organization)  # 5 on hand
    product, location = movement.product, movement.to_location
    customer = CustomerFactory(organization=organization)
    created = owner_client.post(
        SO,
        {
            "customer": customer.pk,
            "lines": [{"product": product.pk, "quantity": "8", "unit_price": "4"}],
        },
        format="json",
    )
    url = f"{SO}{created.json()['id']}/"
    line_id = created.json()["lines"][0]["id"]

    refused = owner_client.post(f"{url}confirm/", {"on_shortage": "refuse"}, format="json")
    backordered = owner_client.post(f"{url}confirm/", {"on_shortage": "backorder"}, format="json")
    too_much = owner_client.post(
        f"{url}shipments/", {"lines": [{"line": line_id, "quantity": "6"}]}, format="json"
    )
    unknown_line = owner_client.post(
        f"{url}shipments/", {"lines": [{"line": line_id + 999, "quantity": "1"}]}, format="json"
    )
    first = owner_client.post(
        f"{url}shipments/",
        {
            "lines": [{"line": line_id, "quantity": "2"}],
            "carrier": "DHL",
            "tracking_number": "JD0001",
        },
        format="json",
    )
    after_first = owner_client.get(url).json()
    cancel_partly_shipped = owner_client.post(f"{url}cancel/")
    rest_of_reserved = owner_client.post(f"{url}shipments/", {}, format="json")
    nothing_left = owner_client.post(f"{url}ship/")
    make_more = owner_client.post(
        "/api/v1/movements/",
        {"kind": "receipt", "product": product.pk, "location": location.pk, "quantity": "3"},
        format="json",
    )
    reserved = owner_client.post(f"{url}reserve-backorders/")
    shipped = owner_client.post(f"{url}ship/")
    cancel_shipped = owner_client.post(f"{url}cancel/")
    listed = owner_client.get(f"{url}shipments/")

    assert created.status_code == 201
    assert created.json()["number"] == "SO-00001"
    assert _error(refused) == (400, "insufficient_stock", {})
    assert backordered.json()["lines"][0]["backordered_quantity"] == "3.000"
    assert _error(too_much)[:2] == (400, "exceeds_reserved")
    assert list(_error(too_much)[2]) == ["lines.0.quantity"]
    assert list(_error(unknown_line)[2]) == ["lines.0.line"]
    assert first.status_code == 201
    body = first.json()
    assert (body["number"], body["carrier"], body["tracking_number"]) == (
        "SHP-00001",
        "DHL",
        "JD0001",
    )
    assert [(row["line"], row["quantity"], row["location"]) for row in body["lines"]] == [
        (line_id, "2.000", location.pk)
    ]
    assert after_first["status"] == "partially_shipped"
    assert after_first["lines"][0]["shipped_quantity"] == "2.000"
    assert _error(cancel_partly_shipped)[:2] == (409, "partially_shipped")
    assert (rest_of_reserved.status_code, rest_of_reserved.json()["number"]) == (201, "SHP-00002")
    assert rest_of_reserved.json()["lines"][0]["quantity"] == "3.000"
    assert _error(nothing_left)[:2] == (409, "nothing_to_ship")
    assert make_more.status_code == 201
    assert reserved.json()["lines"][0]["backordered_quantity"] == "0.000"
    assert (shipped.status_code, shipped.json()["status"]) == (200, "shipped")
    assert shipped.json()["lines"][0]["shipped_quantity"] == "8.000"
    assert _on_hand(product, location) == Decimal(0)
    assert _error(cancel_shipped)[:2] == (409, "already_shipped")
    assert [row["number"] for row in listed.json()] == ["SHP-00001", "SHP-00002", "SHP-00003"]


def test_cancelling_a_confirmed_order_releases_its_reservation(owner_client, organization):
    order = make_sales_order(organization, confirmed=True)
    level = StockLevel.unscoped.get(product=order.lines.get().product)
    assert level.reserved == Decimal(2)

    response = owner_client.post(f"{SO}{order.pk}/cancel/")

    level.refresh_from_db()
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert level.reserved == Decimal(0)


def test_confirm_refuses_an_unknown_shortage_policy(owner_client, organization):
    order = make_sales_order(organization)

    response = owner_client.post(f"{SO}{order.pk}/confirm/", {"on_shortage": "oversell"})

    assert _error(response) == (
        400,
        "invalid_choice",
        {"on_shortage": ['"oversell" is not a valid choice.']},
    )


# --- stock counts --------------------------------------------------------------------------------


def test_stock_count_from_sheet_to_posted_variance(owner_client, organization):
    movement = make_movement(organization)  # 5 on hand
    location = movement.to_location

    created = owner_client.post(
        COUNTS, {"warehouse": location.warehouse_id, "location": location.pk}, format="json"
    )
    url = f"{COUNTS}{created.json()['id']}/"
    line = created.json()["lines"][0]
    early = owner_client.post(f"{url}submit/")
    counted = owner_client.post(
        f"{url}counts/", {"lines": [{"line": line["id"], "counted_quantity": "3"}]}, format="json"
    )
    submitted = owner_client.post(f"{url}submit/")
    approved = owner_client.post(f"{url}approve/")
    again = owner_client.post(f"{url}approve/")

    assert created.status_code == 201
    assert created.json()["number"] == "CNT-00001"
    assert (line["expected_quantity"], line["counted_quantity"]) == ("5.000", None)
    assert _error(early)[:2] == (409, "uncounted_lines")
    assert counted.json()["lines"][0]["variance"] == "-2.000"
    assert (submitted.json()["status"], approved.json()["status"]) == ("submitted", "approved")
    assert _on_hand(movement.product, location) == Decimal(3)
    assert StockMovement.unscoped.filter(kind=MovementKind.COUNT).get().quantity == Decimal(2)
    assert _error(again)[:2] == (409, "already_approved")


def test_count_entry_errors_name_the_line(owner_client, organization):
    count = make_stock_count(organization)
    line = count.lines.get()

    incomplete = owner_client.post(
        f"{COUNTS}{count.pk}/counts/",
        {"lines": [{"line": line.pk, "counted_quantity": "1"}, {"line": 999999}]},
        format="json",
    )
    fraction = owner_client.post(
        f"{COUNTS}{count.pk}/counts/",
        {"lines": [{"line": line.pk, "counted_quantity": "1.5"}]},
        format="json",
    )

    assert _error(incomplete) == (
        400,
        "required",
        {"lines.1.counted_quantity": ["This field is required."]},
    )
    assert _error(fraction) == (
        400,
        "quantity_precision",
        {
            "lines.0.counted_quantity": [
                "This product is counted in whole units; enter a whole number."
            ]
        },
    )


def test_count_entry_for_a_line_of_another_sheet_is_400(owner_client, organization):
    count = make_stock_count(organization)
    stranger = make_stock_count(organization).lines.get()

    response = owner_client.post(
        f"{COUNTS}{count.pk}/counts/",
        {"lines": [{"line": stranger.pk, "counted_quantity": "1"}]},
        format="json",
    )

    assert _error(response) == (
        400,
        "line_not_on_count",
        {"lines.0.line": ["This line is not on the stock count."]},
    )


def test_found_item_is_counted_and_posted_on_approval(owner_client, organization):
    count = make_stock_count(organization)
    found = ProductFactory(organization=organization, sku="FOUND")
    url = f"{COUNTS}{count.pk}/"

    added = owner_client.post(
        f"{url}lines/",
        {"product": found.pk, "location": count.location_id, "counted_quantity": "3"},
        format="json",
    )
    assert added.status_code == 201, added.json()
    line = next(line for line in added.json()["lines"] if line["product_sku"] == "FOUND")
    assert (line["expected_quantity"], line["counted_quantity"]) == ("0.000", "3.000")
    original = count.lines.exclude(product=found).get()
    order_services.stock_count_record(count=count, user=None, quantities={original.pk: 5})
    owner_client.post(f"{url}submit/")
    approved = owner_client.post(f"{url}approve/")

    assert approved.status_code == 200, approved.json()
    assert _on_hand(found, count.location) == Decimal(3)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ("foreign_product", "product", "does_not_exist"),
        ("other_location", "location", "outside_count"),
        ("lot_tracked", "lot", "lot_required"),
        ("negative", "counted_quantity", "min_value"),
    ],
)
def test_found_item_refusals_name_the_field(
    owner_client, organization, other_organization, change, field, code
):
    count = make_stock_count(organization)
    body = {
        "product": ProductFactory(organization=organization).pk,
        "location": count.location_id,
        "counted_quantity": "1",
    }
    if change == "foreign_product":
        body["product"] = ProductFactory(organization=other_organization).pk
    elif change == "other_location":
        body["location"] = LocationFactory(organization=organization).pk
    elif change == "lot_tracked":
        body["product"] = ProductFactory(organization=organization, is_lot_tracked=True).pk
    elif change == "negative":
        body["counted_quantity"] = "-1"

    response = owner_client.post(f"{COUNTS}{count.pk}/lines/", body, format="json")

    status, error_code, fields = _error(response)
    assert (status, error_code) == (400, code)
    assert list(fields) == [field]
    assert count.lines.count() == 1


def test_count_of_an_empty_location_is_400(owner_client, organization):
    location = LocationFactory(organization=organization)

    response = owner_client.post(
        COUNTS, {"warehouse": location.warehouse_id, "location": location.pk}, format="json"
    )

    assert _error(response) == (
        400,
        "nothing_to_count",
        {"location": ["There is no stock to count here."]},
    )


# --- reorder -------------------------------------------------------------------------------------


def _low_stock_product(organization, sku):
    link = ProductSupplierFactory(
        organization=organization,
        product=ProductFactory(
            organization=organization, sku=sku, reorder_point=Decimal(5), reorder_quantity=20
        ),
        is_preferred=True,
        lead_time_days=3,
    )
    return link


def test_reorder_suggestions_become_purchase_orders(owner_client, organization):
    link = _low_stock_product(organization, "LOW")
    ProductFactory(organization=organization, sku="FINE", reorder_point=Decimal(0))

    listing = owner_client.get(REORDER)
    created = owner_client.post(f"{REORDER}create-purchase-orders/")
    nothing_left = owner_client.post(f"{REORDER}create-purchase-orders/")

    assert [
        (row["product_sku"], row["suggested_quantity"], row["can_order"])
        for row in listing.json()["results"]
    ] == [("LOW", "20.000", True)]
    assert created.status_code == 201
    assert [(o["supplier"], o["lines"][0]["product_sku"]) for o in created.json()] == [
        (link.supplier_id, "LOW")
    ]
    assert _error(nothing_left)[:2] == (409, "nothing_to_order")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("?search=lo", ["LOW"], id="search"),
        pytest.param("?can_order=false", ["ORPHAN"], id="can-order"),
        pytest.param("?supplier=0", [], id="supplier"),
        pytest.param("?page_size=1", ["LOW"], id="page-size"),
    ],
)
def test_reorder_suggestion_filters(owner_client, organization, query, expected):
    _low_stock_product(organization, "LOW")
    ProductFactory(organization=organization, sku="ORPHAN", reorder_point=Decimal(5))

    response = owner_client.get(f"{REORDER}{query}")

    assert [row["product_sku"] for row in response.json()["results"]] == expected


def test_reorder_suggestions_bad_filters_are_400(owner_client):
    assert _error(owner_client.get(f"{REORDER}?supplier=x"))[:2] == (400, "invalid")
    assert _error(owner_client.get(f"{REORDER}?can_order=perhaps"))[:2] == (400, "invalid")


@pytest.mark.parametrize("role", ROLES)
def test_reorder_roles_and_tenancy(role, organization, other_organization, client_for):
    _low_stock_product(organization, "MINE")
    _low_stock_product(other_organization, "THEIRS")
    client = client_for(MembershipFactory(organization=organization, role=role))

    listing = client.get(REORDER)
    created = client.post(f"{REORDER}create-purchase-orders/")

    assert [row["product_sku"] for row in listing.json()["results"]] == ["MINE"]
    assert created.status_code == (201 if role in MANAGERS else 403)
    assert not PurchaseOrder.unscoped.filter(organization=other_organization).exists()


# --- transitions × roles × organizations ---------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    resource: str
    action: str
    roles: frozenset
    make: object
    body: object = None
    success: int = 200

    def url(self, pk: int) -> str:
        return f"/api/v1/{self.resource}/{pk}/{self.action}/"

    def __str__(self) -> str:
        return f"{self.resource}-{self.action}"


def _receive_body(order):
    location = LocationFactory(organization=order.organization)
    return {"location": location.pk, "lines": [{"line": order.lines.get().pk, "quantity": "4"}]}


def _count_body(count):
    return {"lines": [{"line": count.lines.get().pk, "counted_quantity": "5"}]}


def _found_item_body(count):
    product = ProductFactory(organization=count.organization)
    return {"product": product.pk, "location": count.location_id, "counted_quantity": "2"}


TRANSITIONS = [
    Transition("purchase-orders", "send", MANAGERS, make_purchase_order),
    Transition("purchase-orders", "cancel", MANAGERS, make_purchase_order),
    Transition(
        "purchase-orders", "close", MANAGERS, lambda org: _partly_received_purchase_order(org)
    ),
    Transition(
        "purchase-orders",
        "receive",
        FLOOR,
        lambda org: make_purchase_order(org, sent=True),
        _receive_body,
        201,
    ),
    Transition("sales-orders", "confirm", MANAGERS, make_sales_order),
    Transition(
        "sales-orders",
        "reserve-backorders",
        MANAGERS,
        lambda org: _backordered_then_stocked(org),
    ),
    Transition("sales-orders", "ship", FLOOR, lambda org: make_sales_order(org, confirmed=True)),
    Transition("sales-orders", "cancel", MANAGERS, make_sales_order),
    Transition("stock-counts", "counts", FLOOR, make_stock_count, _count_body),
    Transition("stock-counts", "lines", FLOOR, make_stock_count, _found_item_body, 201),
    Transition("stock-counts", "submit", FLOOR, lambda org: make_stock_count(org, state="counted")),
    Transition(
        "stock-counts", "reopen", MANAGERS, lambda org: make_stock_count(org, state="submitted")
    ),
    Transition(
        "stock-counts", "approve", MANAGERS, lambda org: make_stock_count(org, state="submitted")
    ),
    Transition("stock-counts", "cancel", MANAGERS, make_stock_count),
]


def _partly_received_purchase_order(organization, quantity: str = "4"):
    order = make_purchase_order(organization, sent=True)
    order_services.purchase_order_receive(
        order=order,
        user=None,
        location=LocationFactory(organization=organization),
        receipts=[order_services.ReceiptInput(line=order.lines.get(), quantity=Decimal(quantity))],
    )
    return order


def _backordered_then_stocked(organization):
    order = make_sales_order(organization, confirmed=True, on_hand=1)
    line = order.lines.get()
    reservation = line.reservations.get()
    inventory_services.stock_receive(
        organization=organization,
        product=line.product,
        location=reservation.location,
        quantity=Decimal(5),
    )
    return order


@pytest.mark.parametrize(
    ("transition", "role"),
    [pytest.param(t, r, id=f"{t}-{r}") for t in TRANSITIONS for r in ROLES],
)
def test_transition_is_allowed_by_role(transition, role, organization, client_for):
    document = transition.make(organization)
    body = transition.body(document) if transition.body else {}
    client = client_for(MembershipFactory(organization=organization, role=role))

    response = client.post(transition.url(document.pk), body, format="json")

    expected = transition.success if role in transition.roles else 403
    assert response.status_code == expected, response.json()


@pytest.mark.parametrize("transition", TRANSITIONS, ids=str)
def test_transition_on_another_organizations_document_is_404(
    transition, owner_client, other_organization
):
    document = transition.make(other_organization)
    body = transition.body(document) if transition.body else {}

    response = owner_client.post(transition.url(document.pk), body, format="json")

    assert _error(response)[:2] == (404, "not_found")


@pytest.mark.parametrize("transition", TRANSITIONS, ids=str)
def test_repeating_a_transition_is_refused_never_a_server_error(
    transition, owner_client, organization
):
    document = transition.make(organization)
    body = transition.body(document) if transition.body else {}

    first = owner_client.post(transition.url(document.pk), body, format="json")
    second = owner_client.post(transition.url(document.pk), body, format="json")

    assert first.status_code == transition.success
    # Entering the same counts twice, or receiving part of an order twice, is legitimate.
    if transition.action in ("counts", "receive"):
        assert second.status_code == transition.success
    else:
        assert second.status_code in (400, 409), second.json()
        assert second.json()["error"]["code"] not in ("server_error", "invalid")


@pytest.mark.parametrize(
    ("resource", "make", "actions"),
    [
        pytest.param(
            "purchase-orders",
            lambda org: order_services.purchase_order_cancel(
                order=make_purchase_order(org), user=None
            ),
            ["send", "receive", "cancel", "close"],
            id="cancelled-purchase-order",
        ),
        pytest.param(
            "sales-orders",
            lambda org: order_services.sales_order_cancel(order=make_sales_order(org), user=None),
            ["confirm", "ship", "cancel", "reserve-backorders"],
            id="cancelled-sales-order",
        ),
        pytest.param(
            "stock-counts",
            lambda org: order_services.stock_count_cancel(count=make_stock_count(org), user=None),
            ["counts", "submit", "reopen", "approve", "cancel"],
            id="cancelled-count",
        ),
    ],
)
def test_cancelled_documents_refuse_every_transition(
    owner_client, organization, resource, make, actions
):
    document = make(organization)
    line = document.lines.get().pk  # a real line: the refusal is about the state, not the body
    bodies = {
        "receive": {
            "location": LocationFactory(organization=organization).pk,
            "lines": [{"line": line, "quantity": "1"}],
        },
        "counts": {"lines": [{"line": line, "counted_quantity": "1"}]},
    }

    codes = {
        action: owner_client.post(
            f"/api/v1/{resource}/{document.pk}/{action}/", bodies.get(action, {}), format="json"
        ).status_code
        for action in actions
    }

    assert codes == dict.fromkeys(actions, 409)


# --- idempotency ---------------------------------------------------------------------------------


def test_same_key_creates_one_purchase_order(owner_client, organization):
    body = {
        "supplier": SupplierFactory(organization=organization).pk,
        "lines": [
            {
                "product": ProductFactory(organization=organization).pk,
                "quantity": "1",
                "unit_price": "1",
            }
        ],
    }

    first = owner_client.post(PO, body, format="json", HTTP_IDEMPOTENCY_KEY="po-1")
    retry = owner_client.post(PO, body, format="json", HTTP_IDEMPOTENCY_KEY="po-1")
    other = owner_client.post(
        PO, {**body, "notes": "changed"}, format="json", HTTP_IDEMPOTENCY_KEY="po-1"
    )

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert _error(other)[:2] == (409, "idempotency_conflict")
    assert PurchaseOrder.unscoped.count() == 1


@pytest.mark.parametrize(
    ("resource", "make_body"),
    [
        pytest.param("sales-orders", sales_order_body, id="sales-order"),
        pytest.param("stock-counts", stock_count_body, id="stock-count"),
    ],
)
def test_same_key_creates_one_document(owner_client, organization, resource, make_body):
    body = make_body(organization)
    url = f"/api/v1/{resource}/"

    first = owner_client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    retry = owner_client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["id"] == first.json()["id"]
    assert len(owner_client.get(url).json()["results"]) == 1


def test_retried_receipt_posts_stock_once(owner_client, organization):
    order = make_purchase_order(organization, sent=True)
    body = _receive_body(order)

    first = owner_client.post(
        f"{PO}{order.pk}/receive/", body, format="json", HTTP_IDEMPOTENCY_KEY="r1"
    )
    retry = owner_client.post(
        f"{PO}{order.pk}/receive/", body, format="json", HTTP_IDEMPOTENCY_KEY="r1"
    )
    fresh = owner_client.post(
        f"{PO}{order.pk}/receive/", body, format="json", HTTP_IDEMPOTENCY_KEY="r2"
    )

    assert (first.status_code, retry.status_code, fresh.status_code) == (201, 201, 201)
    assert retry.json() == first.json()
    assert PurchaseOrderReceipt.unscoped.count() == 2


def test_retried_shipment_ships_once_and_replays(owner_client, organization):
    order = make_sales_order(organization, confirmed=True)

    first = owner_client.post(f"{SO}{order.pk}/ship/", HTTP_IDEMPOTENCY_KEY="ship-1")
    retry = owner_client.post(f"{SO}{order.pk}/ship/", HTTP_IDEMPOTENCY_KEY="ship-1")

    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry["Idempotent-Replayed"] == "true"
    assert StockMovement.unscoped.filter(kind=MovementKind.SHIPMENT).count() == 1


def test_same_key_on_another_document_is_a_conflict(owner_client, organization):
    first_order = make_sales_order(organization, confirmed=True)
    second_order = make_sales_order(organization, confirmed=True)

    owner_client.post(f"{SO}{first_order.pk}/ship/", HTTP_IDEMPOTENCY_KEY="ship")
    reused = owner_client.post(f"{SO}{second_order.pk}/ship/", HTTP_IDEMPOTENCY_KEY="ship")

    assert _error(reused)[:2] == (409, "idempotency_conflict")
    assert SalesOrder.unscoped.get(pk=second_order.pk).status == "confirmed"


def test_retried_approval_posts_variances_once(owner_client, organization):
    count = make_stock_count(organization, state="submitted")

    first = owner_client.post(f"{COUNTS}{count.pk}/approve/", HTTP_IDEMPOTENCY_KEY="a")
    retry = owner_client.post(f"{COUNTS}{count.pk}/approve/", HTTP_IDEMPOTENCY_KEY="a")

    assert (first.status_code, retry.status_code) == (200, 200)
    assert StockMovement.unscoped.filter(kind=MovementKind.COUNT).count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_refused_transition_is_not_stored_under_its_key(owner_client, organization):
    order = make_sales_order(organization)  # a draft: shipping is refused

    refused = owner_client.post(f"{SO}{order.pk}/ship/", HTTP_IDEMPOTENCY_KEY="s")
    order_services.sales_order_confirm(order=order, user=None)
    shipped = owner_client.post(f"{SO}{order.pk}/ship/", HTTP_IDEMPOTENCY_KEY="s")

    assert (refused.status_code, shipped.status_code) == (409, 200)


# --- lists ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("?status=sent", ["PO-00002"], id="status"),
        pytest.param("?search=PO-00001", ["PO-00001"], id="search-number"),
        pytest.param("?ordering=number", ["PO-00001", "PO-00002", "PO-00003"], id="ordering"),
        pytest.param("?ordering=-number", ["PO-00003", "PO-00002", "PO-00001"], id="descending"),
    ],
)
def test_purchase_order_list_filters(owner_client, organization, query, expected):
    make_purchase_order(organization)
    make_purchase_order(organization, sent=True)
    make_purchase_order(organization)

    response = owner_client.get(f"{PO}{query}")

    assert [row["number"] for row in response.json()["results"]] == expected


def test_purchase_order_list_filters_by_supplier_and_product(owner_client, organization):
    wanted = make_purchase_order(organization)
    make_purchase_order(organization)
    line = wanted.lines.get()

    by_supplier = owner_client.get(f"{PO}?supplier={wanted.supplier_id}")
    by_product = owner_client.get(f"{PO}?product={line.product_id}")
    by_sku = owner_client.get(f"{PO}?search={line.product.sku}")

    for response in (by_supplier, by_product, by_sku):
        assert [row["id"] for row in response.json()["results"]] == [wanted.pk]


def test_sales_order_list_filters_backorders(owner_client, organization):
    backordered = make_sales_order(organization, confirmed=True, on_hand=1)
    make_sales_order(organization, confirmed=True)

    response = owner_client.get(f"{SO}?backordered=true")
    confirmed = owner_client.get(f"{SO}?status=confirmed")

    assert [row["id"] for row in response.json()["results"]] == [backordered.pk]
    assert len(confirmed.json()["results"]) == 2


def test_stock_count_list_filters(owner_client, organization):
    counting = make_stock_count(organization)
    make_stock_count(organization, state="submitted")

    by_status = owner_client.get(f"{COUNTS}?status=counting")
    by_location = owner_client.get(f"{COUNTS}?location={counting.location_id}")

    assert [row["id"] for row in by_status.json()["results"]] == [counting.pk]
    assert [row["id"] for row in by_location.json()["results"]] == [counting.pk]
    assert by_status.json()["results"][0]["line_count"] == 1


@pytest.mark.parametrize("resource", ["purchase-orders", "sales-orders", "stock-counts"])
def test_order_lists_as_csv(owner_client, organization, resource):
    {"purchase-orders": make_purchase_order, "sales-orders": make_sales_order}.get(
        resource, make_stock_count
    )(organization)

    response = owner_client.get(f"/api/v1/{resource}/?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines()[0].startswith("id,number,status")


def test_reorder_list_query_count_is_constant(
    owner_client, organization, django_assert_max_num_queries
):
    for n in range(30):
        _low_stock_product(organization, f"LOW-{n}")

    with django_assert_max_num_queries(6):
        small = owner_client.get(f"{REORDER}?page_size=10")
    with django_assert_max_num_queries(6):
        large = owner_client.get(f"{REORDER}?page_size=100")

    assert (len(small.json()["results"]), len(large.json()["results"])) == (10, 30)


def test_line_products_are_looked_up_in_this_organization_only(
    owner_client, organization, other_organization
):
    """The lines' products are read in one query; each bad id still gets its own error."""
    mine, also_mine = ProductFactory.create_batch(2, organization=organization)
    theirs = ProductFactory(organization=other_organization)
    line = {"quantity": "1", "unit_price": "1.00"}
    body = {
        "customer": CustomerFactory(organization=organization).pk,
        "lines": [
            {**line, "product": mine.pk},
            {**line, "product": str(also_mine.pk)},
            {**line, "product": theirs.pk},
            {**line, "product": True},
            {**line, "product": 2**70},
        ],
    }

    response = owner_client.post(SO, body, format="json")

    assert _error(response) == (
        400,
        "invalid",
        {
            "lines.2.product": [f'Invalid pk "{theirs.pk}" - object does not exist.'],
            "lines.3.product": ["Incorrect type. Expected pk value, received bool."],
            "lines.4.product": [f'Invalid pk "{2**70}" - object does not exist.'],
        },
    )
    assert not SalesOrder.unscoped.exists()
