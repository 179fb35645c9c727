"""Posting stock movements through the API: kinds, idempotency, refusals in the error shape."""

from decimal import Decimal

import pytest

from stockroom.api.models import IdempotencyRecord
from stockroom.inventory.models import StockLevel, StockMovement
from stockroom.inventory.tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/movements/"


@pytest.fixture
def bin_a(organization):
    return LocationFactory(organization=organization, code="A")


@pytest.fixture
def bin_b(organization, bin_a):
    return LocationFactory(organization=organization, warehouse=bin_a.warehouse, code="B")


def _receipt(product, location, quantity="10"):
    return {"kind": "receipt", "product": product.pk, "location": location.pk, "quantity": quantity}


def _on_hand(product, location) -> Decimal:
    level = StockLevel.unscoped.filter(product=product, location=location).first()
    return level.on_hand if level else Decimal(0)


def test_receive_ship_transfer_adjust(owner_client, product, bin_a, bin_b):
    posts = [
        _receipt(product, bin_a, "10"),
        {"kind": "shipment", "product": product.pk, "location": bin_a.pk, "quantity": "3"},
        {
            "kind": "transfer",
            "product": product.pk,
            "from_location": bin_a.pk,
            "to_location": bin_b.pk,
            "quantity": "2",
        },
        {
            "kind": "adjustment",
            "product": product.pk,
            "location": bin_b.pk,
            "quantity": "-1",
            "reason": "Damaged",
        },
    ]

    codes = [owner_client.post(URL, body, format="json").status_code for body in posts]
    ledger = owner_client.get(URL).json()["results"]

    assert codes == [201, 201, 201, 201]
    assert (_on_hand(product, bin_a), _on_hand(product, bin_b)) == (Decimal(5), Decimal(1))
    assert [(row["kind"], row["quantity"]) for row in ledger] == [
        ("adjustment", "1.000"),
        ("transfer", "2.000"),
        ("shipment", "3.000"),
        ("receipt", "10.000"),
    ]


def test_same_idempotency_key_twice_creates_one_movement(owner_client, product, bin_a):
    body = _receipt(product, bin_a)

    first = owner_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = owner_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert StockMovement.unscoped.count() == 1
    assert _on_hand(product, bin_a) == Decimal(10)
    # The ledger's key is the record: no stored response is kept for movements.
    assert StockMovement.unscoped.get().idempotency_key == "k-1"
    assert not IdempotencyRecord.objects.exists()


