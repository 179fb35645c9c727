"""What the order documents share: the document and line bases, field helpers, numbering."""

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stockroom.catalog.models import MONEY_DIGITS, QUANTITY_DIGITS, QUANTITY_PLACES
from stockroom.core.models import TenantModel
from stockroom.core.reversing import pk_url

from ..limits import line_bound_errors

if TYPE_CHECKING:
    from stockroom.accounts.models import User
    from stockroom.inventory.models import Location, Lot, StockMovement

ZERO = Decimal("0")


def quantity_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, **kwargs
    )


def status_field(status: type[models.TextChoices], default: str) -> "models.CharField[str, str]":
    return models.CharField(_("status"), max_length=20, choices=status.choices, default=default)


def price_field(places: int) -> "models.DecimalField[Decimal, Decimal]":
    return models.DecimalField(_("unit price"), max_digits=MONEY_DIGITS, decimal_places=places)


def actor_field(verbose_name) -> "models.ForeignKey[User | None, User | None]":
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


def movement_field(
    verbose_name, related_name: str, **kwargs
) -> "models.OneToOneField[StockMovement | None, StockMovement | None]":
    return models.OneToOneField(
        "inventory.StockMovement",
        on_delete=models.RESTRICT,
        related_name=related_name,
        verbose_name=verbose_name,
        **kwargs,
    )


def location_field() -> "models.ForeignKey[Location, Location]":
    return models.ForeignKey(
        "inventory.Location",
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("location"),
    )


def lot_field() -> "models.ForeignKey[Lot | None, Lot | None]":
    return models.ForeignKey(
        "inventory.Lot",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lot"),
    )


def document_constraints(
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


def status_index(prefix: str) -> models.Index:
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


def line_constraints(prefix: str) -> list[models.BaseConstraint]:
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
