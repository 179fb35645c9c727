"""Bins in fewer round trips: the range service, its page and "save and add another"."""

import pytest

from django.urls import reverse

from stockroom.core.exceptions import ApplicationError
from stockroom.inventory import services
from stockroom.inventory.models import Location
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def codes(warehouse) -> list[tuple[str, str, int | None]]:
    return list(
        Location.unscoped.filter(warehouse=warehouse)
        .order_by("code")
        .values_list("code", "name", "parent_id")
    )


def _create_in(warehouse, **values):
    """location_create_range in `warehouse`, of its organization."""
    return services.location_create_range(
        organization=warehouse.organization, warehouse=warehouse, **values
    )


# --- service ---------------------------------------------------------------------------------


def test_range_creates_padded_codes_with_names_under_a_parent(warehouse, location):
    created = _create_in(
        warehouse, parent=location, prefix=" b-", start=1, end=20, width=2, name_prefix="Bin"
    )

    assert [row.code for row in created] == [f"B-{n:02d}" for n in range(1, 21)]
    rows = [row for row in codes(warehouse) if row[2] == location.pk]
    assert rows[0] == ("B-01", "Bin 01", location.pk)
    assert rows[-1] == ("B-20", "Bin 20", location.pk)
    assert len(rows) == 20
    assert Location.history.filter(code="B-07").count() == 1


def test_range_without_width_or_names(warehouse):
    _create_in(warehouse, prefix="S", start=9, end=11)

    assert codes(warehouse) == [("S10", "", None), ("S11", "", None), ("S9", "", None)]


def test_range_with_a_taken_code_names_it_and_writes_nothing(warehouse, location):
    LocationFactory(organization=warehouse.organization, warehouse=warehouse, code="A-05")

    with pytest.raises(ApplicationError) as refused:
        _create_in(warehouse, prefix="A-", start=1, end=10, width=2)

    assert refused.value.code == "duplicate_code"
    assert refused.value.field == "prefix"
    assert refused.value.extra == {"existing_codes": ["A-01", "A-05"]}
    assert "A-01, A-05" in refused.value.message
    assert Location.unscoped.count() == 2


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"start": 5, "end": 4}, "end", "range_reversed"),
        ({"start": 1, "end": 501}, "end", "range_too_large"),
        ({"start": -1, "end": 4}, "start", "invalid_number"),
        ({"start": 1, "end": 4, "width": 11}, "width", "width_too_large"),
        ({"start": 1, "end": 4, "prefix": "X" * 40}, "prefix", "code_too_long"),
        ({"start": 1, "end": 4, "name_prefix": "N" * 119}, "name_prefix", "name_too_long"),
    ],
    ids=["reversed", "over-500", "negative", "wide", "long-code", "long-name"],
)
def test_range_refusals(warehouse, values, field, code):
    values = {"prefix": "A-", **values}

    with pytest.raises(ApplicationError) as refused:
        _create_in(warehouse, **values)

    assert (refused.value.field, refused.value.code) == (field, code)
    assert Location.unscoped.count() == 0


def test_range_of_exactly_500_is_allowed(warehouse):
    created = _create_in(warehouse, prefix="P", start=1, end=500)

    assert len(created) == 500


def test_range_refuses_a_parent_of_another_warehouse(warehouse):
    elsewhere = WarehouseFactory(organization=warehouse.organization, code="SIDE")
    parent = LocationFactory(organization=warehouse.organization, warehouse=elsewhere)

    with pytest.raises(ApplicationError) as refused:
        _create_in(warehouse, parent=parent, prefix="A-", start=1, end=3)

    assert refused.value.field == "parent"
    assert Location.unscoped.filter(warehouse=warehouse).count() == 0


def test_range_refuses_another_organizations_warehouse(warehouse, other_organization):
    foreign = WarehouseFactory(organization=other_organization)

    with pytest.raises(ApplicationError) as refused:
        services.location_create_range(
            organization=warehouse.organization, warehouse=foreign, prefix="A", start=1, end=3
        )

    assert refused.value.field == "warehouse"
    assert Location.unscoped.count() == 0


# --- range page ------------------------------------------------------------------------------


def range_data(warehouse, **values) -> dict:
    data = {"warehouse": warehouse.pk, "parent": "", "prefix": "A-", "start": 1, "end": 20}
    data.update({"width": 2, "name_prefix": "Bin", **values})
    return data


