"""Turn domain events (sent after commit) into live messages for the organization's browsers,
and close the sockets whose access changed."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from stockroom.accounts.models import Membership, User
from stockroom.accounts.signals import password_changed
from stockroom.alerts.signals import notifications_created
from stockroom.imports.signals import job_progress
from stockroom.inventory.models import Location, StockMovement
from stockroom.inventory.signals import stock_changed

from .broadcast import end_access, publish
from .consumers import CLOSE_NOT_A_MEMBER, CLOSE_REJOIN, CLOSE_UNAUTHENTICATED
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
                labels[location_id] = location.label
                continue
        missing.add(location_id)
    if missing:
        rows = Location.objects.filter(pk__in=missing).values_list("pk", "warehouse__code", "code")
        labels.update({pk: Location.format_label(warehouse, code) for pk, warehouse, code in rows})
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


# Access changes are caught on the models, not in the services: a membership also disappears
# through the admin, a deleted user or a deleted organization (cascades send post_delete), and an
# open socket must close whichever way it went. Sockets are only told after the commit.


def _end_access_on_commit(organization_id: int, user_id: int, code: int) -> None:
    group = member_group(organization_id, user_id)
    transaction.on_commit(lambda: end_access(group, code=code))


@receiver(post_delete, sender=Membership, dispatch_uid="realtime_membership_removed")
def close_removed_member_sockets(sender, *, instance: Membership, **kwargs) -> None:
    _end_access_on_commit(instance.organization_id, instance.user_id, CLOSE_NOT_A_MEMBER)


@receiver(post_save, sender=Membership, dispatch_uid="realtime_membership_changed")
def rejoin_changed_member_sockets(sender, *, instance: Membership, created: bool, **kwargs) -> None:
    """A role change (the only change a membership has) makes its sockets reconnect, so what
    they join is decided again under the new role."""
    if not created:
        _end_access_on_commit(instance.organization_id, instance.user_id, CLOSE_REJOIN)


def _end_access_of_user(user: User, code: int) -> None:
    for organization_id in Membership.objects.filter(user=user).values_list(
        "organization_id", flat=True
    ):
        _end_access_on_commit(organization_id, user.pk, code)


@receiver(post_save, sender=User, dispatch_uid="realtime_user_deactivated")
def close_deactivated_user_sockets(sender, *, instance: User, created: bool, **kwargs) -> None:
    if not created and not instance.is_active:
        _end_access_of_user(instance, CLOSE_UNAUTHENTICATED)


@receiver(password_changed, dispatch_uid="realtime_password_changed")
def rejoin_sockets_after_password_change(sender, *, user: User, **kwargs) -> None:
    """Reconnecting authenticates again: the session that changed the password gets back in;
    other sessions (logged out by the change) and tokens issued before it are refused."""
    _end_access_of_user(user, CLOSE_REJOIN)
