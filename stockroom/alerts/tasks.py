"""Alert tasks. They take primary keys, reload, call one service, and are safe to run twice."""

from celery import shared_task

from stockroom.accounts.models import Organization
from stockroom.core.task_options import (
    BEAT_FAN_OUT,
    RETRY_ON_TRANSIENT_ERRORS,
    OrganizationTask,
)

from . import services


@shared_task(base=OrganizationTask, **RETRY_ON_TRANSIENT_ERRORS)
def low_stock_alert(organization_id: int, product_id: int) -> int:
    return len(services.notify_low_stock(organization_id=organization_id, product_id=product_id))


@shared_task(base=OrganizationTask, **RETRY_ON_TRANSIENT_ERRORS)
def expiring_lots_alert(organization_id: int) -> int:
    return len(services.notify_expiring_lots(organization_id=organization_id))


@shared_task(base=OrganizationTask, **RETRY_ON_TRANSIENT_ERRORS)
def daily_digest(organization_id: int) -> int:
    return len(services.send_daily_digest(organization_id=organization_id))


# Crosses tenants: it lists every organization to queue each one its own scoped tasks.
@shared_task(**BEAT_FAN_OUT)
def fan_out_daily_alerts() -> int:
    """Beat entry point: one digest and one expiry scan task per organization."""
    organization_ids = list(Organization.objects.values_list("pk", flat=True))
    for organization_id in organization_ids:
        expiring_lots_alert.delay(organization_id)
        daily_digest.delay(organization_id)
    return len(organization_ids)
