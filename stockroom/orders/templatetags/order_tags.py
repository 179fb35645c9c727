"""Template helpers of the order pages."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def qty(value) -> str:
    """A quantity without trailing zeros in the active language's notation: 10.000 → "10",
    2.500 → "2.5" in English and "2,5" in Spanish (never "1E+1")."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return number_format(value.normalize(), use_l10n=True)
