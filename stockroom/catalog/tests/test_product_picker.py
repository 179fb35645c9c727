"""The product picker: a search box and a hidden id instead of a <select> of every product,
and the endpoint that offers the matches."""

import pytest

from django.urls import reverse

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.catalog.selectors import PRODUCT_SEARCH_LIMIT, product_search
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory.forms import IssueForm
from stockroom.orders.forms import PurchaseOrderLineFormSet
from stockroom.orders.tests.factories import PurchaseOrderFactory, PurchaseOrderLineFactory

pytestmark = pytest.mark.django_db

INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


@pytest.fixture
def search_client(organization, member_client):
    return member_client(MembershipFactory(organization=organization, role=Role.VIEWER))


def test_search_finds_active_products_of_the_organization_by_sku_name_or_barcode(
    organization, other_organization
):
    by_sku = ProductFactory(organization=organization, sku="VAL-1", name="Brass fitting")
    by_name = ProductFactory(organization=organization, sku="ZZ-2", name="Steel valve")
    by_barcode = ProductFactory(organization=organization, sku="ZZ-3", barcode="VAL999")
    ProductFactory(organization=organization, sku="VAL-4", is_active=False)
    ProductFactory(organization=other_organization, sku="VAL-5")
    ProductFactory(organization=organization, sku="OTHER", name="Hinge")

    found = product_search(organization=organization, search=" val ")

    assert found == [by_sku, by_name, by_barcode]


def test_search_of_blank_text_offers_nothing(organization):
    ProductFactory(organization=organization)

    assert product_search(organization=organization, search="  ") == []


def test_search_offers_at_most_a_page_of_matches(organization):
    ProductFactory.create_batch(PRODUCT_SEARCH_LIMIT + 3, organization=organization)

    assert len(product_search(organization=organization, search="")) == 0
    assert len(product_search(organization=organization, search="-")) == PRODUCT_SEARCH_LIMIT


def test_search_endpoint_renders_options_in_one_query_for_the_products(
    organization, search_client, django_assert_max_num_queries
):
    ProductFactory.create_batch(30, organization=organization, name="Steel valve")
    # session, user, membership with organization, then the products
    with django_assert_max_num_queries(4):
        response = search_client.get(reverse("catalog:product_search"), {"q": "valve"})

    assert response.status_code == 200
    assert response.content.decode().count('role="option"') == PRODUCT_SEARCH_LIMIT


def test_search_endpoint_says_when_nothing_matches(search_client):
    response = search_client.get(reverse("catalog:product_search"), {"q": "nothing-like-it"})

    assert 'aria-disabled="true"' in response.content.decode()
    assert "No active product matches." in response.content.decode()


def test_search_endpoint_needs_a_member(client):
    response = client.get(reverse("catalog:product_search"), {"q": "x"})

    assert response.status_code == 302


def test_movement_form_renders_no_product_options(organization):
    ProductFactory.create_batch(5, organization=organization)

    html = IssueForm(organization=organization)["product"].as_widget()

    assert "<option" not in html
    assert 'role="combobox"' in html
    assert 'type="hidden" name="product" id="id_product" value=""' in html
    assert f'hx-get="{reverse("catalog:product_search")}"' in html


def test_movement_form_shows_the_chosen_product_in_the_search_box(organization):
    product = ProductFactory(organization=organization, sku="ABC-1", name="Widget")

    form = IssueForm(organization=organization, initial={"product": product.pk})
    html = form["product"].as_widget()

    assert f'value="{product.pk}"' in html
    assert 'value="ABC-1 · Widget"' in html
    assert form["product"].id_for_label == "id_product_search"


@pytest.mark.parametrize(
    "case",
    ["other organization", "inactive", "not a number"],
)
def test_the_server_still_validates_the_submitted_product(organization, other_organization, case):
    value = {
        "other organization": lambda: ProductFactory(organization=other_organization).pk,
        "inactive": lambda: ProductFactory(organization=organization, is_active=False).pk,
        "not a number": lambda: "abc",
    }[case]()

    form = IssueForm({"product": value, "quantity": "1"}, organization=organization)

    assert not form.is_valid()
    assert form.errors["product"] == [INVALID_CHOICE]


def test_order_line_rows_label_their_products_without_a_query_each(
    organization, django_assert_num_queries
):
    order = PurchaseOrderFactory(organization=organization)
    lines = PurchaseOrderLineFactory.create_batch(3, order=order, organization=organization)

    with django_assert_num_queries(1):  # the lines with their products
        formset = PurchaseOrderLineFormSet(instance=order, organization=organization)
        html = "".join(str(form["product"]) for form in formset.forms)

    assert "<option" not in html
    assert 'name="lines-3-product"' in html  # the extra, empty row
    for line in lines:
        assert f'value="{line.product}"' in html
