"""Every list endpoint runs the same number of queries for 10 rows as for 100."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .endpoints import ENDPOINTS

pytestmark = pytest.mark.django_db

MAX_LIST_QUERIES = 6


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_list_query_count_is_constant(
    endpoint, owner_client, organization, django_assert_max_num_queries
):
    for n in range(100):
        endpoint.make(organization, n)

    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        small = owner_client.get(f"{endpoint.url}?page_size=10")
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        large = owner_client.get(f"{endpoint.url}?page_size=100")

    assert len(small.json()["results"]) == 10
    assert len(large.json()["results"]) == 100
    # Both pages leave rows for a next one: a last page may skip its count query.
    assert _queries(owner_client, f"{endpoint.url}?page_size=10") == _queries(
        owner_client, f"{endpoint.url}?page_size=50"
    )


def test_page_size_is_capped_at_100(owner_client, organization):
    from stockroom.catalog.tests.factories import ProductFactory

    ProductFactory.create_batch(105, organization=organization)

    response = owner_client.get("/api/v1/products/?page_size=500")

    assert response.json()["count"] == 105
    assert len(response.json()["results"]) == 100
