"""Idempotency records expire: the daily task purges them, and an expired key is fresh again."""

from datetime import timedelta

import pytest

from django.conf import settings
from django.utils import timezone

from stockroom.api.idempotency import RECORD_LIFETIME
from stockroom.api.models import IdempotencyRecord
from stockroom.api.tasks import purge_idempotency_records
from stockroom.catalog.tests.factories import CustomerFactory, ProductFactory
from stockroom.orders.models import SalesOrder

pytestmark = pytest.mark.django_db


def _record(owner, key: str, age: timedelta) -> IdempotencyRecord:
    record = IdempotencyRecord.objects.create(
        organization=owner.organization,
        user=owner.user,
        key=key,
        fingerprint="0" * 64,
        status_code=201,
        response_body={},
    )
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - age)
    return record


def test_purge_deletes_only_expired_records_and_is_safe_to_repeat(owner):
    _record(owner, "old", RECORD_LIFETIME + timedelta(minutes=1))
    _record(owner, "fresh", RECORD_LIFETIME - timedelta(minutes=1))

    first = purge_idempotency_records.delay().get()
    second = purge_idempotency_records.delay().get()

    assert (first, second) == (1, 0)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]


def test_the_purge_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-idempotency-records"]

    assert entry["task"] == "stockroom.api.tasks.purge_idempotency_records"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})


def test_an_expired_key_runs_the_request_again(owner, owner_client, organization):
    _record(owner, "reused", RECORD_LIFETIME + timedelta(hours=1))
    body = {
        "customer": CustomerFactory(organization=organization).pk,
        "lines": [
            {
                "product": ProductFactory(organization=organization).pk,
                "quantity": "2",
                "unit_price": "3.00",
            }
        ],
    }

    response = owner_client.post(
        "/api/v1/sales-orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="reused"
    )

    assert response.status_code == 201, response.content
    assert "Idempotent-Replayed" not in response
    assert SalesOrder.unscoped.count() == 1
    assert IdempotencyRecord.objects.get(key="reused").status_code == 201
