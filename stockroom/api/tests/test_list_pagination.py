"""Products and stock levels: page numbers with a count capped at COUNT_CAP (`count_capped`),
pages that go on past the cap to the last row, and no count query for a last page."""

from decimal import Decimal

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stockroom.api.pagination import OpenEndedPaginator
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory.tests.factories import (
    LocationFactory,
    StockLevelFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"
STOCK_LEVELS = "/api/v1/stock-levels/"


@pytest.fixture
def small_cap(monkeypatch):
    """A cap of 5 rows, so that 12 rows are past it."""
    monkeypatch.setattr(OpenEndedPaginator, "COUNT_CAP", 5)


def _products(organization, count: int) -> list[str]:
    return [ProductFactory(organization=organization, sku=f"P-{n:02}").sku for n in range(count)]


def _skus(response) -> list[str]:
    return [row["sku"] for row in response.json()["results"]]


def test_below_the_cap_the_count_is_exact(owner_client, organization):
    _products(organization, 7)

    response = owner_client.get(PRODUCTS, {"page_size": 5})

    body = response.json()
    assert list(body) == ["count", "count_capped", "next", "previous", "results"]
    assert (body["count"], body["count_capped"], body["previous"]) == (7, False, None)
    assert body["next"].endswith("?page=2&page_size=5")
    assert owner_client.get(PRODUCTS, {"page_size": 5, "page": 2}).json()["next"] is None


def test_past_the_cap_pages_go_on_to_the_last_row(owner_client, organization, small_cap):
    skus = _products(organization, 12)

    pages = [owner_client.get(PRODUCTS, {"page_size": 5, "page": page}) for page in (1, 2, 3)]

    assert [(page.json()["count"], page.json()["count_capped"]) for page in pages] == [
        (5, True),
        (5, True),
        (5, True),
    ]
    assert [_skus(page) for page in pages] == [skus[:5], skus[5:10], skus[10:]]
    assert [page.json()["next"] is not None for page in pages] == [True, True, False]
    assert pages[2].json()["previous"].endswith("?page=2&page_size=5")
    assert owner_client.get(PRODUCTS, {"page_size": 5, "page": 4}).status_code == 404


def test_page_last_counts_every_row(owner_client, organization, small_cap):
    skus = _products(organization, 12)

    response = owner_client.get(PRODUCTS, {"page_size": 5, "page": "last"})

    assert _skus(response) == skus[10:]


@pytest.mark.parametrize(
    "page", ["0", "-1", "two", "1.5"], ids=["zero", "negative", "word", "fraction"]
)
def test_bad_page_numbers_are_404(owner_client, organization, page):
    _products(organization, 3)

    response = owner_client.get(PRODUCTS, {"page": page})

    assert response.status_code == 404


def test_empty_list_is_a_page(owner_client):
    body = owner_client.get(PRODUCTS).json()

    assert (body["count"], body["count_capped"], body["next"], body["results"]) == (
        0,
        False,
        None,
        [],
    )


def _queries(client, url, params) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params).status_code == 200
    return [query["sql"] for query in context.captured_queries]


def test_a_last_page_needs_no_count_query(owner_client, organization):
    _products(organization, 12)

    one_page = _queries(owner_client, PRODUCTS, {"page_size": 20})
    first_of_two = _queries(owner_client, PRODUCTS, {"page_size": 10})
    second_of_two = _queries(owner_client, PRODUCTS, {"page_size": 10, "page": 2})

    assert len(first_of_two) == len(one_page) + 1
    assert len(second_of_two) == len(one_page)
    assert not any("COUNT(" in sql for sql in one_page + second_of_two)
    assert owner_client.get(PRODUCTS, {"page_size": 20}).json()["count"] == 12


def test_stock_levels_of_a_warehouse_in_capped_pages(owner_client, organization, small_cap):
    warehouse, elsewhere = (
        WarehouseFactory(organization=organization),
        WarehouseFactory(organization=organization),
    )
    bins = [LocationFactory(organization=organization, warehouse=warehouse) for _ in range(2)]
    products = [ProductFactory(organization=organization, sku=f"S-{n:02}") for n in range(6)]
    for product in products:
        for location in bins:
            StockLevelFactory(
                organization=organization, product=product, location=location, on_hand=Decimal(3)
            )
        StockLevelFactory(
            organization=organization,
            product=product,
            location=LocationFactory(organization=organization, warehouse=elsewhere),
            on_hand=Decimal(1),
        )
    params = {"warehouse": warehouse.pk, "page_size": 5}

    pages = [owner_client.get(STOCK_LEVELS, {**params, "page": page}).json() for page in (1, 2, 3)]

    rows = [row for page in pages for row in page["results"]]
    assert [(row["product_sku"], row["warehouse"]) for row in rows] == [
        (product.sku, warehouse.pk) for product in products for _location in bins
    ]
    assert [(page["count"], page["count_capped"]) for page in pages] == [(5, True)] * 3
    assert pages[2]["next"] is None


def test_schema_documents_count_capped(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for name in ("PaginatedProductList", "PaginatedStockLevelList"):
        page = schema["components"]["schemas"][name]
        assert page["required"] == ["count", "count_capped", "results"]
        assert page["properties"]["count_capped"]["type"] == "boolean"
