"""In-app notifications. One row per recipient; the dedupe key makes every alert idempotent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stockroom.core.models import TenantManager, TenantModel, TenantQuerySet


class NotificationKind(models.TextChoices):
    LOW_STOCK = "low_stock", _("Low stock")
    EXPIRING_LOT = "expiring_lot", _("Expiring lot")
    DAILY_DIGEST = "daily_digest", _("Daily digest")
    JOB_FINISHED = "job_finished", _("Job finished")


class NotificationQuerySet(TenantQuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(TenantModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # e.g. "low_stock:<product>:<date>": the same alert is never raised twice for a recipient.
    dedupe_key = models.CharField(max_length=150)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    objects = TenantManager.from_queryset(NotificationQuerySet)()
    unscoped = models.Manager.from_queryset(NotificationQuerySet)()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "recipient", "dedupe_key"],
                name="alerts_notification_dedupe",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "recipient", "read_at"], name="alerts_notif_inbox_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title
