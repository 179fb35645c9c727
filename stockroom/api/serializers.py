"""Serializer plumbing shared by the API's serializers: tenant-scoped related ids and fields
built once per class.

Related ids are looked up in the request's organization only, so another organization's id is
a 400 naming the field ("Invalid pk ... object does not exist"), never a cross-tenant link.
"""

import copy

from rest_framework import serializers

from django.utils import translation

from stockroom.api.tenancy import MAX_ID


class TenantPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key of `model`, looked up in the request's organization only.

    `select_related` names relations to load with the row. A serializer that validates many
    such ids at once (the lines of an order) may `preload` them in one query; an id it did not
    find, or one that is not a plain integer, still goes through the usual lookup and errors.
    """

    def __init__(self, model, *, select_related: tuple[str, ...] = (), **kwargs):
        self.model = model
        self.select_related = tuple(select_related)
        self._preloaded: dict[int, object] = {}
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        organization = getattr(request, "organization", None)
        if organization is None:
            return self.model.objects.none()
        queryset = self.model.objects.filter(organization=organization)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset

    def preload(self, values) -> None:
        """Fetch the rows of every plain integer id in `values` with one query."""
        ids = {value for value in values if type(value) is int and 0 < value <= MAX_ID}
        self._preloaded = self.get_queryset().in_bulk(ids) if ids else {}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if type(data) is int and data in self._preloaded:
            return self._preloaded[data]
        return super().to_internal_value(data)


_BUILT_FIELDS: dict[tuple[type, str | None], dict] = {}


class FieldsBuiltOnceMixin:
    """A ModelSerializer whose fields are worked out from the model once per class (and
    language), then copied for each use. Working them out (model field introspection,
    labels, validators) cost about as much per list request as serializing ten of its rows."""

    def get_fields(self):
        key = (type(self), translation.get_language())
        fields = _BUILT_FIELDS.get(key)
        if fields is None:
            fields = _BUILT_FIELDS[key] = super().get_fields()
        # DRF fields copy themselves from their constructor arguments: fresh, unbound fields.
        return copy.deepcopy(fields)
