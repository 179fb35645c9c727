"""Subscriptions to the inventory events (which are sent after commit)."""

from django.dispatch import receiver

from stockroom.inventory.signals import low_stock

from .tasks import low_stock_alert


@receiver(low_stock, dispatch_uid="alerts_queue_low_stock_alert")
def queue_low_stock_alert(sender, *, product_id: int, organization_id: int, **kwargs) -> None:
    low_stock_alert.delay(organization_id, product_id)
