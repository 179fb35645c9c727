"""Purchase orders, sales orders (with their stock reservations) and stock counts.

Rows here only record documents and their state; every change of stock goes through the
inventory services, and every change of state through `orders.services`.
"""

from decimal import Decimal

from simple_history.models import HistoricalRecords

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from stockroom.catalog.models import (
    COST_PLACES,
    MONEY_DIGITS,
    MONEY_PLACES,
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
)
from stockroom.core.models import TenantModel
from stockroom.core.reversing import pk_url

ZERO = Decimal("0")

# What one order may say. Well inside the columns (11 integer digits of quantity, 10 of price) and
# far below what a total can reach before a serializer, a report or a spreadsheet loses digits, so
# a typo of a few extra zeros is refused with a message instead of stored as an absurd order.
MAX_LINE_QUANTITY = Decimal("1000000000")
MAX_UNIT_PRICE = Decimal("1000000000")
MAX_ORDER_TOTAL = Decimal("1000000000000")


def _limit(value: Decimal) -> str:
    return number_format(value, 0, force_grouping=True)


def line_quantity_message() -> str:
    return _("Enter a quantity of at most %(limit)s.") % {"limit": _limit(MAX_LINE_QUANTITY)}


def unit_price_message() -> str:
    return _("Enter a unit price of at most %(limit)s.") % {"limit": _limit(MAX_UNIT_PRICE)}


def line_total_message() -> str:
    return _("The line total (quantity × unit price) is over the limit of %(limit)s.") % {
        "limit": _limit(MAX_ORDER_TOTAL)
    }


def order_total_message() -> str:
    return _("The order total is over the limit of %(limit)s.") % {"limit": _limit(MAX_ORDER_TOTAL)}


def line_bound_errors(quantity: Decimal | None, unit_price: Decimal | None) -> dict[str, list]:
    """The order limits one line breaks, by field; the line total is a non-field error."""
    errors: dict[str, list] = {}
    if quantity is not None and quantity > MAX_LINE_QUANTITY:
        errors["quantity"] = [line_quantity_message()]
    if unit_price is not None and unit_price > MAX_UNIT_PRICE:
        errors["unit_price"] = [unit_price_message()]
    both = quantity is not None and unit_price is not None
    if not errors and both and quantity * unit_price > MAX_ORDER_TOTAL:
        errors[NON_FIELD_ERRORS] = [line_total_message()]
    return errors


def _quantity_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, **kwargs
    )


