"""Number and state formatting shared by every page: money, quantities with units, status badges.

Core imports no app, so the filters take what they format by duck typing: a product-like object
(`quantity_places`, `get_unit_display()`) for quantities, a document-like object (`status`,
`get_status_display()`) or a plain state string for badges.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

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


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


@register.filter
def money(value, currency: str = "") -> str:
    """`{{ amount|money:active_organization.currency }}` → "1,234.50 USD", localized, 2 decimals."""
    amount = _decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = number_format(amount, 2, use_l10n=True, force_grouping=True)
    return f"{text} {currency}" if currency else text


@register.filter
def quantity(value, product=None) -> str:
    """`{{ qty|quantity:product }}` → "12 Each" or "2.500 Kilogram": the unit's decimals, localized.

    Without a product the number is shown without trailing zeros.
    """
    amount = _decimal(value)
    if amount is None:
        return ""
    places = getattr(product, "quantity_places", None)
    if places is None:
        normalized = amount.normalize()
        places = max(0, -normalized.as_tuple().exponent)
    text = number_format(amount, places, use_l10n=True, force_grouping=True)
    unit = product.get_unit_display() if hasattr(product, "get_unit_display") else ""
    return f"{text} {unit}" if unit else text


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
