"""The inventory forms on their own: scoped choices, quantity rules, lots, places, filters."""

import uuid
from decimal import Decimal

import pytest

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory.forms import (
    AdjustmentForm,
    IssueForm,
    LocationForm,
    MovementFilterForm,
    ReceiptForm,
    TransferForm,
    WarehouseFilterForm,
    WarehouseForm,
)
from stockroom.inventory.tests.factories import LocationFactory, LotFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def bound(form_class, organization, **values):
    # An issue's reason code is given unless a test says otherwise; other forms ignore it.
    data = {"idempotency_key": str(uuid.uuid4()), "reason_code": "other"}
    data.update({key: getattr(value, "pk", value) for key, value in values.items()})
    return form_class(data, organization=organization)


FORMS_WITH_LOCATION = [ReceiptForm, IssueForm]


@pytest.mark.parametrize(
    ("form_class", "quantity"),
    [
        (ReceiptForm, "0"),
        (ReceiptForm, "-1"),
        (IssueForm, "0"),
        (IssueForm, "-0.5"),
    ],
    ids=["receipt-zero", "receipt-negative", "issue-zero", "issue-negative"],
)
def test_quantity_must_be_positive(organization, product, location, form_class, quantity):
    form = bound(form_class, organization, product=product, location=location, quantity=quantity)

    assert form.errors == {"quantity": ["Enter a quantity greater than zero."]}


@pytest.mark.parametrize("quantity", ["0", "-3"], ids=["zero", "negative"])
def test_transfer_quantity_must_be_positive(
    organization, product, location, other_location, quantity
):
    form = bound(
        TransferForm,
        organization,
        product=product,
        from_location=location,
        to_location=other_location,
        quantity=quantity,
    )

    assert form.errors == {"quantity": ["Enter a quantity greater than zero."]}


@pytest.mark.parametrize(
    ("quantity", "errors"),
    [
        ("0", {"quantity": ["Enter a change other than zero."]}),
        ("-2", {}),
        ("3", {}),
    ],
    ids=["zero-refused", "negative-allowed", "positive-allowed"],
)
def test_adjustment_takes_a_signed_non_zero_change(
    organization, product, location, quantity, errors
):
    form = bound(
        AdjustmentForm,
        organization,
        product=product,
        location=location,
        quantity=quantity,
        reason="Damaged",
    )

    assert form.errors == errors


def test_adjustment_requires_a_reason(organization, product, location):
    form = bound(AdjustmentForm, organization, product=product, location=location, quantity="1")

    assert form.errors == {"reason": ["This field is required."]}


@pytest.mark.parametrize(
    ("product_fixture", "quantity", "errors"),
    [
        ("product", "2.5", {"quantity": ["Each is counted in whole units."]}),
        ("bulk_product", "2.5", {}),
        ("bulk_product", "2.125", {}),
    ],
    ids=["each-fraction", "kilogram-fraction", "kilogram-three-places"],
)
def test_quantity_decimals_follow_the_unit(
    request, organization, location, product_fixture, quantity, errors
):
    product = request.getfixturevalue(product_fixture)

    form = bound(ReceiptForm, organization, product=product, location=location, quantity=quantity)

    assert form.errors == errors


@pytest.mark.parametrize("reason_code", ["", "sale"], ids=["missing", "not-a-reason"])
def test_issue_needs_one_of_the_reason_codes(organization, product, location, reason_code):
    form = bound(
        IssueForm,
        organization,
        product=product,
        location=location,
        quantity="1",
        reason_code=reason_code,
    )

    expected = (
        "Choose why the stock is issued."
        if not reason_code
        else ("Select a valid choice. sale is not one of the available choices.")
    )
    assert form.errors == {"reason_code": [expected]}