def _actor_field(verbose_name) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class DocumentSequence(TenantModel):
    """The last number handed out per organization and document prefix (PO, SO, CNT)."""

    prefix = models.CharField(_("prefix"), max_length=8)
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("document sequence")
        verbose_name_plural = _("document sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "prefix"], name="orders_sequence_unique_prefix"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.last_value}"


# --- purchase orders -----------------------------------------------------------------------------


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    PARTIALLY_RECEIVED = "partially_received", _("Partially received")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseOrder(TenantModel):
    number = models.CharField(_("number"), max_length=20, editable=False)
    supplier = models.ForeignKey(
        "catalog.Supplier",
        on_delete=models.PROTECT,
        related_name="purchase_orders",
        verbose_name=_("supplier"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PurchaseOrderStatus.choices,
        default=PurchaseOrderStatus.DRAFT,
    )
    expected_date = models.DateField(_("expected on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = _actor_field(_("created by"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = _actor_field(_("sent by"))
    emailed_to = models.EmailField(_("emailed to"), blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    received_at = models.DateTimeField(_("fully received at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = _actor_field(_("cancelled by"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="orders_po_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PurchaseOrderStatus.values), name="orders_po_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.CANCELLED])
                | Q(sent_at__isnull=False),
                name="orders_po_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=PurchaseOrderStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="orders_po_cancelled_has_cancelled_at",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="orders_po_org_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return pk_url("orders:purchase_order_detail", self.pk)

    @property
    def total(self) -> Decimal:
        """Σ quantity × unit price, from the (prefetched) lines, rounded to the cent."""
        total = sum((line.total for line in self.lines.all()), start=ZERO)
        return total.quantize(Decimal("0.01"))

    @property
    def received_total(self) -> Decimal:
        """Σ received quantity × unit price, from the (prefetched) lines, rounded to the cent."""
        total = sum((line.received_total for line in self.lines.all()), start=ZERO)
        return total.quantize(Decimal("0.01"))

    @property
    def is_cancelled_after_receipts(self) -> bool:
        """Cancelled with some stock already in: the page must say what came and what won't."""
        return self.status == PurchaseOrderStatus.CANCELLED and any(
            line.received_quantity > 0 for line in self.lines.all()
        )

    @property
    def history_events(self) -> list[tuple]:
        """(label, when, who) of each transition, for the page's history."""
        emailed = _("Emailed to %(email)s") % {"email": self.emailed_to}
        return [
            (_("Created"), self.created_at, self.created_by),
            (_("Sent"), self.sent_at, self.sent_by),
            (emailed, self.emailed_at, None),
            (_("Received in full"), self.received_at, None),
            (_("Cancelled"), self.cancelled_at, self.cancelled_by),
        ]


class PurchaseOrderLine(TenantModel):
    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        related_name="purchase_order_lines",
        verbose_name=_("product"),
    )
    quantity = _quantity_field(_("quantity"))
    unit_price = models.DecimalField(
        _("unit price"), max_digits=MONEY_DIGITS, decimal_places=COST_PLACES
    )
    received_quantity = _quantity_field(_("received"), default=ZERO, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["order_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="orders_poline_one_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_poline_qty_gt_0"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="orders_poline_price_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0), name="orders_poline_received_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} × {self.product_id}"

    def clean(self) -> None:
        errors = line_bound_errors(self.quantity, self.unit_price)
        if errors:
            raise ValidationError(errors)

    @property
    def remaining(self) -> Decimal:
        return max(self.quantity - self.received_quantity, ZERO)

    @property
    def total(self) -> Decimal:
        return self.quantity * self.unit_price

    @property
    def received_total(self) -> Decimal:
        return self.received_quantity * self.unit_price


class PurchaseOrderReceipt(TenantModel):
    """One receipt of one line: what came in, where, when and by whom, and its ledger movement."""

    line = models.ForeignKey(
        PurchaseOrderLine, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("line")
    )
    movement = models.OneToOneField(
        "inventory.StockMovement",
        on_delete=models.RESTRICT,
        related_name="purchase_receipt",
        verbose_name=_("movement"),
    )
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("location"),
    )
    lot = models.ForeignKey(
        "inventory.Lot",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lot"),
    )
    quantity = _quantity_field(_("quantity"))
    over_receipt = models.BooleanField(_("over-receipt"), default=False)
    received_at = models.DateTimeField(_("received at"))
    received_by = _actor_field(_("received by"))

    class Meta:
        verbose_name = _("purchase order receipt")
        verbose_name_plural = _("purchase order receipts")
        ordering = ["received_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_poreceipt_qty_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} → {self.location_id}"


# --- sales orders --------------------------------------------------------------------------------


class SalesOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")


class SalesOrder(TenantModel):
    number = models.CharField(_("number"), max_length=20, editable=False)
    customer = models.ForeignKey(
        "catalog.Customer",
        on_delete=models.PROTECT,
        related_name="sales_orders",
        verbose_name=_("customer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SalesOrderStatus.choices, default=SalesOrderStatus.DRAFT
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = _actor_field(_("created by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = _actor_field(_("confirmed by"))
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    shipped_by = _actor_field(_("shipped by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = _actor_field(_("cancelled by"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="orders_so_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SalesOrderStatus.values), name="orders_so_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=SalesOrderStatus.CONFIRMED) | Q(confirmed_at__isnull=False),
                name="orders_so_confirmed_has_confirmed_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=SalesOrderStatus.SHIPPED) | Q(shipped_at__isnull=False),
                name="orders_so_shipped_has_shipped_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=SalesOrderStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="orders_so_cancelled_has_cancelled_at",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="orders_so_org_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return pk_url("orders:sales_order_detail", self.pk)

    @property
    def is_pick_list(self) -> bool:
        """Confirmed and not yet shipped: its print is the list the warehouse picks from."""
        return self.status == SalesOrderStatus.CONFIRMED

    @property
    def total(self) -> Decimal:
        total = sum((line.total for line in self.lines.all()), start=ZERO)
        return total.quantize(Decimal("0.01"))

    @property
    def backordered_quantity(self) -> Decimal:
        return sum((line.backordered_quantity for line in self.lines.all()), start=ZERO)

    @property
    def history_events(self) -> list[tuple]:
        return [
            (_("Created"), self.created_at, self.created_by),
            (_("Confirmed"), self.confirmed_at, self.confirmed_by),
            (_("Shipped"), self.shipped_at, self.shipped_by),
            (_("Cancelled"), self.cancelled_at, self.cancelled_by),
        ]


class SalesOrderLine(TenantModel):
    order = models.ForeignKey(
        SalesOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        related_name="sales_order_lines",
        verbose_name=_("product"),
    )
    quantity = _quantity_field(_("quantity"))
    unit_price = models.DecimalField(
        _("unit price"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES
    )
    # What could not be reserved when the order was confirmed with backorders allowed.
    backordered_quantity = _quantity_field(_("backordered"), default=ZERO, editable=False)
    shipped_quantity = _quantity_field(_("shipped"), default=ZERO, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sales order line")
        verbose_name_plural = _("sales order lines")
        ordering = ["order_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="orders_soline_one_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_soline_qty_gt_0"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="orders_soline_price_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(backordered_quantity__gte=0)
                & Q(backordered_quantity__lte=F("quantity")),
                name="orders_soline_backorder_range",
            ),
            models.CheckConstraint(
                condition=Q(shipped_quantity__gte=0) & Q(shipped_quantity__lte=F("quantity")),
                name="orders_soline_shipped_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} × {self.product_id}"

    def clean(self) -> None:
        errors = line_bound_errors(self.quantity, self.unit_price)
        if errors:
            raise ValidationError(errors)

    @property
    def total(self) -> Decimal:
        return self.quantity * self.unit_price


class SalesOrderReservation(TenantModel):
    """Stock set aside for a line in one location (and lot). Open until shipped or released."""

    line = models.ForeignKey(
        SalesOrderLine,
        on_delete=models.CASCADE,
        related_name="reservations",
        verbose_name=_("line"),
    )
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("location"),
    )
    lot = models.ForeignKey(
        "inventory.Lot",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lot"),
    )
    quantity = _quantity_field(_("quantity"))
    reserved_at = models.DateTimeField(_("reserved at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    shipment = models.OneToOneField(
        "inventory.StockMovement",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="sales_reservation",
        verbose_name=_("shipment movement"),
    )

    class Meta:
        verbose_name = _("sales order reservation")
        verbose_name_plural = _("sales order reservations")
        ordering = ["line_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_soreserv_qty_gt_0"),
        ]
        indexes = [
            models.Index(fields=["organization", "closed_at"], name="orders_soreserv_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} @ {self.location_id}"


# --- stock counts --------------------------------------------------------------------------------


class StockCountStatus(models.TextChoices):
    COUNTING = "counting", _("Counting")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


class StockCount(TenantModel):
    """A count sheet of one location, or of every location of a warehouse."""

    number = models.CharField(_("number"), max_length=20, editable=False)
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
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=StockCountStatus.choices,
        default=StockCountStatus.COUNTING,
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = _actor_field(_("created by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = _actor_field(_("submitted by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = _actor_field(_("approved by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = _actor_field(_("cancelled by"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="orders_count_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=StockCountStatus.values), name="orders_count_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=StockCountStatus.APPROVED) | Q(approved_at__isnull=False),
                name="orders_count_approved_has_approved_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=StockCountStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="orders_count_cancelled_has_cancelled_at",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="orders_count_org_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return pk_url("orders:stock_count_detail", self.pk)

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
        return self.location.label if self.location_id else str(self.warehouse)

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
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("location"),
    )
    lot = models.ForeignKey(
        "inventory.Lot",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lot"),
    )
    # On hand when the sheet was made; the variance posted on approval uses the on hand then.
    expected_quantity = _quantity_field(_("expected"))
    counted_quantity = _quantity_field(_("counted"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    counted_by = _actor_field(_("counted by"))
    posted_variance = _quantity_field(_("posted variance"), null=True, blank=True, editable=False)
    adjustment = models.OneToOneField(
        "inventory.StockMovement",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="count_line",
        verbose_name=_("count movement"),
    )

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
