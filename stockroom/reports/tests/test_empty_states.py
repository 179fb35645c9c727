"""Every list says what to do next when it is empty, with only the actions the role allows."""

import pytest

from django.urls import reverse

from stockroom.accounts.models import Role
from stockroom.accounts.tests.factories import MembershipFactory

# list page, the action its empty state offers, the roles that may take it
LISTS = [
    ("catalog:product_list", "catalog:product_create", {Role.OWNER, Role.MANAGER}),
    ("catalog:category_list", "catalog:category_create", {Role.OWNER, Role.MANAGER}),
    ("catalog:supplier_list", "catalog:supplier_create", {Role.OWNER, Role.MANAGER}),
    ("catalog:customer_list", "catalog:customer_create", {Role.OWNER, Role.MANAGER}),
    ("inventory:warehouse_list", "inventory:warehouse_create", {Role.OWNER, Role.MANAGER}),
    ("inventory:location_list", "inventory:location_create", {Role.OWNER, Role.MANAGER}),
    (
        "inventory:stock_levels",
        "inventory:movement_receive",
        {Role.OWNER, Role.MANAGER, Role.CLERK},
    ),
    (
        "inventory:movement_list",
        "inventory:movement_receive",
        {Role.OWNER, Role.MANAGER, Role.CLERK},
    ),
    ("orders:purchase_order_list", "orders:purchase_order_create", {Role.OWNER, Role.MANAGER}),
    ("orders:sales_order_list", "orders:sales_order_create", {Role.OWNER, Role.MANAGER}),
    ("orders:stock_count_list", "orders:stock_count_create", {Role.OWNER, Role.MANAGER}),
]


def _empty_state(html: str) -> str:
    start = html.index('class="empty-state')
    return html[start : html.index("</td>", start)]


@pytest.mark.parametrize("list_name,action_name,roles", LISTS)
@pytest.mark.parametrize("role", [Role.MANAGER, Role.VIEWER])
def test_an_empty_list_offers_the_next_step_the_role_allows(
    client, organization, member_client, list_name, action_name, roles, role
):
    member_client(MembershipFactory(organization=organization, role=role))
    response = client.get(reverse(list_name))
    assert response.status_code == 200
    empty_state = _empty_state(response.content.decode())
    assert 'data-empty-state="empty"' in empty_state
    assert (f'href="{reverse(action_name)}' in empty_state) is (role in roles)


def test_a_clerk_is_offered_a_receipt_but_no_new_product(client, clerk, member_client):
    member_client(clerk)
    stock = _empty_state(client.get(reverse("inventory:stock_levels")).content.decode())
    assert f'href="{reverse("inventory:movement_receive")}"' in stock
    products = _empty_state(client.get(reverse("catalog:product_list")).content.decode())
    assert reverse("catalog:product_create") not in products
    assert reverse("imports:import_create") not in products


def test_the_empty_product_list_offers_an_import(client, manager, member_client):
    member_client(manager)
    empty_state = _empty_state(client.get(reverse("catalog:product_list")).content.decode())
    assert f'href="{reverse("imports:import_create")}?kind=products"' in empty_state


def test_the_empty_import_list_offers_a_new_import(client, clerk, member_client):
    member_client(clerk)
    empty_state = _empty_state(client.get(reverse("imports:import_list")).content.decode())
    assert f'href="{reverse("imports:import_create")}"' in empty_state


@pytest.mark.parametrize("list_name,action_name,roles", LISTS)
def test_a_filtered_list_with_no_results_offers_to_clear_the_filters(
    client, manager, member_client, list_name, action_name, roles
):
    member_client(manager)
    url = reverse(list_name)
    response = client.get(url, {"q": "nothing-like-this", "page": "1"})
    empty_state = _empty_state(response.content.decode())
    assert 'data-empty-state="filtered"' in empty_state
    assert f'href="{url}"' in empty_state
    assert reverse(action_name) not in empty_state


def test_sorting_or_paging_alone_is_not_a_filter(client, manager, member_client):
    member_client(manager)
    response = client.get(reverse("catalog:product_list"), {"sort": "name", "page": "1"})
    assert 'data-empty-state="empty"' in _empty_state(response.content.decode())
