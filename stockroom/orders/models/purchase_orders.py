"""Purchase orders, their lines and receipts."""

from decimal import Decimal

from simple_history.models import HistoricalRecords

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stockroom.catalog.models import COST_PLACES
from stockroom.core.models import TenantModel

from .base import (
    ZERO,
    Document,
    OrderLine,
    actor_field,
    document_constraints,
    line_constraints,
    location_field,
    lot_field,
    movement_field,
    price_field,
    quantity_field,
    status_field,
    status_index,
)


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    PARTIALLY_RECEIVED = "partially_received", _("Partially received")
    RECEIVED = "received", _("Received")
    # Partly received and ended there: what did not arrive is no longer expected.
    CLOSED = "closed", _("Closed short")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseOrder(Document):
    supplier = models.ForeignKey(
        "catalog.Supplier",
        on_delete=models.PROTECT,
        related_name="purchase_orders",
        verbose_name=_("supplier"),
    )
    status = status_field(PurchaseOrderStatus, default=PurchaseOrderStatus.DRAFT)
    expected_date = models.DateField(_("expected on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = actor_field(_("created by"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = actor_field(_("sent by"))
    emailed_to = models.EmailField(_("emailed to"), blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    received_at = models.DateTimeField(_("fully received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = actor_field(_("closed by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = actor_field(_("cancelled by"))

    history = HistoricalRecords()

    detail_url_name = "orders:purchase_order_detail"

    class Meta(Document.Meta):
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        constraints = document_constraints(
            "po",
            PurchaseOrderStatus,
            stamped=(PurchaseOrderStatus.CLOSED, PurchaseOrderStatus.CANCELLED),
            extra=(
                # Sent, or past it: every state but draft and cancelled was sent once.
                models.CheckConstraint(
                    condition=Q(
                        status__in=[PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.CANCELLED]
                    )
                    | Q(sent_at__isnull=False),
                    name="orders_po_sent_has_sent_at",
                ),
            ),
        )
        indexes = [status_index("po")]

    @property
    def total(self) -> Decimal:
        """The order's value: what was ordered, except for an order closed short, which is worth
        what was received (the rest will never be bought)."""
        if self.status == PurchaseOrderStatus.CLOSED:
            return self.received_total
        return self.ordered_total

    @property
    def ordered_total(self) -> Decimal:
        """Σ quantity × unit price, from the (prefetched) lines, rounded to the cent."""
        total = sum((line.total for line in self.lines.all()), start=ZERO)
        return total.quantize(Decimal("0.01"))

    @property
    def received_total(self) -> Decimal:
        """Σ received quantity × unit price, from the (prefetched) lines, rounded to the cent."""
        total = sum((line.received_total for line in self.lines.all()), start=ZERO)
        return total.quantize(Decimal("0.01"))

    @property
    def is_closed_short(self) -> bool:
        """Closed after a partial receipt: the page says what came and what won't."""
        return self.status == PurchaseOrderStatus.CLOSED

    @property
    def history_events(self) -> list[tuple]:
        """(label, when, who) of each transition, for the page's history."""
        emailed = _("Emailed to %(email)s") % {"email": self.emailed_to}
        return [
            (_("Created"), self.created_at, self.created_by),
            (_("Sent"), self.sent_at, self.sent_by),
            (emailed, self.emailed_at, None),
            (_("Received in full"), self.received_at, None),
            (_("Closed short"), self.closed_at, self.closed_by),
            (_("Cancelled"), self.cancelled_at, self.cancelled_by),
        ]


class PurchaseOrderLine(OrderLine):
    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        related_name="purchase_order_lines",
        verbose_name=_("product"),
    )
    quantity = quantity_field(_("quantity"))
    unit_price = price_field(COST_PLACES)
    received_quantity = quantity_field(_("received"), default=ZERO, editable=False)
    # Where this line is put away when it arrives; the receive page and API start from it.
    receiving_location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receive into"),
    )

    history = HistoricalRecords()

    class Meta(OrderLine.Meta):
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        constraints = [
            *line_constraints("poline"),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0), name="orders_poline_received_gte_0"
            ),
        ]

    @property
    def remaining(self) -> Decimal:
        return max(self.quantity - self.received_quantity, ZERO)

    @property
    def received_total(self) -> Decimal:
        return self.received_quantity * self.unit_price


class PurchaseOrderReceipt(TenantModel):
    """One receipt of one line: what came in, where, when and by whom, and its ledger movement."""

    line = models.ForeignKey(
        PurchaseOrderLine, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("line")
    )
    movement = movement_field(_("movement"), "purchase_receipt")
    location = location_field()
    lot = lot_field()
    quantity = quantity_field(_("quantity"))
    over_receipt = models.BooleanField(_("over-receipt"), default=False)
    received_at = models.DateTimeField(_("received at"))
    received_by = actor_field(_("received by"))

    class Meta:
        verbose_name = _("purchase order receipt")
        verbose_name_plural = _("purchase order receipts")
        ordering = ["received_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_poreceipt_qty_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} → {self.location_id}"
