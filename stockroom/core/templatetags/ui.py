"""Template helpers shared by every page."""

from typing import Any

from django import forms, template
from django.utils.translation import gettext as _

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


def _field_href(bound_field: forms.BoundField) -> str:
    """The id a summary link jumps to: the control the field's label names (the picker's
    search box, the first radio of a group)."""
    if bound_field.is_hidden:
        return ""
    field_id = bound_field.id_for_label
    if not field_id and bound_field.subwidgets:
        field_id = bound_field.subwidgets[0].id_for_label
    return f"#{field_id}" if field_id else ""


def _form_entries(form: forms.BaseForm, row: str = "") -> list[dict[str, Any]]:
    prefix = f"{row}, " if row else ""
    entries = []
    first_href = next((_field_href(f) for f in form.visible_fields() if _field_href(f)), "")
    for error in form.non_field_errors():
        # A row's own errors (e.g. a duplicate product) point at the row's first field.
        entries.append({"label": row, "message": error, "href": first_href if row else ""})
    for bound_field in form:
        for error in bound_field.errors:
            label = f"{prefix}{bound_field.label}"
            entries.append({"label": label, "message": error, "href": _field_href(bound_field)})
    return entries


@register.inclusion_tag("forms/error_summary.html", takes_context=True)
def error_summary(context: template.Context, form: Any = None) -> dict[str, Any]:
    """Every error of a bound form, and of the page's line formset (`formset` in the
    context), as a list of links to the fields, shown above the form after a failed submit."""
    entries: list[dict[str, Any]] = []
    if isinstance(form, forms.BaseForm) and form.is_bound:
        entries += _form_entries(form)
    formset = context.get("formset")
    if isinstance(formset, forms.BaseFormSet) and formset.is_bound:
        entries += [{"label": "", "message": e, "href": ""} for e in formset.non_form_errors()]
        for index, line_form in enumerate(formset.forms):
            # Django does not validate a line marked for deletion; neither do we list it.
            if formset.can_delete and getattr(line_form, "cleaned_data", {}).get("DELETE"):
                continue
            entries += _form_entries(line_form, row=_("Line %(number)s") % {"number": index + 1})
    return {"entries": entries}


# Query parameters that order or page a list without narrowing it.
_NOT_FILTERS = frozenset({"page", "sort", "per_page"})


@register.simple_tag(takes_context=True)
def filters_in_use(context: template.Context) -> bool:
    """Whether the list is narrowed by a filter in the URL: a phone then shows the folded
    filters open, so that the person sees why the list is short."""
    request = context.get("request")
    if request is None:
        return False
    return any(value for key, value in request.GET.items() if key not in _NOT_FILTERS)


@register.simple_tag
def page_numbers(page_obj) -> list:
    """The page links a list offers: the first and the last, and two either side of the one
    shown, with an ellipsis for the gaps, so a long list still fits a phone's width."""
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    )
