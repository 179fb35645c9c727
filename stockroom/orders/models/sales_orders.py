"""Sales orders, their lines, stock reservations and shipments."""

from decimal import Decimal

from simple_history.models import HistoricalRecords

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from stockroom.catalog.models import MONEY_PLACES
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
    status = status_field(SalesOrderStatus, default=SalesOrderStatus.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    created_by = actor_field(_("created by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = actor_field(_("confirmed by"))
    # When the last line was shipped in full (a partial shipment leaves these empty).
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    shipped_by = actor_field(_("shipped by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = actor_field(_("cancelled by"))

    history = HistoricalRecords()

    detail_url_name = "orders:sales_order_detail"

    class Meta(Document.Meta):
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        constraints = document_constraints(
            "so",
            SalesOrderStatus,
            stamped=(
                SalesOrderStatus.CONFIRMED,
                SalesOrderStatus.SHIPPED,
                SalesOrderStatus.CANCELLED,
            ),
        )
        indexes = [status_index("so")]

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
    quantity = quantity_field(_("quantity"))
    unit_price = price_field(MONEY_PLACES)
    # What could not be reserved when the order was confirmed with backorders allowed.
    backordered_quantity = quantity_field(_("backordered"), default=ZERO, editable=False)
    shipped_quantity = quantity_field(_("shipped"), default=ZERO, editable=False)

    history = HistoricalRecords()

    class Meta(OrderLine.Meta):
        verbose_name = _("sales order line")
        verbose_name_plural = _("sales order lines")
        constraints = [
            *line_constraints("soline"),
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
    location = location_field()
    lot = lot_field()
    quantity = quantity_field(_("quantity"))
    reserved_at = models.DateTimeField(_("reserved at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    shipment = movement_field(_("shipment movement"), "sales_reservation", null=True, blank=True)

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
    shipped_by = actor_field(_("shipped by"))

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
    location = location_field()
    lot = lot_field()
    quantity = quantity_field(_("quantity"))
    movement = movement_field(_("movement"), "shipment_line")

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_shpline_qty_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} @ {self.location_id}"
