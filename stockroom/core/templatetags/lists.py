"""Template helpers of list pages."""

from django import template

register = template.Library()

# Query parameters that order or page a list without narrowing it.
_NON_FILTER_PARAMETERS = frozenset({"page", "sort", "fragment"})


@register.filter
def has_filters(request) -> bool:
    """Whether the list was narrowed by a search or filter, so an empty page means "nothing
    matches" (with a way to clear them) rather than "nothing yet"."""
    return any(
        value.strip()
        for key, values in request.GET.lists()
        if key not in _NON_FILTER_PARAMETERS
        for value in values
    )
