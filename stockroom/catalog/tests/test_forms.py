from decimal import Decimal

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from stockroom.catalog import services
from stockroom.catalog.forms import (
    CategoryForm,
    CustomerForm,
    ProductFilterForm,
    ProductForm,
    ProductSupplierForm,
    SupplierForm,
)
from stockroom.catalog.images import MAX_IMAGE_BYTES
from stockroom.catalog.tests.factories import (
    PRODUCT_FORM_DATA,
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    SupplierFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db

VALID_PRODUCT = {
    **PRODUCT_FORM_DATA,
    "sku": "HAM-1",
    "name": "Claw hammer",
    "cost_price": "3.50",
    "sale_price": "9.99",
}


def product_form(organization, data=None, files=None, **kwargs):
    return ProductForm(
        {**VALID_PRODUCT, **(data or {})}, files, organization=organization, **kwargs
    )


def test_product_form_valid_and_normalises_sku(organization):
    form = product_form(organization, {"sku": "  ham-1 "})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["sku"] == "HAM-1"
    assert form.cleaned_data["cost_price"] == Decimal("3.50")


@pytest.mark.parametrize("field", ["cost_price", "sale_price", "reorder_point", "reorder_quantity"])
def test_product_form_rejects_negative_numbers(organization, field):
    form = product_form(organization, {field: "-1"})

    assert not form.is_valid()
    assert form.errors[field] == ["Enter zero or more."]


@pytest.mark.parametrize("field", ["cost_price", "sale_price", "reorder_point", "reorder_quantity"])
def test_product_form_accepts_zero(organization, field):
    assert product_form(organization, {field: "0"}).is_valid()


@pytest.mark.parametrize(
    "quantity", [pytest.param("0", id="zero"), pytest.param("-5", id="negative")]
)
def test_product_form_needs_positive_reorder_quantity_with_a_reorder_point(organization, quantity):
    form = product_form(organization, {"reorder_point": "10", "reorder_quantity": quantity})

    assert not form.is_valid()
    expected = (
        "Set a reorder quantity above zero when the product has a reorder point."
        if quantity == "0"
        else "Enter zero or more."
    )
    assert form.errors["reorder_quantity"] == [expected]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        pytest.param("abc", "Enter a number.", id="not-a-number"),
        pytest.param(
            "1.23456", "Ensure that there are no more than 4 decimal places.", id="places"
        ),
    ],
)
def test_product_form_rejects_malformed_prices(organization, value, error):
    form = product_form(organization, {"cost_price": value})

    assert not form.is_valid()
    assert form.errors["cost_price"] == [error]


def test_product_form_rejects_duplicate_sku_in_same_organization(organization):
    ProductFactory(organization=organization, sku="HAM-1")

    form = product_form(organization, {"sku": "ham-1"})

    assert not form.is_valid()
    assert form.errors["sku"] == ["A product with SKU HAM-1 already exists."]


def test_product_form_allows_sku_of_another_organization(organization, other_organization):
    ProductFactory(organization=other_organization, sku="HAM-1")

    assert product_form(organization).is_valid()


def test_product_form_allows_own_sku_on_update(organization):
    product = ProductFactory(organization=organization, sku="HAM-1")

    assert product_form(organization, instance=product).is_valid()


