"""The same Idempotency-Key sent twice at once, on PostgreSQL, one connection per thread: one
movement is posted and both clients get its response."""

from decimal import Decimal
from functools import partial

import pytest
from rest_framework.test import APIClient

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.core.tests.concurrency import run_at_once
from stockroom.inventory.models import StockLevel, StockMovement
from stockroom.inventory.tests.factories import LocationFactory

from .conftest import access_token_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_duplicates_post_one_movement(owner, organization):
    product = ProductFactory(organization=organization)
    location = LocationFactory(organization=organization)
    body = {"kind": "receipt", "product": product.pk, "location": location.pk, "quantity": "4"}
    access = access_token_for(owner)
    clients = [APIClient(), APIClient()]
    for client in clients:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    responses = [None, None]

    def post(index):
        responses[index] = clients[index].post(
            "/api/v1/movements/", body, format="json", HTTP_IDEMPOTENCY_KEY="twice"
        )

    assert run_at_once([partial(post, 0), partial(post, 1)]) == ["ok", "ok"]
    assert [response.status_code for response in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(response.get("Idempotent-Replayed", "") for response in responses) == [
        "",
        "true",
    ]
    assert StockMovement.unscoped.filter(product=product).count() == 1
    assert StockMovement.unscoped.get(product=product).idempotency_key == "twice"
    assert StockLevel.unscoped.get(product=product, location=location).on_hand == Decimal(4)
