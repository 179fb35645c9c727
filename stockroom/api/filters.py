"""Filter plumbing shared by the API's FilterSets. Foreign keys filter by id (IdFilter), never
by a choice queryset of all rows, so a filter cannot reveal or cost a query over another
organization's data."""

from datetime import UTC

import django_filters as filters

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from stockroom.core.ids import MAX_ID


class IdField(forms.IntegerField):
    """A row's id: a whole number from 1 to the largest 64-bit key, else a 400 on the filter
    (a larger number overflowed SQLite's parameters as a 500)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdFilter(filters.NumberFilter):
    field_class = IdField


_FORM_CLASSES: dict[tuple[type, str | None], type] = {}


class FormBuiltOnceFilterSet(filters.FilterSet):
    """A FilterSet whose form class is built once per class (and language). django-filter
    builds it anew for every request, a form field per filter with its label; these filters'
    fields depend on nothing in the request, and the form still copies them per instance."""

    def get_form_class(self):
        key = (type(self), translation.get_language())
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = _FORM_CLASSES[key] = super().get_form_class()
        return form_class


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    """ISO 8601 allows offsets up to ±23:59, PostgreSQL only ±15:59: compare in UTC instead."""

    def filter(self, qs, value):
        if value is not None and value.tzinfo is not None:
            try:
                value = value.astimezone(UTC)
            except OverflowError:
                raise ValidationError(
                    {self.field_name: [_("Enter a date and time between years 1 and 9999.")]}
                ) from None
        return super().filter(qs, value)