def test_product_form_rejects_category_of_another_organization(organization, other_organization):
    foreign = CategoryFactory(organization=other_organization)

    form = product_form(organization, {"category": foreign.pk})

    assert not form.is_valid()
    assert form.errors["category"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


def test_product_form_offers_only_own_categories_as_a_tree(organization, other_organization):
    tools = CategoryFactory(organization=organization, name="Tools")
    CategoryFactory(organization=organization, name="Saws", parent=tools)
    CategoryFactory(organization=other_organization, name="Alien")

    labels = [label for _, label in product_form(organization).fields["category"].choices]

    assert labels == ["---------", "Tools", "— Saws"]


def test_product_form_rejects_oversized_image(organization):
    upload = image_upload("big.png", padding=MAX_IMAGE_BYTES)

    form = product_form(organization, files={"image": upload})

    assert not form.is_valid()
    assert form.errors["image"] == ["The image is 5.0 MB; the largest allowed is 5 MB."]


def test_product_form_rejects_non_image_renamed_png(organization):
    upload = SimpleUploadedFile("photo.png", b"just some text", content_type="image/png")

    form = product_form(organization, files={"image": upload})

    assert not form.is_valid()
    assert form.errors["image"] == [
        "The file is not an image, or it is damaged. Upload a JPEG, PNG, WebP or GIF."
    ]


def test_product_form_rejects_image_type_outside_the_list(organization):
    form = product_form(organization, files={"image": image_upload("a.bmp", image_format="BMP")})

    assert not form.is_valid()
    assert form.errors["image"] == ["BMP images are not accepted. Upload a JPEG, PNG, WebP or GIF."]


def test_product_form_accepts_png_and_the_service_makes_a_thumbnail(organization):
    form = product_form(organization, files={"image": image_upload("photo.png", size=(900, 900))})
    assert form.is_valid(), form.errors

    product = services.product_create(organization=organization, **form.cleaned_data)

    assert product.thumbnail.name.endswith("-thumb.jpg")
    assert (product.thumbnail.width, product.thumbnail.height) == (300, 300)


def test_category_form_parent_choices_exclude_itself_and_descendants(organization):
    root = CategoryFactory(organization=organization, name="Root")
    child = CategoryFactory(organization=organization, name="Child", parent=root)
    other = CategoryFactory(organization=organization, name="Other")

    form = CategoryForm(
        {"name": "Root", "parent": child.pk}, instance=root, organization=organization
    )

    assert [pk for pk, _ in form.fields["parent"].choices] == ["", other.pk]
    assert not form.is_valid()
    assert list(form.errors) == ["parent"]


def test_category_form_rejects_parent_of_another_organization(organization, other_organization):
    foreign = CategoryFactory(organization=other_organization)

    form = CategoryForm({"name": "New", "parent": foreign.pk}, organization=organization)

    assert not form.is_valid()
    assert list(form.errors) == ["parent"]


def test_category_form_rejects_duplicate_sibling_name(organization):
    parent = CategoryFactory(organization=organization, name="Tools")
    CategoryFactory(organization=organization, name="Saws", parent=parent)

    form = CategoryForm({"name": " saws ", "parent": parent.pk}, organization=organization)

    assert not form.is_valid()
    assert form.errors["name"] == ["A category with this name already exists at this level."]


@pytest.mark.parametrize(
    ("form_class", "factory"),
    [
        pytest.param(SupplierForm, SupplierFactory, id="supplier"),
        pytest.param(CustomerForm, CustomerFactory, id="customer"),
    ],
)
def test_party_forms_reject_duplicate_names_and_bad_email(
    organization, other_organization, form_class, factory
):
    factory(organization=organization, name="Acme")
    factory(organization=other_organization, name="Globex")

    duplicate = form_class({"name": "ACME", "is_active": "on"}, organization=organization)
    bad_email = form_class({"name": "New", "email": "nope"}, organization=organization)
    other_org_name = form_class({"name": "Globex"}, organization=organization)

    assert duplicate.errors == {"name": ["“ACME” already exists."]}
    assert bad_email.errors == {"email": ["Enter a valid email address."]}
    assert other_org_name.is_valid()


def test_product_supplier_form_limits_suppliers_and_rejects_negative_values(
    organization, other_organization
):
    own = SupplierFactory(organization=organization)
    SupplierFactory(organization=organization, is_active=False)
    foreign = SupplierFactory(organization=other_organization)

    form = ProductSupplierForm(
        {"supplier": foreign.pk, "price": "-1", "lead_time_days": "-2"}, organization=organization
    )

    assert list(form.fields["supplier"].queryset) == [own]
    assert not form.is_valid()
    assert form.errors["supplier"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert form.errors["price"] == ["Enter zero or more."]
    assert form.errors["lead_time_days"] == ["Ensure this value is greater than or equal to 0."]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({}, ("", None, True, "sku"), id="defaults"),
        pytest.param(
            {"q": " ham ", "active": "all", "sort": "-name"}, ("ham", None, None, "-name"), id="set"
        ),
        pytest.param(
            {"category": "999999", "active": "bogus", "sort": "password"},
            ("", None, True, "sku"),
            id="bad-values-fall-back",
        ),
    ],
)
def test_product_filter_form(organization, query, expected):
    data = QueryDict(mutable=True)
    data.update(query)
    form = ProductFilterForm(data, organization=organization)

    assert (form.search, form.value_of("category"), form.active_value, form.ordering) == expected


def test_product_form_judges_images_by_content_not_name(organization):
    form = product_form(organization, files={"image": image_upload("scan.txt")})
    assert form.is_valid(), form.errors

    product = services.product_create(organization=organization, **form.cleaned_data)

    assert product.image.name.endswith("/scan.png")
