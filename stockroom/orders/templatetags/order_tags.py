"""Template helpers of the order pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def qty(value) -> str:
    """A quantity without trailing zeros: 10.000 → "10", 2.500 → "2.5" (never "1E+1")."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return f"{value.normalize():f}"
