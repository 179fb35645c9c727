"""Inventory pages through the test client: roles, tenant isolation, movement posting,
htmx fragments and query counts."""

import re
import uuid
from decimal import Decimal

import pytest

from django.urls import reverse

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.core.pagination import DeferredJoinPaginator
from stockroom.inventory import services
from stockroom.inventory.models import Location, MovementKind, StockLevel, StockMovement, Warehouse
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

D = Decimal
MAX_QUERIES = 8
# A form page also loads its choices: products, locations (twice for a transfer) and lots.
MAX_FORM_QUERIES = 10


def receive(product, location, quantity, **kwargs):
    return services.stock_receive(
        organization=product.organization,
        product=product,
        location=location,
        quantity=D(quantity),
        **kwargs,
    )


def on_hand(product, location, lot=None) -> Decimal:
    level = StockLevel.unscoped.filter(product=product, location=location, lot=lot).first()
    return level.on_hand if level else D("0")


def movement_data(kind, **values) -> dict:
    data = {"reference": "", "reason": "", "idempotency_key": str(uuid.uuid4())}
    if kind == MovementKind.ISSUE:
        data["reason_code"] = "other"
    data.update({key: getattr(value, "pk", value) for key, value in values.items()})
    return data


MOVEMENT_URLS = {
    MovementKind.RECEIPT: "inventory:movement_receive",
    MovementKind.ISSUE: "inventory:movement_issue",
    MovementKind.TRANSFER: "inventory:movement_transfer",
    MovementKind.ADJUSTMENT: "inventory:movement_adjust",
}


@pytest.fixture
def other_org_location(other_organization):
    return LocationFactory(organization=other_organization, code="X-01")


@pytest.fixture
def stocked(product, location):
    """Ten of the product in A-01."""
    receive(product, location, "10")
    return product


# --- Read access --------------------------------------------------------------------------


def _read_urls(product, warehouse, location) -> dict[str, str]:
    return {
        "stock_levels": reverse("inventory:stock_levels"),
        "movement_list": reverse("inventory:movement_list"),
        "warehouse_list": reverse("inventory:warehouse_list"),
        "warehouse_detail": reverse("inventory:warehouse_detail", args=[warehouse.pk]),
        "location_list": reverse("inventory:location_list"),
        "location_detail": reverse("inventory:location_detail", args=[location.pk]),
        "product_stock": reverse("inventory:product_stock", args=[product.pk]),
    }


READ_PAGES = [
    "stock_levels",
    "movement_list",
    "warehouse_list",
    "warehouse_detail",
    "location_list",
    "location_detail",
    "product_stock",
]


