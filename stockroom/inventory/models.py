"""Places (warehouses, bins), lots, stock levels and the append-only stock ledger.

Foreign keys that would orphan stock history use RESTRICT rather than PROTECT: a warehouse,
location, product or lot with stock rows still cannot be deleted on its own (RestrictedError,
an IntegrityError), but deleting a whole organization cascades through everything it owns.
PROTECT would refuse that too, because the collector does not look at what else is being deleted.
"""

from decimal import Decimal
from typing import ClassVar

from simple_history.models import HistoricalRecords

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from stockroom.catalog.models import COST_PLACES, MONEY_DIGITS, QUANTITY_DIGITS, QUANTITY_PLACES
from stockroom.core.exceptions import ApplicationError
from stockroom.core.models import TenantManager, TenantModel, TenantQuerySet
from stockroom.core.reversing import pk_url

ZERO = Decimal("0")


def text_length(model: type[models.Model], name: str) -> int:
    """The max_length of a CharField: services check input against it to refuse with a message
    naming the field, where the database would only fail."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


class ActiveQuerySet(TenantQuerySet):
    def active(self) -> "ActiveQuerySet":
        return self.filter(is_active=True)


ActiveManager = TenantManager.from_queryset(ActiveQuerySet)
UnscopedActiveManager = models.Manager.from_queryset(ActiveQuerySet)


class Warehouse(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=20)
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects: ClassVar[ActiveManager] = ActiveManager()
    unscoped: ClassVar[UnscopedActiveManager] = UnscopedActiveManager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="inventory_warehouse_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def get_absolute_url(self) -> str:
        return pk_url("inventory:warehouse_detail", self.pk)


class Location(TenantModel):
    """A bin, shelf or zone inside a warehouse; locations form a tree per warehouse."""

    warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.RESTRICT,
        related_name="locations",
        verbose_name=_("warehouse"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent location"),
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects: ClassVar[ActiveManager] = ActiveManager()
    unscoped: ClassVar[UnscopedActiveManager] = UnscopedActiveManager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["warehouse__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "code"], name="inventory_location_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @staticmethod
    def format_label(warehouse_code: str, code: str) -> str:
        """The one way a bin is named on pages, pickers, exports and label sheets: "MAIN/A-01".
        Static so code holding only the two codes (a values_list row) names it the same way."""
        return f"{warehouse_code}/{code}"

    @property
    def label(self) -> str:
        return self.format_label(self.warehouse.code, self.code)

    def get_absolute_url(self) -> str:
        return pk_url("inventory:location_detail", self.pk)

    def clean(self) -> None:
        super().clean()
        if (
            self.warehouse_id
            and self.organization_id
            and self.warehouse.organization_id != self.organization_id
        ):
            raise ValidationError({"warehouse": _("Choose a warehouse of this organization.")})
        if self.parent is None:
            return
        if self.parent.warehouse_id != self.warehouse_id:
            raise ValidationError(
                {"parent": _("The parent location must be in the same warehouse.")}
            )
        ancestor: Location | None = self.parent
        seen: set[int] = set()
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A location cannot be inside itself.")})
            if ancestor.pk in seen:
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Lot(TenantModel):
    """A batch of a lot-tracked product, with its expiry date when it has one."""

    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.RESTRICT,
        related_name="lots",
        verbose_name=_("product"),
    )
    lot_number = models.CharField(_("lot number"), max_length=64)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["expiry_date", "lot_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "lot_number"], name="inventory_lot_number_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "expiry_date"], name="inventory_lot_org_expiry_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.lot_number


class StockLevel(TenantModel):
    """The balance of one product (and lot) in one location. Only services change it."""

    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.RESTRICT,
        related_name="stock_levels",
        verbose_name=_("product"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.RESTRICT,
        related_name="stock_levels",
        verbose_name=_("location"),
    )
    lot = models.ForeignKey(
        Lot,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="stock_levels",
        verbose_name=_("lot"),
    )
    on_hand = models.DecimalField(
        _("on hand"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, default=ZERO
    )
    reserved = models.DecimalField(
        _("reserved"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, default=ZERO
    )

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["product_id", "location_id", "lot_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_hand__gte=0), name="inventory_stocklevel_on_hand_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="inventory_stocklevel_reserved_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")),
                name="inventory_stocklevel_reserved_lte_on_hand",
            ),
            models.UniqueConstraint(
                fields=["product", "location", "lot"], name="inventory_stocklevel_unique"
            ),
            # NULLs are distinct in a unique index, so rows without a lot need their own.
            models.UniqueConstraint(
                fields=["product", "location"],
                condition=Q(lot__isnull=True),
                name="inventory_stocklevel_unique_no_lot",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "product"], name="inventory_sl_org_product_idx"),
            # The stocked rows of the products a search matched: an index-only probe per product
            # to count them, where the index above visits every row to check its quantity.
            models.Index(
                fields=["organization", "product"],
                condition=Q(on_hand__gt=0),
                name="inventory_sl_stocked_prod_idx",
            ),
            models.Index(fields=["organization", "location"], name="inventory_sl_org_location_idx"),
            # "Products in stock" and the on-hand and reserved sums per location and warehouse:
            # an index-only scan of the stocked rows instead of every row of the organization.
            # A row with nothing on hand has nothing reserved either, so the sums lose nothing.
            models.Index(
                fields=["location", "product"],
                include=["on_hand", "reserved"],
                condition=Q(on_hand__gt=0),
                name="inventory_sl_stocked_cover_idx",
            ),
        ]

    def __str__(self) -> str:
        lot = f" [{self.lot}]" if self.lot_id else ""
        return f"{self.product} @ {self.location}{lot}: {self.on_hand}"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    # A sale (a sales order shipped): the outflow the demand figures count (see demand()).
    SHIPMENT = "shipment", _("Shipment")
    # Stock taken out by hand (use, samples, loss): not a sale.
    ISSUE = "issue", pgettext_lazy("movement kind", "Issue")
    TRANSFER = "transfer", _("Transfer")
    ADJUSTMENT = "adjustment", _("Adjustment")
    COUNT = "count", _("Count")


class IssueReason(models.TextChoices):
    """Why stock was issued by hand. Every issue has one; no other kind of movement does."""

    CONSUMPTION = "consumption", _("Consumption")
    SAMPLE = "sample", _("Sample")
    DAMAGE = "damage", _("Damage")
    SCRAP = "scrap", _("Scrap")
    OTHER = "other", pgettext_lazy("issue reason", "Other")


class LedgerImmutableError(ApplicationError):
    """Raised on any attempt to change or delete a posted stock movement."""

    def __init__(self) -> None:
        super().__init__(
            gettext("Stock movements are a permanent record and cannot be changed or deleted."),
            code="append_only",
        )


class StockMovementQuerySet(TenantQuerySet):
    """The ledger refuses bulk updates and deletes. Cascading deletion of an organization is
    unaffected: Django's collector deletes through the base manager's plain QuerySet."""

    def demand(self, *, include_consumption: bool) -> "StockMovementQuerySet":
        """The movements that count as demand: sales (shipments), and consumption issues when
        the organization counts them (Organization.demand_includes_consumption)."""
        condition = Q(kind=MovementKind.SHIPMENT)
        if include_consumption:
            condition |= Q(kind=MovementKind.ISSUE, reason_code=IssueReason.CONSUMPTION)
        return self.filter(condition)

    def update(self, **kwargs):
        raise LedgerImmutableError()

    def delete(self):
        raise LedgerImmutableError()

    # Django reads this attribute of a QuerySet method to keep it off the manager; mypy does
    # not model attributes set on functions.
    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


StockMovementManager = TenantManager.from_queryset(StockMovementQuerySet)
UnscopedStockMovementManager = models.Manager.from_queryset(StockMovementQuerySet)


class StockMovement(TenantModel):
    """One posted change of stock. Append-only: corrections are new movements."""

    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.RESTRICT,
        related_name="movements",
        verbose_name=_("product"),
    )
    lot = models.ForeignKey(
        Lot,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("lot"),
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES
    )
    from_location = models.ForeignKey(
        Location,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="outgoing_movements",
        verbose_name=_("from location"),
    )
    to_location = models.ForeignKey(
        Location,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="incoming_movements",
        verbose_name=_("to location"),
    )
    unit_cost = models.DecimalField(
        _("unit cost"), max_digits=MONEY_DIGITS, decimal_places=COST_PLACES, null=True, blank=True
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    reason_code = models.CharField(
        _("reason code"), max_length=16, choices=IssueReason.choices, blank=True
    )
    # NULL, not "", when absent: the unique constraint only applies to keys that were given.
    idempotency_key = models.CharField(  # noqa: DJ001
        _("idempotency key"), max_length=100, null=True, blank=True
    )
    # Whose keys the key is unique among: the posting user's pk (0 without a user). A column of
    # its own, not user_id: user_id becomes NULL when the user is deleted, and NULLs never
    # collide in a unique constraint.
    idempotency_scope = models.PositiveBigIntegerField(_("idempotency scope"), default=0)

    objects: ClassVar[StockMovementManager] = StockMovementManager()
    unscoped: ClassVar[UnscopedStockMovementManager] = UnscopedStockMovementManager()

    # True on the movement a service returns for an idempotency key posted before: nothing new
    # was written (the API answers such a retry with the Idempotent-Replayed header).
    replayed = False

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="inventory_movement_quantity_gt_0"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=MovementKind.RECEIPT,
                        from_location__isnull=True,
                        to_location__isnull=False,
                    )
                    | Q(
                        kind__in=[MovementKind.SHIPMENT, MovementKind.ISSUE],
                        from_location__isnull=False,
                        to_location__isnull=True,
                    )
                    | (
                        Q(
                            kind=MovementKind.TRANSFER,
                            from_location__isnull=False,
                            to_location__isnull=False,
                        )
                        & ~Q(from_location=F("to_location"))
                    )
                    | (
                        Q(kind__in=[MovementKind.ADJUSTMENT, MovementKind.COUNT])
                        & (
                            Q(from_location__isnull=True, to_location__isnull=False)
                            | Q(from_location__isnull=False, to_location__isnull=True)
                        )
                    )
                ),
                name="inventory_movement_kind_locations",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=MovementKind.ISSUE, reason_code__in=IssueReason.values)
                    | (~Q(kind=MovementKind.ISSUE) & Q(reason_code=""))
                ),
                name="inventory_movement_issue_reason_code",
            ),
            models.UniqueConstraint(
                fields=["organization", "idempotency_scope", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="inventory_movement_idempotency_unique",
            ),
        ]
        indexes = [
            models.Index(
                "organization",
                "product",
                F("occurred_at").desc(),
                name="inventory_mv_org_prod_time_idx",
            ),
            # The ledger's own order, newest first, to the id: a deep page reads its ids from
            # this index alone (see DeferredJoinPaginator) before joining its 25 rows.
            models.Index(
                "organization",
                F("occurred_at").desc(),
                F("id").desc(),
                name="inventory_mv_org_time_id_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} × {self.product_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerImmutableError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutableError()

    @property
    def signed_quantity(self) -> Decimal:
        """The quantity as seen by the whole product: receipts +, shipments −, transfers 0."""
        if self.from_location_id and not self.to_location_id:
            return -self.quantity
        if self.to_location_id and not self.from_location_id:
            return self.quantity
        return ZERO
