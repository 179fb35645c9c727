"""Template helpers of the report pages."""

from django import template

from stockroom.core.templatetags.formatting import status_badge

register = template.Library()


@register.simple_tag
def report_badge(row: dict, column) -> str:
    """The badge of a report cell: coloured by the row's state, labelled by the cell."""
    return status_badge(row.get(column.badge_key, ""), row.get(column.key))
