""" "New category" on the product form: an htmx block that creates a category in place."""

import pytest

from django.urls import reverse

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory, OrganizationFactory
from stockroom.catalog.models import Category
from stockroom.catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

URL = reverse("catalog:category_quick_create")


@pytest.fixture
def login(organization, member_client):
    def as_role(role):
        return member_client(MembershipFactory(organization=organization, role=role))

    return as_role


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.OWNER, True), (Role.MANAGER, True), (Role.CLERK, False), (Role.VIEWER, False)],
)
def test_only_catalog_managers_create(organization, login, role, allowed):
    response = login(role).post(URL, {"category-name": "Green beans"}, HTTP_HX_REQUEST="true")

    assert response.status_code == (200 if allowed else 403)
    assert Category.objects.filter(organization=organization).exists() is allowed


def test_product_forms_offer_new_category(organization, login):
    client = login(Role.OWNER)
    product = ProductFactory(organization=organization)

    for page in (
        reverse("catalog:product_create"),
        reverse("catalog:product_update", args=[product.pk]),
    ):
        html = client.get(page).content.decode()
        assert 'id="category-quick-create"' in html
        assert f'hx-post="{URL}"' in html


def test_created_category_comes_back_selected_in_the_product_select(organization, login):
    parent = CategoryFactory(organization=organization, name="Coffee")

    response = login(Role.MANAGER).post(
        URL,
        {"category-name": "  Green beans ", "category-parent": parent.pk, "name": "typed product"},
        HTTP_HX_REQUEST="true",
    )

    category = Category.objects.get(organization=organization, name="Green beans")
    assert category.parent == parent
    html = response.content.decode()
    assert 'id="category-quick-create"' in html
    # The product form's select, swapped out of band, with the new category selected.
    assert 'name="category"' in html
    assert 'hx-swap-oob="true"' in html
    assert f'<option value="{category.pk}" selected>' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"category-name": "  "}, "This field is required."),
        ({"category-name": "coffee"}, "already exists at this level"),
    ],
)
def test_blank_or_duplicate_name_is_shown_in_the_block(organization, login, data, message):
    CategoryFactory(organization=organization, name="Coffee")

    response = login(Role.OWNER).post(URL, data, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<details open>" in html
    # Marked as the refusal's error summary (the answer stays 200 so that htmx swaps it in).
    assert "data-error-summary" in html
    assert "hx-swap-oob" not in html
    assert Category.objects.filter(organization=organization).count() == 1


def test_other_organizations_parent_is_refused(organization, login):
    foreign = CategoryFactory(organization=OrganizationFactory(), name="Theirs")

    response = login(Role.OWNER).post(
        URL, {"category-name": "Mine", "category-parent": foreign.pk}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Category.objects.filter(name="Mine").exists()
