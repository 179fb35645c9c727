"""The product list page of a large catalog: a count capped like the inventory lists, and row
links built from one reverse() per URL name."""

import pytest

from django.urls import reverse

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.catalog.tests.factories import CategoryFactory, ProductFactory
from stockroom.catalog.views import ProductListView
from stockroom.core.pagination import CappedCountPaginator
from stockroom.core.reversing import url_for_pk
from stockroom.inventory.tests.factories import products_in_three_stock_states

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:product_list")


@pytest.fixture
def login(organization, member_client):
    return lambda role: member_client(MembershipFactory(organization=organization, role=role))


@pytest.mark.parametrize(
    "name", ["catalog:product_detail", "catalog:product_update", "catalog:category_detail"]
)
@pytest.mark.parametrize("pk", [1, 7, 10, 987654321])
def test_url_for_pk_is_reverse(name, pk):
    assert url_for_pk(name)(pk) == reverse(name, kwargs={"pk": pk})


def test_rows_link_to_product_category_and_edit_page(organization, login):
    category = CategoryFactory(organization=organization)
    filed = ProductFactory(organization=organization, sku="A-1", category=category)
    loose = ProductFactory(organization=organization, sku="B-1")
    edit = reverse("catalog:product_update", kwargs={"pk": filed.pk})

    manager = login(Role.MANAGER).get(LIST)
    viewer = login(Role.VIEWER).get(LIST).content.decode()

    assert [
        (row["product"], row["url"], row["category_url"]) for row in manager.context["rows"]
    ] == [
        (filed, filed.get_absolute_url(), category.get_absolute_url()),
        (loose, loose.get_absolute_url(), ""),
    ]
    page = manager.content.decode()
    assert f'href="{filed.get_absolute_url()}"' in page
    assert f'href="{category.get_absolute_url()}"' in page
    assert f'href="{edit}"' in page
    assert edit not in viewer


def test_long_list_counts_up_to_the_cap(organization, login, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "COUNT_CAP", 10)
    monkeypatch.setattr(ProductListView, "paginate_by", 5)
    skus = [ProductFactory(organization=organization, sku=f"P-{n:02}").sku for n in range(12)]
    client = login(Role.VIEWER)

    second = client.get(LIST, {"page": 2})
    past_the_cap = client.get(LIST, {"page": 3})

    assert [row["product"].sku for row in second.context["rows"]] == skus[5:10]
    assert "6–10 of more than 10 rows" in second.content.decode()
    assert second.context["paginator"].num_pages == 2
    assert [row["product"].sku for row in past_the_cap.context["rows"]] == skus[5:10]


def test_short_list_shows_its_exact_count(organization, login):
    for n in range(3):
        ProductFactory(organization=organization, sku=f"P-{n}")

    page = login(Role.VIEWER).get(LIST).content.decode()

    assert "1–3 of 3" in page
    assert "more than" not in page


@pytest.fixture
def stocked(organization):
    return products_in_three_stock_states(organization)


@pytest.mark.parametrize(
    ("stock", "expected"),
    [
        pytest.param("", ["FINE", "LOW", "OUT"], id="any"),
        pytest.param("low", ["LOW"], id="low"),
        pytest.param("out", ["OUT"], id="none-available"),
        pytest.param("plenty", ["FINE", "LOW", "OUT"], id="unknown-value-ignored"),
    ],
)
def test_list_filters_by_stock(stocked, login, stock, expected):
    response = login(Role.VIEWER).get(LIST, {"stock": stock})

    assert response.status_code == 200
    assert [row["product"].sku for row in response.context["rows"]] == expected


def test_rows_show_available_stock_and_flag_low_stock(stocked, login):
    page = login(Role.VIEWER).get(LIST).content.decode()

    assert '<td class="text-end text-nowrap">9</td>' in page
    assert (
        '<td class="text-end text-nowrap">2 <span class="badge text-bg-warning">Low</span></td>'
        in page
    )
    assert '<td class="text-end text-nowrap">0</td>' in page


def test_stock_filter_keeps_the_query_count(stocked, login, django_assert_max_num_queries):
    client = login(Role.VIEWER)
    client.get(LIST)

    with django_assert_max_num_queries(8):
        client.get(LIST, {"stock": "low"})