def test_same_idempotency_key_with_another_body_is_refused(owner_client, product, bin_a):
    owner_client.post(URL, _receipt(product, bin_a, "10"), format="json", HTTP_IDEMPOTENCY_KEY="k")

    response = owner_client.post(
        URL, _receipt(product, bin_a, "11"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert StockMovement.unscoped.count() == 1


def test_failed_request_is_not_stored_under_its_key(owner_client, product, bin_a):
    shipment = {"kind": "shipment", "product": product.pk, "location": bin_a.pk, "quantity": "5"}

    refused = owner_client.post(URL, shipment, format="json", HTTP_IDEMPOTENCY_KEY="k")
    owner_client.post(URL, _receipt(product, bin_a, "10"), format="json")
    retried = owner_client.post(URL, shipment, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "insufficient_stock"
    assert refused.json()["error"]["fields"] == {
        "quantity": ["Not enough stock available for this quantity."]
    }
    assert retried.status_code == 201


def test_idempotency_keys_are_per_user(owner_client, client_for, organization, product, bin_a):
    from stockroom.accounts.tests.factories import MembershipFactory

    clerk_client = client_for(MembershipFactory(organization=organization, role="clerk"))
    body = _receipt(product, bin_a)

    owner = owner_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    clerk = clerk_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    clerk_retry = clerk_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")

    # Another member's key never replays your movement: two users, two movements.
    assert (owner.status_code, clerk.status_code, clerk_retry.status_code) == (201, 201, 201)
    assert "Idempotent-Replayed" not in clerk
    assert clerk.json()["id"] != owner.json()["id"]
    # The same user's retry is replayed.
    assert clerk_retry["Idempotent-Replayed"] == "true"
    assert clerk_retry.json() == clerk.json()
    assert StockMovement.unscoped.count() == 2
    assert _on_hand(product, bin_a) == Decimal(20)


def test_another_users_key_with_another_body_is_not_a_conflict(
    owner_client, client_for, organization, product, bin_a
):
    from stockroom.accounts.tests.factories import MembershipFactory

    clerk_client = client_for(MembershipFactory(organization=organization, role="clerk"))
    owner_client.post(URL, _receipt(product, bin_a, "10"), format="json", HTTP_IDEMPOTENCY_KEY="k")

    clerk = clerk_client.post(
        URL, _receipt(product, bin_a, "3"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert clerk.status_code == 201
    assert _on_hand(product, bin_a) == Decimal(13)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        pytest.param(
            {"quantity": "-2"}, "quantity", "The quantity must be greater than zero.", id="negative"
        ),
        pytest.param(
            {"quantity": "abc"}, "quantity", "A valid number is required.", id="not-a-number"
        ),
        pytest.param(
            {"quantity": "1.5"},
            "quantity",
            "This product is counted in whole units; enter a whole number.",
            id="fraction-of-each",
        ),
        pytest.param(
            {"product": "x"},
            "product",
            "Incorrect type. Expected pk value, received str.",
            id="product-type",
        ),
        pytest.param(
            {"product": True},
            "product",
            "Incorrect type. Expected pk value, received bool.",
            id="product-bool",
        ),
        pytest.param(
            {"kind": "count"}, "kind", '"count" is not a valid choice.', id="kind-not-postable"
        ),
        pytest.param(
            {"location": None},
            "location",
            "This field is required for a receipt.",
            id="location-missing",
        ),
        pytest.param(
            {"unit_cost": "-1"},
            "unit_cost",
            "Ensure this value is greater than or equal to 0.",
            id="negative-cost",
        ),
    ],
)
def test_bad_input_is_400_naming_the_field(owner_client, product, bin_a, change, field, message):
    body = {**_receipt(product, bin_a), **change}

    response = owner_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"][field] == [message]
    assert StockMovement.unscoped.count() == 0


def test_another_organizations_location_is_400_naming_the_field(
    owner_client, product, other_organization
):
    foreign = LocationFactory(organization=other_organization)

    response = owner_client.post(URL, _receipt(product, foreign), format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "location": [f'Invalid pk "{foreign.pk}" - object does not exist.']
    }


def test_unknown_fields_are_ignored(owner_client, product, bin_a):
    body = {**_receipt(product, bin_a), "organization": 999, "surprise": [1, 2]}

    response = owner_client.post(URL, body, format="json")

    assert response.status_code == 201
    assert StockMovement.unscoped.get().organization_id == product.organization_id


def test_malformed_json_is_400(owner_client):
    response = owner_client.post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_too_long_idempotency_key_is_400(owner_client, product, bin_a):
    response = owner_client.post(
        URL, _receipt(product, bin_a), format="json", HTTP_IDEMPOTENCY_KEY="k" * 101
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["Idempotency-Key"]


def test_ledger_pages_by_cursor(owner_client, product, bin_a):
    for _ in range(3):
        owner_client.post(URL, _receipt(product, bin_a, "1"), format="json")

    first = owner_client.get(f"{URL}?page_size=2").json()
    second = owner_client.get(first["next"]).json()

    assert len(first["results"]) == 2
    assert len(second["results"]) == 1
    assert second["next"] is None


@pytest.mark.parametrize(
    "moment",
    ["0648-04-16T03:38:12-23:54", "2026-01-01T00:00:00+23:59", "0001-01-01T00:00:00+01:00"],
    ids=["far-negative-offset", "far-positive-offset", "before-year-one-in-utc"],
)
def test_extreme_datetime_filters_are_not_server_errors(owner_client, moment):
    response = owner_client.get("/api/v1/movements/", {"occurred_before": moment})
    assert response.status_code in (200, 400)
