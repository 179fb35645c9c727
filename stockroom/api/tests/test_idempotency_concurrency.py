"""The same Idempotency-Key sent twice at once, on PostgreSQL, one connection per thread: one
movement is posted and both clients get its response."""

import threading
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from django.db import connection

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory.models import StockLevel, StockMovement
from stockroom.inventory.tests.factories import LocationFactory

from .conftest import access_token_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_duplicates_post_one_movement(owner, organization):
    product = ProductFactory(organization=organization)
    location = LocationFactory(organization=organization)
    body = {"kind": "receipt", "product": product.pk, "location": location.pk, "quantity": "4"}
    access = access_token_for(owner)
    barrier = threading.Barrier(2)
    responses = [None, None]

    def post(index):
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
            barrier.wait(timeout=30)
            responses[index] = client.post(
                "/api/v1/movements/", body, format="json", HTTP_IDEMPOTENCY_KEY="twice"
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [response.status_code for response in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(response.get("Idempotent-Replayed", "") for response in responses) == [
        "",
        "true",
    ]
    assert StockMovement.unscoped.filter(product=product).count() == 1
    assert StockMovement.unscoped.get(product=product).idempotency_key == "twice"
    assert StockLevel.unscoped.get(product=product, location=location).on_hand == Decimal(4)
