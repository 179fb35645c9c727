"""Quantities as every stock write takes them: one definition of a valid quantity of a product,
shared by the inventory services and the order and count services built on them."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from stockroom.catalog.models import Product, UnitOfMeasure
from stockroom.core.exceptions import ApplicationError

# What the quantity columns hold (max_digits 14, 3 decimals: 11 integer digits).
MAX_QUANTITY = Decimal("99999999999.999")


def to_decimal(value: object, *, field: str, message: str, code: str) -> Decimal:
    """`value` as a finite Decimal, or an ApplicationError naming `field`."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError(message, field=field, code=code) from None
    if not number.is_finite():
        raise ApplicationError(message, field=field, code=code)
    return number


def clean_quantity(
    value: object, *, product: Product, field: str = "quantity", allow_zero: bool = False
) -> Decimal:
    """A quantity of `product`: positive (or zero when allowed), at most MAX_QUANTITY, and with no
    more decimals than the product's unit allows."""
    quantity = to_decimal(
        value, field=field, message=_("Enter a valid quantity."), code="invalid_quantity"
    )
    if quantity < 0 or (quantity == 0 and not allow_zero):
        raise ApplicationError(
            _("The quantity must be greater than zero.")
            if not allow_zero
            else _("The quantity cannot be negative."),
            field=field,
            code="quantity_not_positive",
        )
    if quantity > MAX_QUANTITY:
        raise ApplicationError(_("The quantity is too large."), field=field, code="quantity_large")
    places = UnitOfMeasure.decimal_places(product.unit)
    if quantity % Decimal(1).scaleb(-places) != 0:
        if places == 0:
            message = _("This product is counted in whole units; enter a whole number.")
        else:
            message = _("The quantity has too many decimal places for this unit.")
        raise ApplicationError(message, field=field, code="quantity_precision")
    return quantity
