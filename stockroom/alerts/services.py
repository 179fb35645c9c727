"""Raising alerts: notifications for owners and managers, emailed at most once per subject per day.

Every service here is idempotent: the dedupe key of a notification is unique per recipient, so
a task that runs twice (a retry, a redelivery after a worker died) raises nothing new.
"""

from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from stockroom.accounts.models import Organization, User
from stockroom.catalog.models import Product
from stockroom.core import events
from stockroom.core.formatting import format_date, format_money, format_quantity
from stockroom.core.mail import absolute_url
from stockroom.inventory.selectors import inventory_valuation, low_stock_products, product_totals

from . import selectors
from .models import Notification, NotificationKind
from .signals import notifications_created

EXPIRY_WARNING_DAYS = 30


def _notify(
    *,
    organization_id: int,
    recipients: list[User],
    kind: str,
    dedupe_key: str,
    title: Callable[[], str],
    message: Callable[[], str],
    link: str = "",
) -> list[Notification]:
    """Create the notification for each recipient who doesn't have it yet; return the new ones.

    `title` and `message` are called in each recipient's language: the text is stored (and
    emailed) as that person reads it."""
    created = []
    for recipient in recipients:
        with translation.override(recipient.language):
            text = {"title": title(), "message": message()}
        try:
            with transaction.atomic():
                notification, is_new = Notification.objects.get_or_create(
                    organization_id=organization_id,
                    recipient=recipient,
                    dedupe_key=dedupe_key,
                    defaults={"kind": kind, **text, "link": link},
                )
        except IntegrityError:  # a concurrent run created it first
            continue
        if is_new:
            created.append(notification)
    return created


def _email_and_publish(notifications: list[Notification]) -> None:
    """After commit: email each new notification and push it to the recipients' browsers."""
    if not notifications:
        return

    def send() -> None:
        messages = [
            (
                n.title,
                f"{n.message}\n\n{absolute_url(n.link)}".strip(),
                settings.DEFAULT_FROM_EMAIL,
                [n.recipient.email],
            )
            for n in notifications
        ]
        send_mass_mail(messages, fail_silently=False)
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
            emailed_at=timezone.now()
        )
        events.send_robust(
            notifications_created,
            hook="notifications_created",
            sender=Notification,
            notifications=notifications,
        )

    events.on_commit(send, hook="alerts.email_and_publish")


@transaction.atomic
def notify_low_stock(
    *, organization_id: int, product_id: int, today: date | None = None
) -> list[Notification]:
    """Alert owners and managers that a product is at or below its reorder point.

    Re-checks the stock first: a product restocked before the task ran raises nothing.
    """
    product = Product.objects.filter(organization_id=organization_id, pk=product_id).first()
    if product is None or not product.is_active or product.reorder_point <= 0:
        return []
    totals = product_totals(organization=organization_id, product=product)
    if totals["available"] > product.reorder_point:
        return []
    today = today or timezone.localdate()
    created = _notify(
        organization_id=organization_id,
        recipients=selectors.alert_recipients(organization_id=organization_id),
        kind=NotificationKind.LOW_STOCK,
        dedupe_key=f"low_stock:{product.pk}:{today.isoformat()}",
        title=lambda: _("Low stock: %(sku)s %(name)s") % {"sku": product.sku, "name": product.name},
        message=lambda: (
            _("Available %(available)s, reorder point %(point)s.")
            % {
                "available": format_quantity(totals["available"], product, unit=True),
                "point": format_quantity(product.reorder_point, product, unit=True),
            }
        ),
        link=reverse("catalog:product_detail", kwargs={"pk": product.pk}),
    )
    _email_and_publish(created)
    return created


@transaction.atomic
def notify_expiring_lots(
    *, organization_id: int, today: date | None = None, within_days: int = EXPIRY_WARNING_DAYS
) -> list[Notification]:
    """Alert once per lot when a lot with stock is within `within_days` of its expiry."""
    today = today or timezone.localdate()
    recipients = selectors.alert_recipients(organization_id=organization_id)
    created: list[Notification] = []
    lots = selectors.expiring_lots(
        organization_id=organization_id, today=today, within_days=within_days
    )
    for lot in lots:
        created += _notify(
            organization_id=organization_id,
            recipients=recipients,
            kind=NotificationKind.EXPIRING_LOT,
            dedupe_key=f"expiring_lot:{lot.pk}:{lot.expiry_date.isoformat()}",
            title=lambda lot=lot: (
                _("Lot %(lot)s of %(sku)s expires on %(date)s")
                % {
                    "lot": lot.lot_number,
                    "sku": lot.product.sku,
                    "date": format_date(lot.expiry_date),
                }
            ),
            message=lambda lot=lot: (
                _("%(quantity)s on hand.")
                % {"quantity": format_quantity(lot.on_hand_total, lot.product, unit=True)}
            ),
            link=reverse("catalog:product_detail", kwargs={"pk": lot.product_id}),
        )
    _email_and_publish(created)
    return created


@transaction.atomic
def send_daily_digest(*, organization_id: int, today: date | None = None) -> list[Notification]:
    """The morning summary for owners and managers; sent once per organization per day."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return []
    today = today or timezone.localdate()
    low = list(low_stock_products(organization=organization)[:20])
    expiring = list(
        selectors.expiring_lots(
            organization_id=organization_id, today=today, within_days=EXPIRY_WARNING_DAYS
        )[:20]
    )
    moved = selectors.movements_since(
        organization_id=organization_id, since=timezone.now() - timedelta(days=1)
    )
    value = inventory_valuation(organization=organization)

    def digest() -> str:
        return "\n".join(str(line) for line in digest_lines())

    def digest_lines() -> list[str]:
        return [
            _("Stock value: %(value)s %(currency)s")
            % {
                "value": format_money(value, organization.currency, code=False),
                "currency": organization.currency,
            },
            _("Stock movements in the last 24 hours: %(count)s") % {"count": moved},
            _("Products at or below their reorder point: %(count)s") % {"count": len(low)},
            *[
                f"  - {p.sku} {p.name}: {format_quantity(p.stock_available, p, unit=True)}"
                for p in low
            ],
            _("Lots expiring within %(days)s days: %(count)s")
            % {"days": EXPIRY_WARNING_DAYS, "count": len(expiring)},
            *[
                f"  - {lot.product.sku} {lot.lot_number}: {format_date(lot.expiry_date)}"
                for lot in expiring
            ],
        ]

    created = _notify(
        organization_id=organization_id,
        recipients=selectors.alert_recipients(organization_id=organization_id),
        kind=NotificationKind.DAILY_DIGEST,
        dedupe_key=f"digest:{today.isoformat()}",
        title=lambda: (
            _("Stockroom daily digest for %(name)s, %(date)s")
            % {"name": organization.name, "date": format_date(today)}
        ),
        message=digest,
        link=reverse("reports:dashboard"),
    )
    _email_and_publish(created)
    return created


@transaction.atomic
def notifications_mark_read(*, organization, user: User, notification_ids=None) -> int:
    """Mark the given notifications (or all of them) read; returns how many changed."""
    queryset = selectors.inbox(organization=organization, user=user).unread()
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())
