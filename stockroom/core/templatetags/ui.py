"""Template helpers shared by every page."""

from django import forms, template

register = template.Library()

_SELECTS = (forms.Select, forms.SelectMultiple)
_CHECKS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.simple_tag
def bootstrap_widget(bound_field) -> str:
    """Render a bound field's widget with the Bootstrap class its type needs."""
    widget = bound_field.field.widget
    if isinstance(widget, _CHECKS):
        css = "form-check-input"
    elif isinstance(widget, _SELECTS):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


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
