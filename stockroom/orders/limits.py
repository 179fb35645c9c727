"""What one order may say, and how a refusal says it: one rule for the model's `clean()`, the
services and the API."""

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

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
    if errors or quantity is None or unit_price is None:
        return errors
    if quantity * unit_price > MAX_ORDER_TOTAL:
        errors[NON_FIELD_ERRORS] = [line_total_message()]
    return errors
