"""POST /api/v1/locations/range/: the same service and refusals as the page."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.inventory.models import Location
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/locations/range/"


@pytest.fixture
def warehouse(organization):
    return WarehouseFactory(organization=organization, code="MAIN")


def test_owner_creates_a_range(owner_client, warehouse):
    parent = LocationFactory(organization=warehouse.organization, warehouse=warehouse, code="A")

    response = owner_client.post(
        URL,
        {
            "warehouse": warehouse.pk,
            "parent": parent.pk,
            "prefix": "A-",
            "start": 1,
            "end": 20,
            "width": 2,
            "name_prefix": "Bin",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert [row["code"] for row in body] == [f"A-{n:02d}" for n in range(1, 21)]
    assert body[0]["name"] == "Bin 01"
    assert body[0]["parent"] == parent.pk
    assert body[0]["warehouse_code"] == "MAIN"
    assert Location.unscoped.filter(parent=parent).count() == 20


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"end": 0}, "end"),
        ({"end": 501}, "end"),
        ({"start": -1}, "start"),
        ({"width": 11}, "width"),
        ({"start": "one"}, "start"),
        ({"end": None}, "end"),
        ({"prefix": "Q" * 31}, "prefix"),
    ],
    ids=["reversed", "over-500", "negative", "wide", "not-a-number", "null", "long-prefix"],
)
def test_bad_ranges_are_400_naming_the_field(owner_client, warehouse, values, field):
    body = {"warehouse": warehouse.pk, "prefix": "A-", "start": 1, "end": 5, **values}

    response = owner_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert Location.unscoped.count() == 0


def test_taken_codes_are_named_and_nothing_is_written(owner_client, warehouse):
    LocationFactory(organization=warehouse.organization, warehouse=warehouse, code="A-3")

    response = owner_client.post(
        URL, {"warehouse": warehouse.pk, "prefix": "A-", "start": 1, "end": 5}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "duplicate_code"
    assert response.json()["error"]["fields"] == {
        "prefix": ["This warehouse already has these codes: A-3. Nothing was created."]
    }
    assert Location.unscoped.count() == 1


@pytest.mark.parametrize("foreign", ["warehouse", "parent"])
def test_another_organizations_warehouse_or_parent_is_400(
    owner_client, warehouse, other_organization, foreign
):
    other_warehouse = WarehouseFactory(organization=other_organization)
    other_parent = LocationFactory(organization=other_organization, warehouse=other_warehouse)
    body = {"warehouse": warehouse.pk, "prefix": "A-", "start": 1, "end": 3}
    if foreign == "warehouse":
        body["warehouse"] = other_warehouse.pk
    else:
        body["parent"] = other_parent.pk

    response = owner_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [foreign]
    assert Location.unscoped.count() == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.OWNER, 201), (Role.MANAGER, 201), (Role.CLERK, 403), (Role.VIEWER, 403)],
    ids=["owner", "manager", "clerk", "viewer"],
)
def test_only_warehouse_managers_create_ranges(client_for, warehouse, role, status):
    client = client_for(MembershipFactory(organization=warehouse.organization, role=role))

    response = client.post(
        URL, {"warehouse": warehouse.pk, "prefix": "R", "start": 1, "end": 2}, format="json"
    )

    assert response.status_code == status
    assert Location.unscoped.count() == (2 if status == 201 else 0)


def test_anonymous_is_401(api_client, warehouse):
    response = api_client.post(
        URL, {"warehouse": warehouse.pk, "prefix": "R", "start": 1, "end": 2}, format="json"
    )

    assert response.status_code == 401


def test_range_queries_do_not_grow_with_its_size(owner_client, owner, warehouse):
    def queries_for(prefix: str, end: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = owner_client.post(
                URL, {"warehouse": warehouse.pk, "prefix": prefix, "start": 1, "end": end}
            )
        assert response.status_code == 201
        return len(captured)

    assert queries_for("S", 5) == queries_for("M", 50)
    # SQLite splits large inserts into batches by its variable limit: a few more, never per row.
    assert queries_for("L", 300) <= 20
    history = Location.history.filter(code="L300").get()
    assert (history.history_type, history.history_user) == ("+", owner.user)


def test_range_is_documented_as_a_write_answering_a_list():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/locations/range/"]["post"]

    assert [parameter["name"] for parameter in operation["parameters"]] == ["X-Organization"]
    created = operation["responses"]["201"]["content"]["application/json"]["schema"]
    assert created == {"type": "array", "items": {"$ref": "#/components/schemas/Location"}}
    assert "at most 500" in operation["description"]
