"""One format per kind of value, for pages, PDFs, emails, alerts and exports alike:

- money: the organization currency's decimals (2, or none for CLP), localized, grouped;
  with or without the currency code (a column header may name it).
- unit costs: the currency's decimals, and up to 4 when the cost carries them.
- quantities: rounded to the product unit's decimals, trailing zeros dropped ("20", "2.5",
  "0.125"), localized; optionally followed by the unit's name.
- dates and date-times: SHORT_DATE_FORMAT / SHORT_DATETIME_FORMAT of the active language, in the
  active time zone (the organization's, set by its middleware).

The `*_value` functions give the rounded number itself, for CSV/XLSX cells. Core imports no app,
so a product is duck-typed: `quantity_places` and `get_unit_display()`.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.formats import date_format, number_format

# ISO 4217 minor units of the currencies an organization may pick, where they are not 2.
CURRENCY_PLACES: dict[str, int] = {"CLP": 0}
DEFAULT_CURRENCY_PLACES = 2
COST_MAX_PLACES = 4  # catalog.COST_PLACES: unit costs keep sub-cent precision
QUANTITY_MAX_PLACES = 3  # catalog.QUANTITY_PLACES


def decimal_or_none(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def rounded(amount: Decimal, places: int) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _exponent(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0  # "n"/"N"/"F": not a finite number


def _places_in_use(amount: Decimal) -> int:
    """Decimals `amount` really carries: 2.500 → 1, 20.000 → 0 (never "1E+1")."""
    return max(0, -_exponent(amount.normalize()))


def localized(amount: Decimal, places: int) -> str:
    return number_format(amount, places, use_l10n=True, force_grouping=True)


def currency_places(currency: str | None) -> int:
    """How many decimals an amount in `currency` shows (and an XLSX money cell formats)."""
    return CURRENCY_PLACES.get((currency or "").upper(), DEFAULT_CURRENCY_PLACES)


def money_value(value, currency: str | None = "") -> Decimal | None:
    """`value` rounded to the currency's decimals, as a number (exports write this)."""
    amount = decimal_or_none(value)
    return None if amount is None else rounded(amount, currency_places(currency))


def quantity_places(product=None) -> int:
    """The product unit's decimals; without a product, the most any quantity has."""
    places = getattr(product, "quantity_places", None)
    return QUANTITY_MAX_PLACES if places is None else places


def quantity_value(value, product=None) -> Decimal | None:
    """`value` rounded to the unit's decimals, trailing zeros dropped (exports write this)."""
    amount = decimal_or_none(value)
    if amount is None:
        return None
    amount = rounded(amount, quantity_places(product))
    return rounded(amount, _places_in_use(amount))


def cost_value(value, currency: str | None = "") -> Decimal | None:
    """A unit cost rounded to 4 decimals, keeping at least the currency's (exports write this)."""
    amount = decimal_or_none(value)
    if amount is None:
        return None
    amount = rounded(amount, COST_MAX_PLACES)
    return rounded(amount, max(currency_places(currency), _places_in_use(amount)))


def format_money(value, currency: str | None = "", *, code: bool = True) -> str:
    """ "1,234.50 USD" (en) / "1 234,50 USD" (es); CLP shows no decimals. Empty for no value."""
    amount = money_value(value, currency)
    if amount is None:
        return ""
    text = localized(amount, currency_places(currency))
    return f"{text} {currency}" if currency and code else text


def format_cost(value, currency: str | None = "", *, code: bool = False) -> str:
    """A unit cost: the currency's decimals, more (up to 4) only when the cost has them."""
    amount = cost_value(value, currency)
    if amount is None:
        return ""
    text = localized(amount, max(0, -_exponent(amount)))
    return f"{text} {currency}" if currency and code else text


def format_quantity(value, product=None, *, unit: bool = False) -> str:
    """ "12", "2.5", "20" (a whole kilogram amount has no ".000"); with `unit`, "2.5 Kilogram"."""
    amount = quantity_value(value, product)
    if amount is None:
        return ""
    text = localized(amount, _places_in_use(amount))
    name = product.get_unit_display() if unit and hasattr(product, "get_unit_display") else ""
    return f"{text} {name}" if name else text


def format_date(value) -> str:
    """A date (or the local date of a date-time) in the active language's short format."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return date_format(value, "SHORT_DATE_FORMAT")


def format_datetime(value) -> str:
    """A date-time in the active time zone and the active language's short format."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)
