"""Cached report figures go stale when stock moves: bump the organization's cache version."""

from django.dispatch import receiver

from stockroom.core.cache import bump_organization_cache
from stockroom.inventory.signals import stock_changed


@receiver(stock_changed, dispatch_uid="reports_invalidate_cache_on_stock_change")
def invalidate_reports(sender, *, organization_id: int, **kwargs) -> None:
    bump_organization_cache(organization_id)
