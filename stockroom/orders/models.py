"""Purchase orders, sales orders (with their stock reservations) and stock counts.

Rows here only record documents and their state; every change of stock goes through the
inventory services, and every change of state through `orders.services`.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from simple_history.models import HistoricalRecords

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
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

from .limits import line_bound_errors

if TYPE_CHECKING:
    from stockroom.accounts.models import User
    from stockroom.inventory.models import Location, Lot, StockMovement

ZERO = Decimal("0")


def _quantity_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, **kwargs
    )


def _status_field(status: type[models.TextChoices], default: str) -> "models.CharField[str, str]":
    return models.CharField(_("status"), max_length=20, choices=status.choices, default=default)


def _price_field(places: int) -> "models.DecimalField[Decimal, Decimal]":
    return models.DecimalField(_("unit price"), max_digits=MONEY_DIGITS, decimal_places=places)


def _actor_field(verbose_name) -> "models.ForeignKey[User | None, User | None]":
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


def _movement_field(
    verbose_name, related_name: str, **kwargs
) -> "models.OneToOneField[StockMovement | None, StockMovement | None]":
    return models.OneToOneField(
        "inventory.StockMovement",
        on_delete=models.RESTRICT,
        related_name=related_name,
        verbose_name=verbose_name,
        **kwargs,
    )


def _location_field() -> "models.ForeignKey[Location, Location]":
    return models.ForeignKey(
        "inventory.Location",
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("location"),
    )


def _lot_field() -> "models.ForeignKey[Lot | None, Lot | None]":
    return models.ForeignKey(
        "inventory.Lot",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lot"),
    )


def _document_constraints(
    prefix: str,
    status: type[models.TextChoices],
    *,
    stamped: tuple[str, ...],
    extra: tuple[models.BaseConstraint, ...] = (),
) -> list[models.BaseConstraint]:
    """A document's number is unique in its organization and its state is one of `status`;
    each state in `stamped` has its `<state>_at` timestamp."""
    return [
        models.UniqueConstraint(
            fields=["organization", "number"], name=f"orders_{prefix}_number_unique"
        ),
        models.CheckConstraint(
            condition=Q(status__in=status.values), name=f"orders_{prefix}_status_valid"
        ),
        *extra,
        *(
            models.CheckConstraint(
                condition=~Q(status=state) | Q(**{f"{state}_at__isnull": False}),
                name=f"orders_{prefix}_{state}_has_{state}_at",
            )
            for state in stamped
        ),
    ]


def _status_index(prefix: str) -> models.Index:
    return models.Index(fields=["organization", "status"], name=f"orders_{prefix}_org_status_idx")


class Document(TenantModel):
    """What purchase orders, sales orders and stock counts share: a number per organization
    (the page title and the reference on the stock ledger) and a detail page."""

    number = models.CharField(_("number"), max_length=20, editable=False)

    detail_url_name: ClassVar[str]

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return pk_url(self.detail_url_name, self.pk)


class OrderLine(TenantModel):
    """What purchase and sales order lines share: a quantity of a product at a unit price,
    within the order limits. The fields stay on each model, in their own order (the history
    page lists a line's changes in that order)."""

    order_id: int
    product_id: int
    quantity: Decimal
    unit_price: Decimal

    class Meta:
        abstract = True
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} × {self.product_id}"

    def clean(self) -> None:
        errors = line_bound_errors(self.quantity, self.unit_price)
        if errors:
            raise ValidationError(errors)

    @property
    def total(self) -> Decimal:
        return self.quantity * self.unit_price


