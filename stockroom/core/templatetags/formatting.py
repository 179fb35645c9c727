"""Number and state formatting shared by every page, PDF, email and export: money, quantities,
dates, status badges. One definition per kind, so a number reads the same wherever it appears:

- money: the organization currency's decimals (2, or none for CLP), localized, grouped;
  `money` adds the currency code, `amount` leaves it to a column header.
- unit costs (`cost`): the currency's decimals, and up to 4 when the cost carries them.
- quantities: rounded to the product unit's decimals, trailing zeros dropped ("20", "2.5",
  "0.125"), localized; `quantity` adds the unit's name, `qty` does not.
- dates: SHORT_DATE_FORMAT and SHORT_DATETIME_FORMAT of the active language (`short_date`,
  `short_datetime`), in the active time zone.

Core imports no app, so the filters take what they format by duck typing: a product-like object
(`quantity_places`, `get_unit_display()`) for quantities, a document-like object (`status`,
`get_status_display()`) or a plain state string for badges.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html

register = template.Library()

# ISO 4217 minor units of the currencies an organization may pick, where they are not 2.
CURRENCY_PLACES: dict[str, int] = {"CLP": 0}
DEFAULT_CURRENCY_PLACES = 2
COST_MAX_PLACES = 4  # catalog.COST_PLACES: unit costs keep sub-cent precision
QUANTITY_MAX_PLACES = 3  # catalog.QUANTITY_PLACES

# Bootstrap badge colour of each known state (orders, counts, import/export jobs, lots).
BADGE_COLOURS: dict[str, str] = {
    "draft": "secondary",
    "sent": "info",
    "partially_received": "warning",
    "received": "success",
    "confirmed": "primary",
    "shipped": "success",
    "counting": "info",
    "submitted": "warning",
    "approved": "success",
    "cancelled": "dark",
    "pending": "secondary",
    "queued": "secondary",
    "running": "primary",
    "succeeded": "success",
    "done": "success",
    "failed": "danger",
    "expired": "danger",
    "expiring": "warning",
    "ok": "success",
    "A": "success",
    "B": "warning",
    "C": "secondary",
}


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _round(amount: Decimal, places: int) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _places_in_use(amount: Decimal) -> int:
    """Decimals `amount` really carries: 2.500 → 1, 20.000 → 0 (never "1E+1")."""
    return max(0, -amount.normalize().as_tuple().exponent)


def _localized(amount: Decimal, places: int) -> str:
    return number_format(amount, places, use_l10n=True, force_grouping=True)


def currency_places(currency: str | None) -> int:
    """How many decimals an amount in `currency` shows (and an XLSX money cell formats)."""
    return CURRENCY_PLACES.get((currency or "").upper(), DEFAULT_CURRENCY_PLACES)


def money_value(value, currency: str | None = "") -> Decimal | None:
    """`value` rounded to the currency's decimals, as a number (exports write this)."""
    amount = _decimal(value)
    return None if amount is None else _round(amount, currency_places(currency))


def quantity_places(product=None) -> int:
    """The product unit's decimals; without a product, the most any quantity has."""
    places = getattr(product, "quantity_places", None)
    return QUANTITY_MAX_PLACES if places is None else places


def quantity_value(value, product=None) -> Decimal | None:
    """`value` rounded to the unit's decimals, trailing zeros dropped (exports write this)."""
    amount = _decimal(value)
    if amount is None:
        return None
    amount = _round(amount, quantity_places(product))
    return _round(amount, _places_in_use(amount))


def format_money(value, currency: str | None = "", *, code: bool = True) -> str:
    """"1,234.50 USD" (en) / "1 234,50 USD" (es); CLP shows no decimals. Empty for no value."""
    amount = money_value(value, currency)
    if amount is None:
        return ""
    text = _localized(amount, currency_places(currency))
    return f"{text} {currency}" if currency and code else text


def format_cost(value, currency: str | None = "", *, code: bool = False) -> str:
    """A unit cost: the currency's decimals, more (up to 4) only when the cost has them."""
    amount = _decimal(value)
    if amount is None:
        return ""
    amount = _round(amount, COST_MAX_PLACES)
    places = min(COST_MAX_PLACES, max(currency_places(currency), _places_in_use(amount)))
    text = _localized(amount, places)
    return f"{text} {currency}" if currency and code else text


def format_quantity(value, product=None, *, unit: bool = False) -> str:
    """"12", "2.5", "20" (a whole kilogram amount has no ".000"); with `unit`, "2.5 Kilogram"."""
    amount = quantity_value(value, product)
    if amount is None:
        return ""
    text = _localized(amount, _places_in_use(amount))
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


@register.filter
def money(value, currency: str = "") -> str:
    """`{{ amount|money:active_organization.currency }}` → "1,234.50 USD"."""
    return format_money(value, currency)


@register.filter
def amount(value, currency: str = "") -> str:
    """`{{ line.total|amount:active_organization.currency }}` → "1,234.50": money in a column
    whose header names the currency."""
    return format_money(value, currency, code=False)


@register.filter
def cost(value, currency: str = "") -> str:
    """`{{ product.average_cost|cost:currency }}` → "1.2345" or "3.50"."""
    return format_cost(value, currency)


@register.filter
def quantity(value, product=None) -> str:
    """`{{ qty|quantity:product }}` → "12 Each" or "2.5 Kilogram"."""
    return format_quantity(value, product, unit=True)


@register.filter
def qty(value, product=None) -> str:
    """`{{ level.on_hand|qty:level.product }}` → "12" or "2.5": a quantity in a column whose
    header (or row) names the unit."""
    return format_quantity(value, product)


@register.filter
def percent(value) -> str:
    """`{{ share|percent }}` → "12.50 %": two decimals, localized, so a column lines up."""
    number = _decimal(value)
    return "" if number is None else f"{_localized(_round(number, 2), 2)} %"


@register.filter
def short_date(value) -> str:
    return format_date(value)


@register.filter
def short_datetime(value) -> str:
    return format_datetime(value)


@register.filter
def status_badge(value, label=None) -> str:
    """A Bootstrap badge for an order, count or job (its `status`), or for a state string."""
    if hasattr(value, "status"):
        state = value.status
        if label is None and hasattr(value, "get_status_display"):
            label = value.get_status_display()
    else:
        state = "" if value is None else str(value)
    colour = BADGE_COLOURS.get(state, "secondary")
    return format_html(
        '<span class="badge text-bg-{} status-{}">{}</span>',
        colour,
        state,
        label if label is not None else state,
    )
