"""A product picker for forms: a search box instead of a <select> of every product.

An organization may hold 100,000 products; a <select> of them all is megabytes of HTML and
seconds of rendering. The picker renders no options: as the user types, htmx fetches at most
a page of matches from `catalog:product_search` into an ARIA listbox, and choosing one puts
its id in a hidden input named like the field (static/js/product-picker.js). The field stays a
ModelChoiceField over the organization's active products, so the server still validates the
id: another organization's or an inactive product is an invalid choice.
"""

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from stockroom.core.ids import parse_id

SEARCH_SUFFIX = "_search"


class ProductPicker(forms.Widget):
    """Hidden product id + combobox search input + listbox filled by the search endpoint.

    `selected`: the product the value names when the form already has it (a line's product,
    the movement form's chosen product), which saves the query for its label."""

    template_name = "catalog/widgets/product_picker.html"
    search_url_name = "catalog:product_search"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.selected = None
        self.choices = ()

    def id_for_label(self, id_):
        # The label names the visible search box; the hidden input keeps the field's own id,
        # so `change from:#id_product` triggers still fire when a product is chosen.
        return f"{id_}{SEARCH_SUFFIX}" if id_ else id_

    def format_value(self, value):
        value = getattr(value, "pk", value)
        return "" if value in (None, "") else str(value)

    def chosen_product(self, value: str):
        """The product the (possibly submitted) id names, if it is one the field accepts."""
        if not value:
            return None
        if self.selected is not None and str(self.selected.pk) == value:
            return self.selected
        queryset = getattr(self.choices, "queryset", None)
        pk = parse_id(value)
        if queryset is None or pk is None:
            return None
        return queryset.filter(pk=pk).first()

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        attrs = dict(widget["attrs"])
        field_id = attrs.pop("id", "") or f"id_{name}"
        product = self.chosen_product(widget["value"])
        widget.update(
            field_id=field_id,
            search_id=f"{field_id}{SEARCH_SUFFIX}",
            listbox_id=f"{field_id}_options",
            status_id=f"{field_id}_status",
            search_attrs=attrs,
            label=str(product) if product is not None else "",
            search_url=reverse(self.search_url_name),
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine (templates/), not the form renderer's own.
        # render_to_string returns the autoescaped template output, already a SafeString.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data
