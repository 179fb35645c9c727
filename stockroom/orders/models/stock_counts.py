"""Stock counts and their lines."""

from simple_history.models import HistoricalRecords

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stockroom.core.models import TenantModel

from .base import (
    Document,
    actor_field,
    document_constraints,
    location_field,
    lot_field,
    movement_field,
    quantity_field,
    status_field,
    status_index,
)


class StockCountStatus(models.TextChoices):
    COUNTING = "counting", _("Counting")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


class StockCount(Document):
    """A count sheet of one location, or of every location of a warehouse."""

    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.RESTRICT,
        related_name="stock_counts",
        verbose_name=_("warehouse"),
    )
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="stock_counts",
        verbose_name=_("location"),
        help_text=_("Leave empty to count the whole warehouse."),
    )
    status = status_field(StockCountStatus, default=StockCountStatus.COUNTING)
    notes = models.TextField(_("notes"), blank=True)
    created_by = actor_field(_("created by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = actor_field(_("submitted by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = actor_field(_("approved by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = actor_field(_("cancelled by"))

    history = HistoricalRecords()

    detail_url_name = "orders:stock_count_detail"

    class Meta(Document.Meta):
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        constraints = document_constraints(
            "count",
            StockCountStatus,
            stamped=(StockCountStatus.APPROVED, StockCountStatus.CANCELLED),
        )
        indexes = [status_index("count")]

    @property
    def is_posted(self) -> bool:
        """Approved: its variances are in the ledger."""
        return self.status == StockCountStatus.APPROVED

    @property
    def is_closed(self) -> bool:
        """Approved or cancelled: nothing on the sheet changes any more."""
        return self.status in (StockCountStatus.APPROVED, StockCountStatus.CANCELLED)

    @property
    def scope_label(self) -> str:
        location = self.location
        return location.label if location is not None else str(self.warehouse)

    @property
    def history_events(self) -> list[tuple]:
        return [
            (_("Created"), self.created_at, self.created_by),
            (_("Submitted"), self.submitted_at, self.submitted_by),
            (_("Approved"), self.approved_at, self.approved_by),
            (_("Cancelled"), self.cancelled_at, self.cancelled_by),
        ]


class StockCountLine(TenantModel):
    count = models.ForeignKey(
        StockCount, on_delete=models.CASCADE, related_name="lines", verbose_name=_("count")
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.RESTRICT, related_name="+", verbose_name=_("product")
    )
    location = location_field()
    lot = lot_field()
    # On hand when the sheet was made; the variance posted on approval uses the on hand then.
    expected_quantity = quantity_field(_("expected"))
    counted_quantity = quantity_field(_("counted"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    counted_by = actor_field(_("counted by"))
    posted_variance = quantity_field(_("posted variance"), null=True, blank=True, editable=False)
    adjustment = movement_field(_("count movement"), "count_line", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stock count line")
        verbose_name_plural = _("stock count lines")
        ordering = ["count_id", "location_id", "product_id", "lot_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["count", "product", "location", "lot"], name="orders_countline_unique"
            ),
            models.UniqueConstraint(
                fields=["count", "product", "location"],
                condition=Q(lot__isnull=True),
                name="orders_countline_unique_no_lot",
            ),
            models.CheckConstraint(
                condition=Q(expected_quantity__gte=0), name="orders_countline_expected_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(counted_quantity__isnull=True) | Q(counted_quantity__gte=0),
                name="orders_countline_counted_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count_id}: {self.product_id} @ {self.location_id}"
