"""Cached report figures go stale when stock moves or an order changes state: bump the
organization's cache version. A movement dated into a finished day also voids the stock-value
snapshots from that day on."""

from datetime import timedelta
from functools import partial

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from stockroom.core import events
from stockroom.core.cache import bump_organization_cache
from stockroom.inventory.signals import stock_changed
from stockroom.orders.models import PurchaseOrder, SalesOrder

from . import services, tasks

# A movement posted now carries the time its service was called, a moment before this runs.
# Older than this, it was dated into the past on purpose and may fall in a snapshotted day; the
# snapshot task runs at 5 past the hour, so no day is snapshotted this soon after it ended.
BACKDATED_AFTER = timedelta(minutes=2)


@receiver(stock_changed, dispatch_uid="reports_invalidate_cache_on_stock_change")
def invalidate_reports(sender, *, organization_id: int, **kwargs) -> None:
    bump_organization_cache(organization_id)


@receiver(stock_changed, dispatch_uid="reports_revalue_snapshots_on_backdated_movement")
def revalue_snapshots_after_backdated_movement(
    sender, *, organization_id: int, movement=None, **kwargs
) -> None:
    if movement is None or movement.occurred_at >= timezone.now() - BACKDATED_AFTER:
        return
    discarded = services.stock_value_snapshots_discard(
        organization_id=organization_id, since=movement.occurred_at
    )
    if discarded:
        tasks.snapshot_stock_values.delay(organization_id)


def _order_changed(instance, *, status_may_have_changed: bool) -> None:
    # The dashboard counts open orders: only a row that appears, goes or changes state matters,
    # and the page must not read the old count before the change commits.
    if status_may_have_changed:
        organization_id = instance.organization_id
        events.on_commit(
            partial(bump_organization_cache, organization_id), hook="reports.bump_cache"
        )


@receiver(post_save, sender=PurchaseOrder, dispatch_uid="reports_purchase_order_saved")
@receiver(post_save, sender=SalesOrder, dispatch_uid="reports_sales_order_saved")
def invalidate_reports_on_order_save(
    sender, instance, created: bool, update_fields=None, **kwargs
) -> None:
    _order_changed(
        instance,
        status_may_have_changed=created or update_fields is None or "status" in update_fields,
    )


@receiver(post_delete, sender=PurchaseOrder, dispatch_uid="reports_purchase_order_deleted")
@receiver(post_delete, sender=SalesOrder, dispatch_uid="reports_sales_order_deleted")
def invalidate_reports_on_order_delete(sender, instance, **kwargs) -> None:
    _order_changed(instance, status_may_have_changed=True)