@pytest.mark.parametrize("reason_code", ["consumption", "sample", "damage", "scrap", "other"])
def test_issue_takes_each_reason_code(organization, product, location, reason_code):
    form = bound(
        IssueForm,
        organization,
        product=product,
        location=location,
        quantity="1",
        reason_code=reason_code,
    )

    assert form.errors == {}
    assert form.cleaned_data["reason_code"] == reason_code


@pytest.mark.parametrize("form_class", FORMS_WITH_LOCATION, ids=["receipt", "issue"])
def test_another_organizations_location_is_an_invalid_choice(
    organization, other_organization, product, form_class
):
    foreign = LocationFactory(organization=other_organization)

    form = bound(form_class, organization, product=product, location=foreign, quantity="1")

    assert form.errors == {"location": [INVALID_CHOICE]}


@pytest.mark.parametrize(
    "product_value", ["999999", "abc", "other-org"], ids=["unknown", "not-a-number", "other-org"]
)
def test_product_outside_the_organization_is_an_invalid_choice(
    organization, other_organization, location, product_value
):
    if product_value == "other-org":
        product_value = ProductFactory(organization=other_organization).pk

    form = bound(IssueForm, organization, product=product_value, location=location, quantity="1")

    assert form.errors == {"product": [INVALID_CHOICE]}


def test_inactive_product_and_location_are_not_choices(organization, warehouse):
    product = ProductFactory(organization=organization, is_active=False)
    location = LocationFactory(organization=organization, warehouse=warehouse, is_active=False)
    closed = WarehouseFactory(organization=organization, is_active=False)
    in_closed = LocationFactory(organization=organization, warehouse=closed)

    form = ReceiptForm(organization=organization)

    assert product not in form.fields["product"].queryset
    assert location not in form.fields["location"].queryset
    assert in_closed not in form.fields["location"].queryset


def test_inactive_location_is_an_invalid_choice(organization, warehouse, product):
    closed_bin = LocationFactory(organization=organization, warehouse=warehouse, is_active=False)
    closed = WarehouseFactory(organization=organization, is_active=False)
    in_closed = LocationFactory(organization=organization, warehouse=closed)

    forms = [
        bound(IssueForm, organization, product=product, location=place, quantity="1")
        for place in (closed_bin, in_closed)
    ]

    assert [form.errors for form in forms] == [{"location": [INVALID_CHOICE]}] * 2


def test_location_choices_are_grouped_by_warehouse(organization, other_organization, warehouse):
    first = LocationFactory(organization=organization, warehouse=warehouse, code="A-01")
    second = LocationFactory(
        organization=organization, warehouse=warehouse, code="A-02", name="Aisle 2"
    )
    LocationFactory(organization=organization, warehouse=warehouse, code="A-03", is_active=False)
    side = WarehouseFactory(organization=organization, code="SIDE", name="")
    third = LocationFactory(organization=organization, warehouse=side, code="B-01")
    closed = WarehouseFactory(organization=organization, code="OLD", is_active=False)
    LocationFactory(organization=organization, warehouse=closed, code="C-01")
    LocationFactory(organization=other_organization, code="A-01")

    choices = list(TransferForm(organization=organization).fields["to_location"].choices)

    assert choices == [
        ("", "---------"),
        (
            "MAIN · Main warehouse",
            [(first.pk, "MAIN/A-01"), (second.pk, "MAIN/A-02 · Aisle 2")],
        ),
        ("SIDE", [(third.pk, "SIDE/B-01")]),
    ]


def test_location_select_renders_the_chosen_location_selected(organization, warehouse):
    first = LocationFactory(organization=organization, warehouse=warehouse, code="A-01")
    second = LocationFactory(organization=organization, warehouse=warehouse, code="A-02")

    form = TransferForm(organization=organization, initial={"from_location": second.pk})

    assert str(form["from_location"]) == (
        '<select name="from_location" id="id_from_location" required>'
        '<option value="">---------</option>'
        '<optgroup label="MAIN · Main warehouse">'
        f'<option value="{first.pk}">MAIN/A-01</option>'
        f'<option value="{second.pk}" selected>MAIN/A-02</option>'
        "</optgroup></select>"
    )


