"""The list pages' paginators: a capped count, and deep pages that find their keys first."""

from datetime import timedelta
from decimal import Decimal

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.core.pagination import DeferredJoinPaginator
from stockroom.inventory.models import StockMovement
from stockroom.inventory.selectors import movement_history
from stockroom.inventory.tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(organization):
    """Twelve receipts; two pairs share an instant, so the id decides their order."""
    product = ProductFactory(organization=organization)
    location = LocationFactory(organization=organization)
    start = timezone.now() - timedelta(days=1)
    instants = [start + timedelta(minutes=n) for n in (0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 8, 9)]
    StockMovement.unscoped.bulk_create(
        StockMovement(
            organization=organization,
            kind="receipt",
            product=product,
            to_location=location,
            quantity=Decimal(number + 1),
            occurred_at=instant,
        )
        for number, instant in enumerate(instants)
    )
    return movement_history(organization=organization)


def _page_rows(paginator, number) -> list[int]:
    return [movement.pk for movement in paginator.page(number).object_list]


@pytest.mark.parametrize("defer_after", [0, 3, 1_000], ids=["deferred", "from-page-2", "offset"])
def test_every_page_holds_the_rows_of_a_plain_slice(ledger, monkeypatch, defer_after):
    monkeypatch.setattr(DeferredJoinPaginator, "DEFER_AFTER", defer_after)
    paginator = DeferredJoinPaginator(ledger, 5)
    ordered = list(ledger.values_list("pk", flat=True))

    assert [_page_rows(paginator, number) for number in (1, 2, 3)] == [
        ordered[0:5],
        ordered[5:10],
        ordered[10:12],
    ]


def test_a_deep_page_is_one_query_that_looks_its_keys_up_first(ledger, monkeypatch):
    monkeypatch.setattr(DeferredJoinPaginator, "DEFER_AFTER", 5)
    paginator = DeferredJoinPaginator(ledger, 5)
    paginator.count  # noqa: B018 - counted apart, as the list page does

    with CaptureQueriesContext(connection) as queries:
        rows = list(paginator.page(2).object_list)
        [str(row.to_location.warehouse) for row in rows]

    assert len(queries) == 1
    sql = queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert '"inventory_stockmovement"."id" = ANY(ARRAY(SELECT' in sql
    else:
        assert '"inventory_stockmovement"."id" IN (SELECT' in sql
    assert "LIMIT 5 OFFSET 5" in sql


def test_a_shallow_page_is_a_plain_slice(ledger):
    with CaptureQueriesContext(connection) as queries:
        list(DeferredJoinPaginator(ledger, 5).page(2).object_list)

    assert "ANY(ARRAY" not in queries[-1]["sql"]
    assert "IN (SELECT" not in queries[-1]["sql"]