def test_manager_creates_a_range_from_the_page(member_client, manager, warehouse):
    client = member_client(manager)

    response = client.post(reverse("inventory:location_range"), range_data(warehouse))

    assert response.status_code == 302
    assert response["Location"] == reverse("inventory:location_list") + f"?warehouse={warehouse.pk}"
    assert len(codes(warehouse)) == 20
    page = client.get(response["Location"]).content.decode()
    assert "20 locations created: MAIN/A-01 to MAIN/A-20." in page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"end": ""}, "end", "This field is required."),
        ({"end": 0}, "end", "The last number must not be below the first."),
        ({"end": 600}, "end", "Create at most 500 locations at a time."),
        ({"width": 12}, "width", "Ensure this value is less than or equal to 10."),
        ({"start": "x"}, "start", "Enter a whole number."),
    ],
    ids=["missing", "reversed", "too-many", "wide", "not-a-number"],
)
def test_range_page_errors_name_the_field(
    member_client, manager, warehouse, values, field, message
):
    response = member_client(manager).post(
        reverse("inventory:location_range"), range_data(warehouse, **values)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert Location.unscoped.count() == 0


def test_range_page_names_taken_codes(member_client, manager, warehouse, location):
    response = member_client(manager).post(
        reverse("inventory:location_range"), range_data(warehouse)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "prefix": ["This warehouse already has these codes: A-01. Nothing was created."]
    }
    assert Location.unscoped.count() == 1


def test_range_page_previews_first_and_last_codes(member_client, manager, warehouse):
    response = member_client(manager).get(
        reverse("inventory:location_range"), range_data(warehouse, end=12), HTTP_HX_REQUEST="true"
    )

    assert response.context["preview"] == {"first": "A-01", "last": "A-12", "count": 12}
    assert "Creates 12 locations: A-01 … A-12." in response.content.decode()
    # A half-filled form is not marked with errors while the user types.
    assert not response.context["form"].is_bound


def test_range_page_refuses_another_organizations_warehouse(
    member_client, manager, warehouse, other_organization
):
    foreign = WarehouseFactory(organization=other_organization)
    foreign_parent = LocationFactory(organization=other_organization, warehouse=foreign)
    client = member_client(manager)

    by_warehouse = client.post(reverse("inventory:location_range"), range_data(foreign))
    by_parent = client.post(
        reverse("inventory:location_range"), range_data(warehouse, parent=foreign_parent.pk)
    )

    assert list(by_warehouse.context["form"].errors) == ["warehouse"]
    assert list(by_parent.context["form"].errors) == ["parent"]
    assert Location.unscoped.filter(warehouse=warehouse).count() == 0


def test_clerk_cannot_create_a_range(member_client, clerk, warehouse):
    client = member_client(clerk)

    assert client.get(reverse("inventory:location_range")).status_code == 403
    assert (
        client.post(reverse("inventory:location_range"), range_data(warehouse)).status_code == 403
    )
    assert Location.unscoped.count() == 0


# --- save and add another --------------------------------------------------------------------


def test_save_and_add_another_returns_to_an_empty_form_in_the_same_place(
    member_client, manager, warehouse, location
):
    client = member_client(manager)
    data = {"warehouse": warehouse.pk, "parent": location.pk, "code": "b-1", "name": "Shelf"}

    response = client.post(
        reverse("inventory:location_create"), {**data, "is_active": "on", "add_another": "1"}
    )

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("inventory:location_create") + f"?warehouse={warehouse.pk}&parent={location.pk}"
    )
    page = client.get(response["Location"])
    form = page.context["form"]
    assert form.initial["warehouse"] == str(warehouse.pk)
    assert form.initial["parent"] == str(location.pk)
    assert "code" not in form.initial
    assert "Location MAIN/B-1 created." in page.content.decode()
    assert Location.unscoped.get(code="B-1").parent == location


def test_plain_save_still_goes_to_the_new_location(member_client, manager, warehouse):
    response = member_client(manager).post(
        reverse("inventory:location_create"),
        {"warehouse": warehouse.pk, "code": "C-1", "is_active": "on"},
    )

    assert response["Location"] == Location.unscoped.get(code="C-1").get_absolute_url()


def test_range_page_previews_a_single_location(member_client, manager, warehouse):
    response = member_client(manager).get(
        reverse("inventory:location_range"), range_data(warehouse, start=7, end=7)
    )

    assert "Creates one location: A-07." in response.content.decode()
