"""Alert tasks. They take primary keys, reload, call one service, and are safe to run twice."""

from celery import shared_task

from django.db import OperationalError

from stockroom.accounts.models import Organization

from . import services

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, ConnectionError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def low_stock_alert(organization_id: int, product_id: int) -> int:
    return len(services.notify_low_stock(organization_id=organization_id, product_id=product_id))


@shared_task(**RETRY)
def expiring_lots_alert(organization_id: int) -> int:
    return len(services.notify_expiring_lots(organization_id=organization_id))


@shared_task(**RETRY)
def daily_digest(organization_id: int) -> int:
    return len(services.send_daily_digest(organization_id=organization_id))


@shared_task(acks_late=True)
def fan_out_daily_alerts() -> int:
    """Beat entry point: one digest and one expiry scan task per organization."""
    organization_ids = list(Organization.objects.values_list("pk", flat=True))
    for organization_id in organization_ids:
        expiring_lots_alert.delay(organization_id)
        daily_digest.delay(organization_id)
    return len(organization_ids)