def test_location_select_renders_in_one_query(organization, warehouse, django_assert_num_queries):
    for number in range(30):
        LocationFactory(organization=organization, warehouse=warehouse, code=f"A-{number:02d}")
    field = ReceiptForm(organization=organization)["location"]

    with django_assert_num_queries(1):
        html = str(field)

    assert html.count("<option ") == 31


def test_transfer_to_the_same_location_is_refused(organization, product, location):
    form = bound(
        TransferForm,
        organization,
        product=product,
        from_location=location,
        to_location=location,
        quantity="1",
    )

    assert form.errors == {"to_location": ["Choose a location other than the source."]}


def test_choices_are_the_organizations_own(organization, other_organization, product, location):
    foreign_product = ProductFactory(organization=other_organization)
    foreign_location = LocationFactory(organization=other_organization)

    form = TransferForm(organization=organization)

    assert list(form.fields["product"].queryset) == [product]
    assert list(form.fields["from_location"].queryset) == [location]
    assert foreign_product not in form.fields["product"].queryset
    assert foreign_location not in form.fields["to_location"].queryset


@pytest.mark.parametrize(
    ("form_class", "lot_fields"),
    [
        (ReceiptForm, {"lot_number", "expiry_date"}),
        (IssueForm, {"lot"}),
        (TransferForm, {"lot"}),
        (AdjustmentForm, {"lot"}),
    ],
    ids=["receipt", "issue", "transfer", "adjustment"],
)
def test_lot_fields_only_for_lot_tracked_products(
    organization, product, lot_product, form_class, lot_fields
):
    all_lot_fields = {"lot", "lot_number", "expiry_date"}

    unknown = form_class(organization=organization)
    plain = form_class(organization=organization, initial={"product": product.pk})
    tracked = form_class(organization=organization, initial={"product": str(lot_product.pk)})

    assert set(unknown.fields) & all_lot_fields == set()
    assert set(plain.fields) & all_lot_fields == set()
    assert set(tracked.fields) & all_lot_fields == lot_fields


def test_lot_choices_are_the_products_lots(organization, lot_product):
    mine = LotFactory(organization=organization, product=lot_product, lot_number="L-1")
    LotFactory(organization=organization, lot_number="OTHER")

    form = IssueForm(organization=organization, initial={"product": lot_product.pk})

    assert list(form.fields["lot"].queryset) == [mine]


def test_lot_of_another_product_is_an_invalid_choice(organization, lot_product, location):
    other = LotFactory(organization=organization)

    form = bound(
        IssueForm, organization, product=lot_product, location=location, lot=other, quantity="1"
    )

    assert form.errors == {"lot": [INVALID_CHOICE]}


def test_lot_tracked_receipt_needs_a_lot_number(organization, lot_product, location):
    form = bound(ReceiptForm, organization, product=lot_product, location=location, quantity="1")

    assert form.errors == {"lot_number": ["This field is required."]}


def test_receipt_cleans_to_service_arguments(organization, lot_product, location):
    key = uuid.uuid4()

    form = bound(
        ReceiptForm,
        organization,
        product=lot_product,
        location=location,
        quantity="4",
        unit_cost="1.2500",
        lot_number="B-1",
        expiry_date="2030-01-31",
        reference="PO-7",
        idempotency_key=str(key),
    )

    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert (data["product"], data["location"], data["quantity"], data["unit_cost"]) == (
        lot_product,
        location,
        Decimal("4"),
        Decimal("1.2500"),
    )
    assert (data["lot_number"], data["expiry_date"].isoformat(), data["reference"]) == (
        "B-1",
        "2030-01-31",
        "PO-7",
    )
    assert data["idempotency_key"] == key