def _line_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(fields=["order", "product"], name=f"orders_{prefix}_one_product"),
        models.CheckConstraint(condition=Q(quantity__gt=0), name=f"orders_{prefix}_qty_gt_0"),
        models.CheckConstraint(condition=Q(unit_price__gte=0), name=f"orders_{prefix}_price_gte_0"),
    ]


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
    status = _status_field(PurchaseOrderStatus, default=PurchaseOrderStatus.DRAFT)
    expected_date = models.DateField(_("expected on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = _actor_field(_("created by"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = _actor_field(_("sent by"))
    emailed_to = models.EmailField(_("emailed to"), blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    received_at = models.DateTimeField(_("fully received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = _actor_field(_("closed by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = _actor_field(_("cancelled by"))

    history = HistoricalRecords()

    detail_url_name = "orders:purchase_order_detail"

    class Meta(Document.Meta):
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        constraints = _document_constraints(
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
        indexes = [_status_index("po")]

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
    quantity = _quantity_field(_("quantity"))
    unit_price = _price_field(COST_PLACES)
    received_quantity = _quantity_field(_("received"), default=ZERO, editable=False)
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
            *_line_constraints("poline"),
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
    movement = _movement_field(_("movement"), "purchase_receipt")
    location = _location_field()
    lot = _lot_field()
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
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")


class SalesOrder(Document):
    customer = models.ForeignKey(
        "catalog.Customer",
        on_delete=models.PROTECT,
        related_name="sales_orders",
        verbose_name=_("customer"),
    )
    status = _status_field(SalesOrderStatus, default=SalesOrderStatus.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    created_by = _actor_field(_("created by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = _actor_field(_("confirmed by"))
    # When the last line was shipped in full (a partial shipment leaves these empty).
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    shipped_by = _actor_field(_("shipped by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = _actor_field(_("cancelled by"))

    history = HistoricalRecords()

    detail_url_name = "orders:sales_order_detail"

    class Meta(Document.Meta):
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        constraints = _document_constraints(
            "so",
            SalesOrderStatus,
            stamped=(
                SalesOrderStatus.CONFIRMED,
                SalesOrderStatus.SHIPPED,
                SalesOrderStatus.CANCELLED,
            ),
        )
        indexes = [_status_index("so")]

    @property
    def is_pick_list(self) -> bool:
        """Confirmed and not yet shipped in full: its print is the list the warehouse picks
        from."""
        return self.status in (SalesOrderStatus.CONFIRMED, SalesOrderStatus.PARTIALLY_SHIPPED)

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
            (_("Shipped in full"), self.shipped_at, self.shipped_by),
            (_("Cancelled"), self.cancelled_at, self.cancelled_by),
        ]


class SalesOrderLine(OrderLine):
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
    unit_price = _price_field(MONEY_PLACES)
    # What could not be reserved when the order was confirmed with backorders allowed.
    backordered_quantity = _quantity_field(_("backordered"), default=ZERO, editable=False)
    shipped_quantity = _quantity_field(_("shipped"), default=ZERO, editable=False)

    history = HistoricalRecords()

    class Meta(OrderLine.Meta):
        verbose_name = _("sales order line")
        verbose_name_plural = _("sales order lines")
        constraints = [
            *_line_constraints("soline"),
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

    @property
    def unshipped_quantity(self) -> Decimal:
        return max(self.quantity - self.shipped_quantity, ZERO)


class SalesOrderReservation(TenantModel):
    """Stock set aside for a line in one location (and lot). Open until shipped or released."""

    line = models.ForeignKey(
        SalesOrderLine,
        on_delete=models.CASCADE,
        related_name="reservations",
        verbose_name=_("line"),
    )
    location = _location_field()
    lot = _lot_field()
    quantity = _quantity_field(_("quantity"))
    reserved_at = models.DateTimeField(_("reserved at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    shipment = _movement_field(_("shipment movement"), "sales_reservation", null=True, blank=True)

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


class Shipment(Document):
    """One parcel of a sales order: what left, from where, with which carrier. An order may
    have several; its lines' shipped quantities are the sums of theirs."""

    order = models.ForeignKey(
        SalesOrder, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("order")
    )
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    shipped_at = models.DateTimeField(_("shipped at"))
    shipped_by = _actor_field(_("shipped by"))

    class Meta(Document.Meta):
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="orders_shp_number_unique"
            ),
        ]

    def get_absolute_url(self) -> str:
        # A shipment is read on its order's page, in the Shipments section.
        return f"{self.order.get_absolute_url()}#shipment-{self.pk}"


class ShipmentLine(TenantModel):
    """What one shipment took of one order line from one location (and lot), and the ledger
    movement that issued it."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment")
    )
    line = models.ForeignKey(
        SalesOrderLine,
        on_delete=models.CASCADE,
        related_name="shipment_lines",
        verbose_name=_("order line"),
    )
    location = _location_field()
    lot = _lot_field()
    quantity = _quantity_field(_("quantity"))
    movement = _movement_field(_("movement"), "shipment_line")

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_shpline_qty_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} @ {self.location_id}"


# --- stock counts --------------------------------------------------------------------------------


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
    status = _status_field(StockCountStatus, default=StockCountStatus.COUNTING)
    notes = models.TextField(_("notes"), blank=True)
    created_by = _actor_field(_("created by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = _actor_field(_("submitted by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = _actor_field(_("approved by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = _actor_field(_("cancelled by"))

    history = HistoricalRecords()

    detail_url_name = "orders:stock_count_detail"

    class Meta(Document.Meta):
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        constraints = _document_constraints(
            "count",
            StockCountStatus,
            stamped=(StockCountStatus.APPROVED, StockCountStatus.CANCELLED),
        )
        indexes = [_status_index("count")]

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
    location = _location_field()
    lot = _lot_field()
    # On hand when the sheet was made; the variance posted on approval uses the on hand then.
    expected_quantity = _quantity_field(_("expected"))
    counted_quantity = _quantity_field(_("counted"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    counted_by = _actor_field(_("counted by"))
    posted_variance = _quantity_field(_("posted variance"), null=True, blank=True, editable=False)
    adjustment = _movement_field(_("count movement"), "count_line", null=True, blank=True)

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
