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