@pytest.mark.parametrize("page", READ_PAGES, ids=READ_PAGES)
def test_viewer_reads_every_inventory_page(
    member_client, viewer, stocked, warehouse, location, page
):
    response = member_client(viewer).get(_read_urls(stocked, warehouse, location)[page])

    assert response.status_code == 200
    body = response.content.decode()
    assert "BOLT-M8" in body or "A-01" in body or "MAIN" in body
    # A viewer gets no write buttons.
    assert reverse("inventory:movement_receive") not in body
    assert reverse("inventory:warehouse_create") not in body


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("inventory:stock_levels"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_index_redirects_to_stock_levels(member_client, viewer):
    response = member_client(viewer).get(reverse("inventory:index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("inventory:stock_levels")


def test_product_stock_partial_is_a_fragment_with_totals_and_lots(
    member_client, clerk, lot_product, location, other_location
):
    receive(lot_product, location, "7", lot_number="L-1", expiry_date="2031-01-31")
    receive(lot_product, other_location, "5", lot_number="L-2")

    response = member_client(clerk).get(reverse("inventory:product_stock", args=[lot_product.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="product-stock-on-hand">12<' in body
    assert 'id="product-stock-reserved">0<' in body
    assert 'id="product-stock-available">12<' in body
    assert "L-1" in body and "L-2" in body
    assert body.count('id="movement-') == 2
    assert f"{reverse('inventory:movement_receive')}?product={lot_product.pk}" in body


def test_product_stock_of_another_organization_is_404(member_client, clerk, other_organization):
    foreign = ProductFactory(organization=other_organization)

    response = member_client(clerk).get(reverse("inventory:product_stock", args=[foreign.pk]))

    assert response.status_code == 404


def test_product_stock_shows_at_most_twenty_movements(member_client, viewer, product, location):
    for _ in range(22):
        receive(product, location, "1")

    response = member_client(viewer).get(reverse("inventory:product_stock", args=[product.pk]))

    assert response.content.decode().count('id="movement-') == 20


# --- Role checks on writes ----------------------------------------------------------------


@pytest.mark.parametrize("kind", list(MOVEMENT_URLS), ids=[str(k) for k in MOVEMENT_URLS])
def test_viewer_cannot_open_or_post_movement_forms(member_client, viewer, product, location, kind):
    client = member_client(viewer)
    url = reverse(MOVEMENT_URLS[kind])
    data = movement_data(kind, product=product, location=location, quantity="1", reason="x")

    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert StockMovement.unscoped.count() == 0


@pytest.mark.parametrize(
    ("url_name", "needs_pk"),
    [
        ("inventory:warehouse_create", False),
        ("inventory:warehouse_update", True),
        ("inventory:warehouse_delete", True),
    ],
    ids=["create", "update", "delete"],
)
def test_clerk_cannot_manage_warehouses(member_client, clerk, warehouse, url_name, needs_pk):
    client = member_client(clerk)
    url = reverse(url_name, args=[warehouse.pk] if needs_pk else [])

    assert client.get(url).status_code == 403
    assert client.post(url, {"code": "NEW", "name": "New"}).status_code == 403
    assert Warehouse.unscoped.count() == 1


@pytest.mark.parametrize(
    "url_name",
    ["inventory:location_create", "inventory:location_update", "inventory:location_delete"],
    ids=["create", "update", "delete"],
)
def test_clerk_cannot_manage_locations(member_client, clerk, location, url_name):
    args = [] if url_name.endswith("create") else [location.pk]

    response = member_client(clerk).post(reverse(url_name, args=args), {"code": "Z"})

    assert response.status_code == 403
    assert Location.unscoped.get().code == "A-01"


@pytest.mark.parametrize(
    "url_name",
    [
        "inventory:warehouse_detail",
        "inventory:warehouse_update",
        "inventory:warehouse_delete",
    ],
    ids=["detail", "update", "delete"],
)
def test_another_organizations_warehouse_is_404(
    member_client, manager, other_organization, url_name
):
    foreign = WarehouseFactory(organization=other_organization)

    client = member_client(manager)

    assert client.get(reverse(url_name, args=[foreign.pk])).status_code == 404
    if not url_name.endswith("detail"):
        assert client.post(reverse(url_name, args=[foreign.pk])).status_code == 404
    assert Warehouse.unscoped.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize(
    "url_name",
    ["inventory:location_detail", "inventory:location_update", "inventory:location_delete"],
    ids=["detail", "update", "delete"],
)
def test_another_organizations_location_is_404(
    member_client, manager, other_org_location, url_name
):
    client = member_client(manager)
    url = reverse(url_name, args=[other_org_location.pk])

    assert client.get(url).status_code == 404
    if not url_name.endswith("detail"):
        assert client.post(url).status_code == 404
    assert Location.unscoped.filter(pk=other_org_location.pk).exists()


# --- Posting movements --------------------------------------------------------------------


def test_clerk_receives_stock(member_client, clerk, product, location):
    response = member_client(clerk).post(
        reverse("inventory:movement_receive"),
        movement_data(
            MovementKind.RECEIPT,
            product=product,
            location=location,
            quantity="12",
            unit_cost="2.5000",
            reference="DN-1",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:product_detail", args=[product.pk])
    movement = StockMovement.unscoped.get()
    assert (movement.kind, movement.quantity, movement.to_location, movement.from_location) == (
        MovementKind.RECEIPT,
        D("12"),
        location,
        None,
    )
    assert (movement.unit_cost, movement.reference, movement.user) == (
        D("2.5000"),
        "DN-1",
        clerk.user,
    )
    assert on_hand(product, location) == D("12")


def test_clerk_receives_a_lot(member_client, clerk, lot_product, location):
    response = member_client(clerk).post(
        reverse("inventory:movement_receive"),
        movement_data(
            MovementKind.RECEIPT,
            product=lot_product,
            location=location,
            quantity="4",
            lot_number="B-77",
            expiry_date="2030-06-30",
        ),
    )

    assert response.status_code == 302
    movement = StockMovement.unscoped.select_related("lot").get()
    assert (movement.lot.lot_number, movement.lot.expiry_date.isoformat()) == (
        "B-77",
        "2030-06-30",
    )
    assert on_hand(lot_product, location, movement.lot) == D("4")


def test_clerk_issues_stock(member_client, clerk, stocked, location):
    response = member_client(clerk).post(
        reverse("inventory:movement_issue"),
        movement_data(MovementKind.ISSUE, product=stocked, location=location, quantity="3"),
    )

    assert response.status_code == 302
    movement = StockMovement.unscoped.get(kind=MovementKind.ISSUE)
    assert (movement.quantity, movement.from_location, movement.to_location) == (
        D("3"),
        location,
        None,
    )
    assert on_hand(stocked, location) == D("7")


def test_clerk_issues_from_a_lot(member_client, clerk, lot_product, location):
    lot = receive(lot_product, location, "5", lot_number="L-9").lot

    response = member_client(clerk).post(
        reverse("inventory:movement_issue"),
        movement_data(
            MovementKind.ISSUE, product=lot_product, location=location, lot=lot, quantity="2"
        ),
    )

    assert response.status_code == 302
    assert on_hand(lot_product, location, lot) == D("3")


def test_clerk_transfers_stock(member_client, clerk, stocked, location, other_location):
    response = member_client(clerk).post(
        reverse("inventory:movement_transfer"),
        movement_data(
            MovementKind.TRANSFER,
            product=stocked,
            from_location=location,
            to_location=other_location,
            quantity="4",
        ),
    )

    assert response.status_code == 302
    movement = StockMovement.unscoped.get(kind=MovementKind.TRANSFER)
    assert (movement.quantity, movement.from_location, movement.to_location) == (
        D("4"),
        location,
        other_location,
    )
    assert (on_hand(stocked, location), on_hand(stocked, other_location)) == (D("6"), D("4"))


@pytest.mark.parametrize(
    ("delta", "expected", "direction"),
    [("2", D("12"), "in"), ("-3", D("7"), "out")],
    ids=["gain", "loss"],
)
def test_clerk_adjusts_stock(member_client, clerk, stocked, location, delta, expected, direction):
    response = member_client(clerk).post(
        reverse("inventory:movement_adjust"),
        movement_data(
            MovementKind.ADJUSTMENT,
            product=stocked,
            location=location,
            quantity=delta,
            reason="Shelf count",
        ),
    )

    assert response.status_code == 302
    movement = StockMovement.unscoped.get(kind=MovementKind.ADJUSTMENT)
    assert movement.quantity == abs(D(delta))
    assert movement.reason == "Shelf count"
    if direction == "in":
        assert (movement.from_location, movement.to_location) == (None, location)
    else:
        assert (movement.from_location, movement.to_location) == (location, None)
    assert on_hand(stocked, location) == expected


def test_success_message_names_the_movement(member_client, clerk, product, location):
    response = member_client(clerk).post(
        reverse("inventory:movement_receive"),
        movement_data(MovementKind.RECEIPT, product=product, location=location, quantity="5"),
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["Received 5 × BOLT-M8 into MAIN/A-01."]


def test_double_submit_posts_once(member_client, clerk, product, location):
    client = member_client(clerk)
    data = movement_data(MovementKind.RECEIPT, product=product, location=location, quantity="5")

    first = client.post(reverse("inventory:movement_receive"), data)
    second = client.post(reverse("inventory:movement_receive"), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert StockMovement.unscoped.count() == 1
    assert on_hand(product, location) == D("5")


def test_form_renders_a_fresh_idempotency_key_each_time(member_client, clerk):
    client = member_client(clerk)
    pattern = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')

    keys = [
        pattern.search(client.get(reverse("inventory:movement_receive")).content.decode())[1]
        for _ in range(2)
    ]

    assert keys[0] != keys[1]
    assert [uuid.UUID(key).version for key in keys] == [4, 4]


def test_query_string_prefills_product_and_location(member_client, clerk, product, location):
    response = member_client(clerk).get(
        reverse("inventory:movement_issue"), {"product": product.pk, "location": location.pk}
    )

    form = response.context["form"]
    assert (form["product"].value(), form["location"].value()) == (
        str(product.pk),
        str(location.pk),
    )


def test_transfer_takes_location_from_query_string_as_source(
    member_client, clerk, product, location
):
    response = member_client(clerk).get(
        reverse("inventory:movement_transfer"), {"product": product.pk, "location": location.pk}
    )

    assert response.context["form"]["from_location"].value() == str(location.pk)


def test_lot_fields_appear_for_lot_tracked_products_only(
    member_client, clerk, product, lot_product
):
    client = member_client(clerk)
    url = reverse("inventory:movement_receive")

    plain = client.get(url, {"product": product.pk}).context["form"]
    tracked = client.get(url, {"product": lot_product.pk}).context["form"]

    assert ("lot_number" in plain.fields, "lot_number" in tracked.fields) == (False, True)
    assert ("expiry_date" in plain.fields, "expiry_date" in tracked.fields) == (False, True)


# --- Bad input on movement forms ----------------------------------------------------------


def _bad_input_cases():
    """(label, kind, fields builder, field with the error, message)."""
    return [
        (
            "receipt-zero",
            MovementKind.RECEIPT,
            lambda f: {"product": f.product, "location": f.location, "quantity": "0"},
            "quantity",
            "Enter a quantity greater than zero.",
        ),
        (
            "receipt-negative",
            MovementKind.RECEIPT,
            lambda f: {"product": f.product, "location": f.location, "quantity": "-2"},
            "quantity",
            "Enter a quantity greater than zero.",
        ),
        (
            "receipt-fraction-of-each",
            MovementKind.RECEIPT,
            lambda f: {"product": f.product, "location": f.location, "quantity": "1.5"},
            "quantity",
            "Each is counted in whole units.",
        ),
        (
            "receipt-other-org-location",
            MovementKind.RECEIPT,
            lambda f: {"product": f.product, "location": f.foreign_location, "quantity": "1"},
            "location",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "receipt-unknown-product",
            MovementKind.RECEIPT,
            lambda f: {"product": 999999, "location": f.location, "quantity": "1"},
            "product",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "receipt-other-org-product",
            MovementKind.RECEIPT,
            lambda f: {"product": f.foreign_product, "location": f.location, "quantity": "1"},
            "product",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "receipt-lot-number-missing",
            MovementKind.RECEIPT,
            lambda f: {"product": f.lot_product, "location": f.location, "quantity": "1"},
            "lot_number",
            "This field is required.",
        ),
        (
            "issue-zero",
            MovementKind.ISSUE,
            lambda f: {"product": f.product, "location": f.location, "quantity": "0"},
            "quantity",
            "Enter a quantity greater than zero.",
        ),
        (
            "issue-negative",
            MovementKind.ISSUE,
            lambda f: {"product": f.product, "location": f.location, "quantity": "-1"},
            "quantity",
            "Enter a quantity greater than zero.",
        ),
        (
            "issue-other-org-location",
            MovementKind.ISSUE,
            lambda f: {"product": f.product, "location": f.foreign_location, "quantity": "1"},
            "location",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "issue-unknown-product",
            MovementKind.ISSUE,
            lambda f: {"product": 999999, "location": f.location, "quantity": "1"},
            "product",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "issue-more-than-available",
            MovementKind.ISSUE,
            lambda f: {"product": f.product, "location": f.location, "quantity": "11"},
            "quantity",
            "Not enough stock available for this quantity.",
        ),
        (
            "issue-reason-code-missing",
            MovementKind.ISSUE,
            lambda f: {
                "product": f.product,
                "location": f.location,
                "quantity": "1",
                "reason_code": "",
            },
            "reason_code",
            "Choose why the stock is issued.",
        ),
        (
            "issue-lot-missing",
            MovementKind.ISSUE,
            lambda f: {"product": f.lot_product, "location": f.location, "quantity": "1"},
            "lot",
            "This field is required.",
        ),
        (
            "transfer-zero",
            MovementKind.TRANSFER,
            lambda f: {
                "product": f.product,
                "from_location": f.location,
                "to_location": f.other_location,
                "quantity": "0",
            },
            "quantity",
            "Enter a quantity greater than zero.",
        ),
        (
            "transfer-negative",
            MovementKind.TRANSFER,
            lambda f: {
                "product": f.product,
                "from_location": f.location,
                "to_location": f.other_location,
                "quantity": "-4",
            },
            "quantity",
            "Enter a quantity greater than zero.",
        ),
        (
            "transfer-same-location",
            MovementKind.TRANSFER,
            lambda f: {
                "product": f.product,
                "from_location": f.location,
                "to_location": f.location,
                "quantity": "1",
            },
            "to_location",
            "Choose a location other than the source.",
        ),
        (
            "transfer-other-org-target",
            MovementKind.TRANSFER,
            lambda f: {
                "product": f.product,
                "from_location": f.location,
                "to_location": f.foreign_location,
                "quantity": "1",
            },
            "to_location",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "transfer-unknown-product",
            MovementKind.TRANSFER,
            lambda f: {
                "product": 999999,
                "from_location": f.location,
                "to_location": f.other_location,
                "quantity": "1",
            },
            "product",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "transfer-too-many-decimals",
            MovementKind.TRANSFER,
            lambda f: {
                "product": f.product,
                "from_location": f.location,
                "to_location": f.other_location,
                "quantity": "10.000001",
            },
            "quantity",
            "Ensure that there are no more than 3 decimal places.",
        ),
        (
            "transfer-over-stock",
            MovementKind.TRANSFER,
            lambda f: {
                "product": f.product,
                "from_location": f.location,
                "to_location": f.other_location,
                "quantity": "25",
            },
            "quantity",
            "Not enough stock available for this quantity.",
        ),
        (
            "adjust-zero",
            MovementKind.ADJUSTMENT,
            lambda f: {
                "product": f.product,
                "location": f.location,
                "quantity": "0",
                "reason": "Count",
            },
            "quantity",
            "Enter a change other than zero.",
        ),
        (
            "adjust-reason-missing",
            MovementKind.ADJUSTMENT,
            lambda f: {"product": f.product, "location": f.location, "quantity": "1"},
            "reason",
            "This field is required.",
        ),
        (
            "adjust-other-org-location",
            MovementKind.ADJUSTMENT,
            lambda f: {
                "product": f.product,
                "location": f.foreign_location,
                "quantity": "1",
                "reason": "Count",
            },
            "location",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "adjust-unknown-product",
            MovementKind.ADJUSTMENT,
            lambda f: {
                "product": 999999,
                "location": f.location,
                "quantity": "1",
                "reason": "Count",
            },
            "product",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "adjust-below-zero",
            MovementKind.ADJUSTMENT,
            lambda f: {
                "product": f.product,
                "location": f.location,
                "quantity": "-11",
                "reason": "Count",
            },
            "quantity",
            "Not enough stock available for this quantity.",
        ),
    ]


BAD_INPUT = _bad_input_cases()


class _Fixtures:
    def __init__(self, **rows):
        self.__dict__.update(rows)


@pytest.mark.parametrize(
    ("kind", "build", "field", "message"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_movement_input_is_refused_on_its_field_and_writes_nothing(
    member_client,
    clerk,
    stocked,
    lot_product,
    location,
    other_location,
    other_org_location,
    other_organization,
    kind,
    build,
    field,
    message,
):
    rows = _Fixtures(
        product=stocked,
        lot_product=lot_product,
        location=location,
        other_location=other_location,
        foreign_location=other_org_location,
        foreign_product=ProductFactory(organization=other_organization),
    )
    movements_before = StockMovement.unscoped.count()
    levels_before = list(StockLevel.unscoped.values_list("pk", "on_hand", "reserved"))

    response = member_client(clerk).post(
        reverse(MOVEMENT_URLS[kind]), movement_data(kind, **build(rows))
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert StockMovement.unscoped.count() == movements_before
    assert list(StockLevel.unscoped.values_list("pk", "on_hand", "reserved")) == levels_before


def test_inactive_location_is_not_a_choice(member_client, clerk, product, location):
    location.is_active = False
    location.save()

    response = member_client(clerk).post(
        reverse("inventory:movement_receive"),
        movement_data(MovementKind.RECEIPT, product=product, location=location, quantity="1"),
    )

    assert response.context["form"].errors["location"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert StockMovement.unscoped.count() == 0


def test_reusing_a_key_for_another_movement_is_refused(member_client, clerk, product, location):
    client = member_client(clerk)
    data = movement_data(MovementKind.RECEIPT, product=product, location=location, quantity="5")
    client.post(reverse("inventory:movement_receive"), data)

    response = client.post(reverse("inventory:movement_receive"), {**data, "quantity": "6"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This idempotency key was already used for a different stock movement."
    ]
    assert StockMovement.unscoped.count() == 1


# --- Warehouses and locations -------------------------------------------------------------


def test_manager_creates_a_warehouse(member_client, manager, organization):
    response = member_client(manager).post(
        reverse("inventory:warehouse_create"),
        {"code": " north ", "name": "North depot", "address": "1 Dock Road", "is_active": "on"},
    )

    warehouse = Warehouse.unscoped.get()
    assert response.status_code == 302
    assert response["Location"] == warehouse.get_absolute_url()
    assert (warehouse.organization, warehouse.code, warehouse.name, warehouse.is_active) == (
        organization,
        "NORTH",
        "North depot",
        True,
    )


def test_warehouse_code_must_be_unique_in_the_organization(
    member_client, manager, warehouse, other_organization
):
    WarehouseFactory(organization=other_organization, code="SOUTH")
    client = member_client(manager)

    taken = client.post(reverse("inventory:warehouse_create"), {"code": "main", "name": "Dup"})
    elsewhere = client.post(reverse("inventory:warehouse_create"), {"code": "south", "name": "S"})

    assert taken.context["form"].errors["code"] == ["Another warehouse already uses this code."]
    assert elsewhere.status_code == 302
    assert Warehouse.unscoped.filter(code="SOUTH").count() == 2


def test_manager_updates_a_warehouse(member_client, manager, warehouse):
    response = member_client(manager).post(
        reverse("inventory:warehouse_update", args=[warehouse.pk]),
        {"code": "MAIN", "name": "Main hall", "address": ""},
    )

    warehouse.refresh_from_db()
    assert response.status_code == 302
    assert (warehouse.name, warehouse.is_active) == ("Main hall", False)


def test_manager_deletes_an_empty_warehouse_with_its_locations(
    member_client, manager, warehouse, location
):
    LocationFactory(organization=warehouse.organization, warehouse=warehouse, parent=location)

    response = member_client(manager).post(
        reverse("inventory:warehouse_delete", args=[warehouse.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("inventory:warehouse_list")
    assert (Warehouse.unscoped.count(), Location.unscoped.count()) == (0, 0)


def test_warehouse_that_held_stock_cannot_be_deleted(member_client, manager, stocked, warehouse):
    response = member_client(manager).post(
        reverse("inventory:warehouse_delete", args=[warehouse.pk])
    )

    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "This warehouse has held stock, so it cannot be deleted. Deactivate it instead."
    ]
    assert Warehouse.unscoped.filter(pk=warehouse.pk).exists()


def test_location_create_preselects_the_warehouse(member_client, manager, warehouse, location):
    response = member_client(manager).get(
        reverse("inventory:location_create"), {"warehouse": warehouse.pk}
    )

    form = response.context["form"]
    assert form["warehouse"].value() == str(warehouse.pk)
    assert list(form.fields["parent"].queryset) == [location]


def test_manager_creates_a_location_inside_another(member_client, manager, warehouse, location):
    response = member_client(manager).post(
        reverse("inventory:location_create"),
        {"warehouse": warehouse.pk, "parent": location.pk, "code": "a-01-1", "is_active": "on"},
    )

    created = Location.unscoped.get(code="A-01-1")
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert (created.warehouse, created.parent, created.organization) == (
        warehouse,
        location,
        warehouse.organization,
    )


def test_location_parent_from_another_warehouse_is_refused(
    member_client, manager, warehouse, organization
):
    elsewhere = LocationFactory(organization=organization, code="Z-01")

    response = member_client(manager).post(
        reverse("inventory:location_create"),
        {"warehouse": warehouse.pk, "parent": elsewhere.pk, "code": "A-02"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Location.unscoped.filter(code="A-02").exists()


def test_location_cannot_go_inside_its_own_child(member_client, manager, warehouse, location):
    child = LocationFactory(
        organization=warehouse.organization, warehouse=warehouse, parent=location
    )

    response = member_client(manager).post(
        reverse("inventory:location_update", args=[location.pk]),
        {"parent": child.pk, "code": "A-01"},
    )

    assert response.context["form"].errors["parent"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    location.refresh_from_db()
    assert location.parent is None


def test_location_update_keeps_its_warehouse(member_client, manager, location, organization):
    other_warehouse = WarehouseFactory(organization=organization)

    response = member_client(manager).post(
        reverse("inventory:location_update", args=[location.pk]),
        {"warehouse": other_warehouse.pk, "code": "A-01", "name": "Aisle A"},
    )

    location.refresh_from_db()
    assert response.status_code == 302
    assert (location.warehouse.code, location.name, location.is_active) == (
        "MAIN",
        "Aisle A",
        False,
    )


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("stock", "This location has held stock, so it cannot be deleted. Deactivate it instead."),
        ("child", "This location contains other locations: move or delete them first."),
    ],
    ids=["has-stock", "has-children"],
)
def test_location_delete_is_refused(member_client, manager, product, location, setup, message):
    if setup == "stock":
        receive(product, location, "1")
    else:
        LocationFactory(
            organization=location.organization, warehouse=location.warehouse, parent=location
        )

    response = member_client(manager).post(reverse("inventory:location_delete", args=[location.pk]))

    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [message]
    assert Location.unscoped.filter(pk=location.pk).exists()


def test_manager_deletes_an_empty_location(member_client, manager, warehouse, location):
    response = member_client(manager).post(reverse("inventory:location_delete", args=[location.pk]))

    assert response.status_code == 302
    assert response["Location"] == warehouse.get_absolute_url()
    assert not Location.unscoped.filter(pk=location.pk).exists()


def test_warehouse_detail_shows_the_location_tree_and_totals(
    member_client, viewer, stocked, warehouse, location
):
    child = LocationFactory(
        organization=warehouse.organization, warehouse=warehouse, parent=location, code="A-01-1"
    )

    response = member_client(viewer).get(reverse("inventory:warehouse_detail", args=[warehouse.pk]))

    tree = response.context["location_tree"]
    assert [(node["location"], [c["location"] for c in node["children"]]) for node in tree] == [
        (location, [child])
    ]
    assert response.context["totals"] == {
        "on_hand": D("10"),
        "reserved": D("0"),
        "available": D("10"),
        "products": 1,
    }


# --- Lists: filters, htmx, sorting --------------------------------------------------------


def test_stock_levels_filter_by_warehouse_location_and_search(
    member_client, viewer, stocked, bulk_product, location, other_location, organization
):
    receive(bulk_product, other_location, "2.5")
    elsewhere = LocationFactory(organization=organization, code="Q-01")
    receive(stocked, elsewhere, "1")
    client = member_client(viewer)
    url = reverse("inventory:stock_levels")

    def rows(**query):
        return [
            (level.product.sku, str(level.location), level.on_hand)
            for level in client.get(url, query).context["levels"]
        ]

    assert rows(warehouse=location.warehouse_id) == [
        ("BOLT-M8", "MAIN/A-01", D("10")),
        ("FLOUR", "MAIN/B-01", D("2.5")),
    ]
    assert rows(location=other_location.pk) == [("FLOUR", "MAIN/B-01", D("2.5"))]
    assert rows(q="bolt") == [
        ("BOLT-M8", "MAIN/A-01", D("10")),
        ("BOLT-M8", f"{elsewhere.warehouse.code}/Q-01", D("1")),
    ]


def test_stock_level_filter_menus_list_every_bin_and_its_warehouse(
    member_client, viewer, location, other_location, organization, other_organization
):
    other = WarehouseFactory(organization=organization, code="AUX", name="")
    aux = LocationFactory(organization=organization, warehouse=other, code="Z-9", name="Back")
    LocationFactory(organization=other_organization, code="THEIRS")

    response = member_client(viewer).get(
        reverse("inventory:stock_levels"), {"location": other_location.pk}
    )

    assert [tuple(option) for option in response.context["warehouse_options"]] == [
        (other.pk, "AUX"),
        (location.warehouse_id, "MAIN · Main warehouse"),
    ]
    assert [tuple(option) for option in response.context["location_options"]] == [
        (aux.pk, "AUX/Z-9 · Back"),
        (location.pk, "MAIN/A-01"),
        (other_location.pk, "MAIN/B-01"),
    ]
    page = response.content.decode()
    assert f'<option value="{other_location.pk}" selected>' in page
    assert "THEIRS" not in page


@pytest.mark.parametrize(
    ("page", "query", "expected"),
    [
        ("stock_levels", {"q": "BOLT"}, "BOLT-M8"),
        ("movement_list", {"kind": "receipt"}, "BOLT-M8"),
        ("warehouse_list", {"q": "main"}, "MAIN"),
        ("location_list", {"q": "a-01"}, "A-01"),
    ],
    ids=["stock_levels", "movement_list", "warehouse_list", "location_list"],
)
def test_list_answers_htmx_with_the_table_only(
    member_client, viewer, stocked, page, query, expected
):
    response = member_client(viewer).get(
        reverse(f"inventory:{page}"), query, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'role="search"' not in body
    assert expected in body
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("role", "shown"), [("clerk", True), ("viewer", False)], ids=["clerk", "viewer"]
)
def test_menu_offers_posting_only_to_roles_that_post(member_client, request, role, shown):
    membership = request.getfixturevalue(role)

    body = member_client(membership).get(reverse("inventory:warehouse_list")).content.decode()

    assert 'id="inventory-menu"' in body
    assert (reverse("inventory:movement_adjust") in body) is shown


def test_list_history_restore_gets_the_whole_page(member_client, viewer, stocked):
    response = member_client(viewer).get(
        reverse("inventory:stock_levels"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.content.decode()


def test_movement_history_filters(member_client, viewer, stocked, bulk_product, location):
    receive(bulk_product, location, "1")
    services.stock_issue(
        reason_code="other",
        organization=stocked.organization,
        product=stocked,
        location=location,
        quantity=D("2"),
    )
    client = member_client(viewer)
    url = reverse("inventory:movement_list")

    def rows(**query):
        return [
            (movement.kind, movement.product.sku, movement.quantity)
            for movement in client.get(url, query).context["movements"]
        ]

    assert rows(kind="issue") == [("issue", "BOLT-M8", D("2"))]
    assert rows(q="flour") == [("receipt", "FLOUR", D("1"))]
    assert rows(warehouse=location.warehouse_id, q="BOLT") == [
        ("issue", "BOLT-M8", D("2")),
        ("receipt", "BOLT-M8", D("10")),
    ]
    assert rows(date_from="2000-01-01", date_to="2000-01-02") == []


def test_movement_history_reports_a_reversed_date_range(member_client, viewer):
    response = member_client(viewer).get(
        reverse("inventory:movement_list"), {"date_from": "2024-02-01", "date_to": "2024-01-01"}
    )

    assert response.status_code == 200
    assert response.context["filter_form"].errors["date_to"] == [
        "The end date is before the start date."
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("code", ["ALPHA", "BRAVO", "MAIN"]),
        ("-code", ["MAIN", "BRAVO", "ALPHA"]),
        ("name", ["BRAVO", "MAIN", "ALPHA"]),
        ("bogus", ["ALPHA", "BRAVO", "MAIN"]),
    ],
    ids=["code", "code-descending", "name", "unknown-falls-back-to-code"],
)
def test_warehouse_list_sorts(member_client, viewer, warehouse, organization, sort, expected):
    WarehouseFactory(organization=organization, code="ALPHA", name="Zulu")
    WarehouseFactory(organization=organization, code="BRAVO", name="Alpha")

    response = member_client(viewer).get(reverse("inventory:warehouse_list"), {"sort": sort})

    assert [w.code for w in response.context["warehouses"]] == expected


def test_warehouse_list_search_and_pagination(member_client, viewer, organization):
    for number in range(30):
        WarehouseFactory(organization=organization, code=f"W{number:02d}")
    client = member_client(viewer)

    first = client.get(reverse("inventory:warehouse_list"))
    second = client.get(reverse("inventory:warehouse_list"), {"page": 2})
    found = client.get(reverse("inventory:warehouse_list"), {"q": "w1"})

    assert (len(first.context["warehouses"]), len(second.context["warehouses"])) == (25, 5)
    assert [w.code for w in found.context["warehouses"]] == [f"W1{n}" for n in range(10)]


def test_location_list_filters_by_warehouse(member_client, viewer, location, organization):
    LocationFactory(organization=organization, code="Z-09")

    response = member_client(viewer).get(
        reverse("inventory:location_list"), {"warehouse": location.warehouse_id}
    )

    assert list(response.context["locations"]) == [location]


def test_lists_do_not_show_another_organizations_rows(
    member_client, viewer, other_organization, other_org_location
):
    foreign = ProductFactory(organization=other_organization, sku="SECRET")
    receive(foreign, other_org_location, "3")
    client = member_client(viewer)

    for name in ("stock_levels", "movement_list", "warehouse_list", "location_list"):
        body = client.get(reverse(f"inventory:{name}")).content.decode()
        assert "SECRET" not in body
        assert "X-01" not in body


# --- Query counts -------------------------------------------------------------------------


def _fill(organization, rows: int):
    """`rows` warehouses, locations, stock levels and movements, with lots."""
    product = ProductFactory(organization=organization, sku="QC", is_lot_tracked=True)
    for number in range(rows):
        warehouse = WarehouseFactory(organization=organization, code=f"QW{number:02d}")
        location = LocationFactory(
            organization=organization, warehouse=warehouse, code=f"QL{number:02d}"
        )
        receive(product, location, "1", lot_number=f"LOT{number:02d}")
    return product, warehouse, location


@pytest.mark.parametrize("rows", [3, 30], ids=["3-rows", "30-rows"])
@pytest.mark.parametrize(
    "page",
    [
        "warehouse_list",
        "location_list",
        "stock_levels",
        "movement_list",
        "product_stock",
        "warehouse_detail",
        "location_detail",
    ],
)
def test_list_pages_run_a_constant_number_of_queries(
    member_client, manager, organization, django_assert_max_num_queries, rows, page
):
    product, warehouse, location = _fill(organization, rows)
    client = member_client(manager)
    url = {
        "product_stock": reverse("inventory:product_stock", args=[product.pk]),
        "warehouse_detail": reverse("inventory:warehouse_detail", args=[warehouse.pk]),
        "location_detail": reverse("inventory:location_detail", args=[location.pk]),
    }.get(page) or reverse(f"inventory:{page}")

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize(
    "page", ["movement_receive", "movement_issue", "movement_transfer", "movement_adjust"]
)
def test_movement_forms_run_a_bounded_number_of_queries(
    member_client, clerk, organization, django_assert_max_num_queries, page
):
    product, _warehouse, _location = _fill(organization, 30)
    client = member_client(clerk)

    with django_assert_max_num_queries(MAX_FORM_QUERIES):
        response = client.get(reverse(f"inventory:{page}"), {"product": product.pk})

    assert response.status_code == 200


def test_transfer_form_groups_many_locations_without_more_queries(
    member_client, clerk, organization, product, django_assert_max_num_queries
):
    for number in range(4):
        warehouse = WarehouseFactory(organization=organization, code=f"W{number}", name="")
        for bin_number in range(10):
            LocationFactory(organization=organization, warehouse=warehouse, code=f"B{bin_number}")
    client = member_client(clerk)

    with django_assert_max_num_queries(MAX_FORM_QUERIES):
        response = client.get(reverse("inventory:movement_transfer"), {"product": product.pk})

    body = response.content.decode()
    for name in ("from_location", "to_location"):
        select = re.search(rf'<select name="{name}".*?</select>', body)[0]
        groups = re.findall(r'<optgroup label="([^"]*)">', select)
        assert (groups, select.count("<option ")) == (["W0", "W1", "W2", "W3"], 41)


def test_product_change_refresh_keeps_the_chosen_locations_selected(
    member_client, clerk, product, location, other_location
):
    response = member_client(clerk).get(
        reverse("inventory:movement_transfer"),
        {"product": product.pk, "from_location": location.pk, "to_location": other_location.pk},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    source = re.search(r'<select name="from_location".*?</select>', body)[0]
    target = re.search(r'<select name="to_location".*?</select>', body)[0]
    assert re.findall(r'value="(\d+)" selected', source) == [str(location.pk)]
    assert re.findall(r'value="(\d+)" selected', target) == [str(other_location.pk)]


def test_refused_post_shows_the_location_selected_and_marked_invalid(
    member_client, clerk, product, location
):
    response = member_client(clerk).post(
        reverse("inventory:movement_issue"),
        movement_data(MovementKind.ISSUE, product=product, location=location, quantity="-1"),
    )

    body = response.content.decode()
    location_select = re.search(r'<select name="location"[^>]*>.*?</select>', body)[0]
    quantity_input = re.search(r'<input type="number" name="quantity"[^>]*>', body)[0]
    assert response.status_code == 200
    assert f'<option value="{location.pk}" selected>MAIN/A-01</option>' in location_select
    assert 'class="form-select"' in location_select
    assert "is-invalid" in quantity_input


@pytest.mark.parametrize("rows", [3, 30], ids=["3-rows", "30-rows"])
def test_stock_search_page_runs_a_constant_number_of_queries(
    member_client, manager, organization, django_assert_max_num_queries, rows
):
    _fill(organization, rows)  # "Q" is in the product's SKU and in every bin's code
    client = member_client(manager)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("inventory:stock_levels"), {"q": "q"})

    assert len(response.context["levels"]) == min(rows, 25)
    assert response.context["paginator"].count == rows


def test_a_deep_movement_page_shows_the_same_rows_as_an_offset(
    member_client, viewer, organization, monkeypatch
):
    _fill(organization, 30)
    monkeypatch.setattr(DeferredJoinPaginator, "DEFER_AFTER", 0)
    oldest_five = list(
        StockMovement.unscoped.filter(organization=organization)
        .order_by("-occurred_at", "-id")
        .values_list("pk", flat=True)[25:30]
    )

    response = member_client(viewer).get(reverse("inventory:movement_list"), {"page": 2})

    assert [movement.pk for movement in response.context["movements"]] == oldest_five
    assert response.context["page_obj"].start_index() == 26
