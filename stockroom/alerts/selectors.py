"""Reads of notifications and of the facts behind alerts and digests."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from stockroom.accounts.models import Membership, User
from stockroom.accounts.roles import Role
from stockroom.inventory.models import Lot, StockMovement

from .models import Notification


def inbox(*, organization, user: User) -> QuerySet[Notification]:
    """The user's notifications in the organization, newest first."""
    return Notification.objects.for_organization(organization).filter(recipient=user)


def unread_count(*, organization, user: User) -> int:
    return inbox(organization=organization, user=user).unread().count()


def alert_recipients(*, organization_id: int) -> list[User]:
    """Owners and managers receive stock alerts and digests."""
    memberships = Membership.objects.filter(
        organization_id=organization_id, role__in=[Role.OWNER, Role.MANAGER], user__is_active=True
    ).select_related("user")
    return [membership.user for membership in memberships]


def expiring_lots(*, organization_id: int, today: date, within_days: int) -> QuerySet[Lot]:
    """Lots with stock on hand whose expiry date falls within `within_days` of `today`."""
    return (
        Lot.objects.for_organization(organization_id)
        .filter(expiry_date__isnull=False, expiry_date__lte=today + timedelta(days=within_days))
        .annotate(on_hand_total=Coalesce(Sum("stock_levels__on_hand"), Decimal("0")))
        .filter(on_hand_total__gt=0)
        .select_related("product")
        .order_by("expiry_date", "pk")
    )


def movements_since(*, organization_id: int, since) -> int:
    return (
        StockMovement.objects.for_organization(organization_id)
        .filter(occurred_at__gte=since)
        .count()
    )
