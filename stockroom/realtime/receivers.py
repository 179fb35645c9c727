"""Turn domain events (sent after commit) into live messages for the organization's browsers."""

from django.dispatch import receiver

from stockroom.alerts.signals import notifications_created
from stockroom.imports.signals import job_progress
from stockroom.inventory.models import Location, StockMovement
from stockroom.inventory.signals import stock_changed

from .broadcast import publish
from .groups import member_group, organization_group


def _location_labels(movement) -> dict[int, str]:
    """The movement's locations named WAREHOUSE/BIN. A location that came with its warehouse
    (the API loads it so) costs nothing; the others are read together in one query instead of
    lazily, one by one, after the commit."""
    labels: dict[int, str] = {}
    missing: set[int] = set()
    for name in ("from_location", "to_location"):
        location_id = getattr(movement, f"{name}_id")
        if location_id is None:
            continue
        if getattr(StockMovement, name).is_cached(movement):
            location = getattr(movement, name)
            if Location.warehouse.is_cached(location):
                labels[location_id] = str(location)
                continue
        missing.add(location_id)
    if missing:
        rows = Location.objects.filter(pk__in=missing).values_list("pk", "warehouse__code", "code")
        labels.update({pk: f"{warehouse}/{code}" for pk, warehouse, code in rows})
    return labels


def movement_payload(movement) -> dict:
    labels = _location_labels(movement)
    return {
        "type": "stock.changed",
        "movement_id": movement.pk,
        "kind": movement.kind,
        "product_id": movement.product_id,
        "sku": movement.product.sku,
        "product_name": movement.product.name,
        "quantity": str(movement.quantity),
        "from_location": labels.get(movement.from_location_id),
        "to_location": labels.get(movement.to_location_id),
        "occurred_at": movement.occurred_at.isoformat(),
    }


@receiver(stock_changed, dispatch_uid="realtime_stock_changed")
def broadcast_stock_change(sender, *, movement, organization_id: int, **kwargs) -> None:
    publish(organization_group(organization_id), movement_payload(movement))


@receiver(notifications_created, dispatch_uid="realtime_notifications_created")
def push_notifications(sender, *, notifications, **kwargs) -> None:
    for notification in notifications:
        publish(
            member_group(notification.organization_id, notification.recipient_id),
            {
                "type": "notification",
                "id": notification.pk,
                "kind": notification.kind,
                "title": notification.title,
                "link": notification.link,
            },
        )


@receiver(job_progress, dispatch_uid="realtime_import_job_progress")
def push_job_progress(
    sender,
    *,
    organization_id: int,
    user_id: int | None,
    job_id: int,
    status: str,
    processed: int,
    total: int,
    **kwargs,
) -> None:
    """Import progress goes to the job owner's sockets only."""
    if user_id is None:
        return
    publish(
        member_group(organization_id, user_id),
        {
            "type": "job.progress",
            "job_id": job_id,
            "status": status,
            "processed": processed,
            "total": total,
        },
    )