def test_negative_unit_cost_is_refused(organization, product, location):
    form = bound(
        ReceiptForm, organization, product=product, location=location, quantity="1", unit_cost="-1"
    )

    assert form.errors == {"unit_cost": ["Ensure this value is greater than or equal to 0."]}


def test_idempotency_key_is_required(organization, product, location):
    form = ReceiptForm(
        {"product": product.pk, "location": location.pk, "quantity": "1"},
        organization=organization,
    )

    assert form.errors == {"idempotency_key": ["This field is required."]}


# --- Places -------------------------------------------------------------------------------


def test_warehouse_form_upper_cases_the_code(organization):
    form = WarehouseForm({"code": " east ", "name": "East"}, organization=organization)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["code"] == "EAST"


def test_location_parent_choices_are_limited_to_the_warehouse(organization, warehouse, location):
    LocationFactory(organization=organization, code="ELSEWHERE")

    unchosen = LocationForm(organization=organization)
    chosen = LocationForm(organization=organization, initial={"warehouse": warehouse.pk})

    assert list(unchosen.fields["parent"].queryset) == []
    assert list(chosen.fields["parent"].queryset) == [location]


def test_location_parent_in_another_warehouse_is_refused(organization, warehouse):
    elsewhere = LocationFactory(organization=organization)

    form = LocationForm(
        {"warehouse": warehouse.pk, "parent": elsewhere.pk, "code": "A-9"},
        organization=organization,
    )

    assert form.errors == {"parent": [INVALID_CHOICE]}


def test_location_clean_refuses_a_parent_of_another_warehouse(organization, warehouse):
    """The queryset already narrows the choice; clean() holds the rule even if it did not."""
    elsewhere = LocationFactory(organization=organization)
    form = LocationForm(
        {"warehouse": warehouse.pk, "parent": elsewhere.pk, "code": "A-9"},
        organization=organization,
    )
    form.fields["parent"].queryset = elsewhere.__class__.unscoped.all()

    assert form.errors == {"parent": ["The parent location must be in the same warehouse."]}


def test_another_organizations_warehouse_is_an_invalid_choice(organization, other_organization):
    foreign = WarehouseFactory(organization=other_organization)

    form = LocationForm({"warehouse": foreign.pk, "code": "A-9"}, organization=organization)

    assert form.errors == {"warehouse": [INVALID_CHOICE]}


def test_location_cannot_take_itself_or_a_descendant_as_parent(
    organization, warehouse, location, other_location
):
    child = LocationFactory(organization=organization, warehouse=warehouse, parent=location)
    grandchild = LocationFactory(organization=organization, warehouse=warehouse, parent=child)

    form = LocationForm(instance=location, organization=organization)

    assert list(form.fields["parent"].queryset) == [other_location]
    assert child not in form.fields["parent"].queryset
    assert grandchild not in form.fields["parent"].queryset
    assert form.fields["warehouse"].disabled


# --- Filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "ordering"),
    [
        ("", ["code", "pk"]),
        ("name", ["name", "pk"]),
        ("-locations", ["-location_count", "pk"]),
        ("password", ["code", "pk"]),
    ],
    ids=["default", "name", "locations-descending", "unknown"],
)
def test_warehouse_filter_sorts_only_by_known_keys(sort, ordering):
    form = WarehouseFilterForm({"sort": sort})

    assert form.is_valid()
    assert form.ordering() == ordering


def test_movement_filter_refuses_a_reversed_range(organization):
    form = MovementFilterForm(
        {"date_from": "2024-03-02", "date_to": "2024-03-01"}, organization=organization
    )

    assert form.errors == {"date_to": ["The end date is before the start date."]}


def test_movement_filter_warehouse_of_another_organization_is_invalid(
    organization, other_organization
):
    foreign = WarehouseFactory(organization=other_organization)

    form = MovementFilterForm({"warehouse": foreign.pk}, organization=organization)

    assert form.errors == {"warehouse": [INVALID_CHOICE]}
