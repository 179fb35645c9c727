"""Template filters over stockroom/core/formatting.py (one format per kind of value) and the
status badge. See that module for the rules; the filters only pick the variant:
`money` adds the currency code, `amount` leaves it to a column header, `quantity` adds the unit's
name, `qty` does not.
"""

from django import template
from django.utils.html import format_html

from stockroom.core.formatting import (
    decimal_or_none,
    format_cost,
    format_date,
    format_datetime,
    format_money,
    format_quantity,
    localized,
    rounded,
)

register = template.Library()

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
    number = decimal_or_none(value)
    return "" if number is None else f"{localized(rounded(number, 2), 2)} %"


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
