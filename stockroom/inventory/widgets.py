"""A <select> rendered in one pass, for choice lists of a few hundred options.

An organization may hold hundreds of bins (20 warehouses × 21 bins is 420 options; the transfer
form shows two such selects). Django's Select renders every option through its own template
include and builds a dict of attributes for it first, which cost far more than the query
(docs/performance.md). This widget writes the same markup straight from the choices, flat or grouped
into <optgroup>s the way Django's choices are, so the page keeps the browser's native control:
keyboard usable, read by screen readers, working without JavaScript. Validation is the field's
business and does not change.
"""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


def _html(text) -> str:
    """`text` escaped for an attribute or element, unless it is already safe HTML."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return escape(str(text))


class OnePassSelect(forms.Select):
    """Select with the markup of Django's, but no template per option. Single choice only."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        parts = [f'<select name="{_html(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>']
        for choice_value, choice_label in self.choices:
            if isinstance(choice_label, (list, tuple)):
                parts.append(f'<optgroup label="{_html(choice_value)}">')
                parts.extend(self._option(v, label, selected) for v, label in choice_label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(choice_value, choice_label, selected))
        parts.append("</select>")
        # Every name, value and label above went through _html() or flatatt(); format_html()
        # per option cost ten times as much as the escaping itself.
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703

    @staticmethod
    def _option(value, label, selected: set[str]) -> str:
        value = "" if value is None else str(value)
        if value in selected:
            # Like Django's Select, only the first option of the value is selected.
            selected.discard(value)
            return f'<option value="{_html(value)}" selected>{_html(label)}</option>'
        return f'<option value="{_html(value)}">{_html(label)}</option>'
