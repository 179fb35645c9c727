"""Writes of the reports app: the daily stock-value snapshots the dashboard charts read.

Valuing a past day means replaying the organization's ledger (see selectors/ledger.py), which
takes seconds to minutes on a large organization. It happens here, in a task or a command, once
per day and organization; a web request only reads the rows.
"""

import zoneinfo
from datetime import date, datetime, timedelta
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from stockroom.accounts.models import Organization
from stockroom.core import events

from .models import StockValueSnapshot
from .selectors.dashboard import FINISHED_DAYS
from .selectors.ledger import stock_values_at
from .selectors.reports import end_of_day, organization_today


def _finished_days(organization: Organization, days: int) -> list[date]:
    today = organization_today(organization)
    return [today - timedelta(days=offset) for offset in range(days, 0, -1)]


def stock_value_snapshots_backfill(
    *, organization: Organization, days: int = FINISHED_DAYS
) -> list[StockValueSnapshot]:
    """Write the snapshot of every one of the last `days` finished days that has none yet.

    All missing days are valued in one streamed pass over the ledger; when none is missing
    (the usual case for the hourly task after the first run of the day) nothing is replayed.
    Safe to run twice or concurrently: a day that gained its row meanwhile is left alone.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    wanted = _finished_days(organization, days)
    present = set(
        StockValueSnapshot.objects.filter(
            organization=organization, day__gte=wanted[0], day__lte=wanted[-1]
        ).values_list("day", flat=True)
    )
    missing = [day for day in wanted if day not in present]
    if not missing:
        return []
    values = stock_values_at(
        organization=organization, moments=[end_of_day(organization, day) for day in missing]
    )
    snapshots = [
        StockValueSnapshot(organization=organization, day=day, value=value)
        for day, value in zip(missing, values, strict=True)
    ]
    with transaction.atomic():
        StockValueSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True)
    return snapshots


def stock_value_snapshots_discard(*, organization_id: int, since: datetime) -> int:
    """Drop the snapshots of the day of `since` and after; returns how many rows went.

    For a movement dated into a finished day: those days' values changed, and the next backfill
    revalues them from the ledger (until then the chart shows them as gaps, never a wrong value).
    """
    organization = Organization.objects.only("time_zone").get(pk=organization_id)
    day = since.astimezone(zoneinfo.ZoneInfo(organization.time_zone)).date()
    deleted, _per_model = StockValueSnapshot.objects.filter(
        organization_id=organization_id, day__gte=day
    ).delete()
    return deleted


FILL_REQUEST_TTL = 60 * 60


def stock_value_snapshots_request(*, organization: Organization) -> bool:
    """Queue the snapshot task for an organization whose chart shows gaps; at most once an hour.

    The hourly beat task normally fills the days; this covers a deployment without beat (`make
    run`, where Celery runs eagerly and the small demo is filled in the request) and days a
    back-dated movement discarded. Returns whether a task was queued.
    """
    from .tasks import snapshot_stock_values  # tasks import this module

    key = f"org:{organization.pk}:stock-value-fill-requested"
    # While Redis is unreachable `add` answers True (core/cache_backends.py) and remembers
    # nothing: only a request the cache really holds may queue the task, or every dashboard view
    # would replay the ledger during an outage. The hourly beat task fills the days meanwhile.
    if not cache.add(key, 1, FILL_REQUEST_TTL) or cache.get(key) is None:
        return False
    organization_id = organization.pk
    events.on_commit(
        partial(snapshot_stock_values.delay, organization_id), hook="reports.snapshot_task"
    )
    return True


def getting_started_dismiss(*, organization: Organization) -> None:
    """Hide the dashboard's getting-started checklist for the whole organization. It lives on the
    organization (not the membership) because the owner sets up the organization for everyone;
    the view lets only roles that manage the organization call this."""
    Organization.objects.filter(pk=organization.pk, getting_started_dismissed_at=None).update(
        getting_started_dismissed_at=timezone.now()
    )
