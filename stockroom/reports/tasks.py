"""Report tasks. They take primary keys, reload, call one service, and are safe to run twice."""

import zoneinfo
from datetime import timedelta

from celery import shared_task

from django.utils import timezone

from stockroom.accounts.models import Organization
from stockroom.core.task_options import (
    BEAT_FAN_OUT,
    RETRY_ON_TRANSIENT_ERRORS,
    OrganizationTask,
)

from . import services
from .models import StockValueSnapshot


@shared_task(base=OrganizationTask, **RETRY_ON_TRANSIENT_ERRORS)
def snapshot_stock_values(organization_id: int) -> int:
    """Write the organization's missing stock-value snapshots (normally just yesterday's)."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:  # deleted since the task was queued
        return 0
    return len(services.stock_value_snapshots_backfill(organization=organization))


# Crosses tenants: it reads every organization's latest snapshot day in one query.
@shared_task(**BEAT_FAN_OUT)
def snapshot_stock_values_for_all_organizations() -> int:
    """Beat entry point (hourly): one snapshot task per organization whose day has ended since
    its last snapshot. Organizations keep their own time zones, so each day ends at a different
    hour; the others cost nothing but this task's two queries."""
    now = timezone.now()
    yesterdays = {
        organization_id: (now.astimezone(zoneinfo.ZoneInfo(time_zone)) - timedelta(days=1)).date()
        for organization_id, time_zone in Organization.objects.values_list("pk", "time_zone")
    }
    if not yesterdays:
        return 0
    done = set(
        StockValueSnapshot.objects.filter(day__gte=min(yesterdays.values())).values_list(
            "organization_id", "day"
        )
    )
    queued = 0
    for organization_id, yesterday in yesterdays.items():
        if (organization_id, yesterday) not in done:
            snapshot_stock_values.delay(organization_id)
            queued += 1
    return queued
