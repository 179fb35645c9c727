"""The product page's stock fragment is cached per organization and cache version: a warm
fragment skips its queries, a movement the user posts shows at once, and the role-dependent
buttons are never taken from another user's cached copy."""

import re
import uuid
from decimal import Decimal

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stockroom.inventory import services

pytestmark = pytest.mark.django_db

# The fragment's own queries: stock rows by location, recent movements.
ROWS_QUERIES = ('SELECT "inventory_stocklevel"."id"', 'SELECT "inventory_stockmovement"."id"')
STOCK_TABLE = re.compile(r"Stock by location and lot</caption>.*?<tbody>(.*?)</tbody>", re.S)


def _receive(product, location, quantity: str):
    return services.stock_receive(
        organization=product.organization,
        product=product,
        location=location,
        quantity=Decimal(quantity),
        unit_cost=Decimal("2.00"),
    )


def _stock_rows(body: str) -> list[list[str]]:
    """The cells of the per-location table (location link text, on hand, reserved, available)."""
    table = STOCK_TABLE.search(body)[1]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


def test_warm_fragment_skips_the_location_and_movement_queries(
    member_client, clerk, product, location
):
    _receive(product, location, "10")
    client = member_client(clerk)
    url = reverse("inventory:product_stock", args=[product.pk])

    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    with CaptureQueriesContext(connection) as warm:
        second = client.get(url)

    assert len(warm) == len(cold) - 2  # stock rows by location, recent movements
    assert second.content == first.content
    assert _stock_rows(second.content.decode()) == [["MAIN/A-01", "10", "0", "10"]]


def test_fragment_shows_a_movement_posted_through_the_form_right_after(
    member_client, clerk, product, location, django_capture_on_commit_callbacks
):
    _receive(product, location, "10")
    client = member_client(clerk)
    url = reverse("inventory:product_stock", args=[product.pk])
    before = client.get(url).content.decode()
    assert _stock_rows(before) == [["MAIN/A-01", "10", "0", "10"]]
    assert before.count('id="movement-') == 1

    # The after-commit callbacks are what bump the organization's cache version.
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(
            reverse("inventory:movement_issue"),
            {
                "product": product.pk,
                "location": location.pk,
                "quantity": "3",
                "reference": "",
                "reason": "damaged",
                "reason_code": "damage",
                "idempotency_key": str(uuid.uuid4()),
            },
        )
    assert posted.status_code == 302

    after = client.get(url).content.decode()
    assert _stock_rows(after) == [["MAIN/A-01", "7", "0", "7"]]
    assert after.count('id="movement-') == 2


def test_buttons_follow_the_role_when_another_role_filled_the_cache(
    member_client, client, clerk, viewer, product, location
):
    _receive(product, location, "10")
    url = reverse("inventory:product_stock", args=[product.pk])
    receive_url = f"{reverse('inventory:movement_receive')}?product={product.pk}"

    member_client(clerk)
    clerk_first = client.get(url).content.decode()
    client.logout()
    member_client(viewer)
    with CaptureQueriesContext(connection) as viewer_queries:
        viewer_page = client.get(url).content.decode()
    # Read now: the next request resets the connection's query log.
    viewer_sql = [query["sql"] for query in viewer_queries]
    client.logout()
    member_client(clerk)
    clerk_again = client.get(url).content.decode()

    assert receive_url in clerk_first
    assert receive_url not in viewer_page
    assert receive_url in clerk_again
    # The viewer was served the cached rows (no stock-row queries), with their own buttons.
    assert viewer_sql and not [sql for sql in viewer_sql if sql.startswith(ROWS_QUERIES)]
    assert _stock_rows(viewer_page) == _stock_rows(clerk_first) == [["MAIN/A-01", "10", "0", "10"]]


def test_movement_kind_badge_is_rendered_in_the_readers_language(
    member_client, client, clerk, product, location
):
    """The fragment is keyed by language: a Spanish reader does not get the English copy."""
    _receive(product, location, "10")
    url = reverse("inventory:product_stock", args=[product.pk])
    member_client(clerk)
    english = client.get(url).content.decode()
    clerk.user.language = "es"
    clerk.user.save(update_fields=["language"])
    spanish = client.get(url).content.decode()

    badge = re.compile(r'<span class="badge text-bg-success">(.*?)</span>')
    assert badge.findall(english) == ["Receipt"]
    assert badge.findall(spanish) == ["Recepción"]
