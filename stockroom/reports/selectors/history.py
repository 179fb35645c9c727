"""Audit history of catalog, places and order records (django-simple-history), as readable diffs.

Rows written with `bulk_create` / `QuerySet.update` (seed_demo's bulk mode, product imports,
the average cost the inventory services maintain) leave no historical record: simple-history
only sees `save()` and `delete()`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from stockroom.core.tenancy import organization_id_of

HISTORY_MODELS = (
    "catalog.category",
    "catalog.product",
    "catalog.supplier",
    "catalog.productsupplier",
    "catalog.customer",
    "inventory.warehouse",
    "inventory.location",
    "orders.purchaseorder",
    "orders.purchaseorderline",
    "orders.salesorder",
    "orders.salesorderline",
    "orders.stockcount",
    "orders.stockcountline",
)
# Bookkeeping, not something a user changed.
IGNORED_FIELDS = {"id", "organization", "created_at", "updated_at", "thumbnail"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    user: object
    action: str  # "+" created, "~" changed, "-" deleted
    changes: list[FieldChange] = field(default_factory=list)


def history_model(label: str) -> type[models.Model] | None:
    """The tracked model named "<app>.<model>", or None for anything else."""
    label = label.lower()
    if label not in HISTORY_MODELS:
        return None
    return apps.get_model(label)


def _fields(model) -> list[models.Field]:
    return [
        model_field
        for model_field in model._meta.concrete_fields
        if model_field.editable and model_field.name not in IGNORED_FIELDS
    ]


def _raw(record, model_field: models.Field):
    return getattr(record, model_field.attname)


def _display(model_field: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        obj = related.get((model_field.related_model, value))
        return str(obj) if obj is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def record_history(
    *, organization, model: type[models.Model], pk: int
) -> tuple[list[HistoryEntry], object | None]:
    """The record's changes (newest first) and its latest historical row (or None).

    Empty when the record (or its history) is not the organization's. Related names are
    looked up in one query per related model.
    """
    organization_id = organization_id_of(organization)
    records = list(
        model.history.filter(id=pk, organization_id=organization_id)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    fields = _fields(model)
    relations = [model_field for model_field in fields if model_field.is_relation]
    wanted: dict[type, set] = defaultdict(set)
    for record in records:
        for model_field in relations:
            if (value := _raw(record, model_field)) is not None:
                wanted[model_field.related_model].add(value)
    related = {}
    for related_model, ids in wanted.items():
        for pk_value, obj in related_model._base_manager.in_bulk(ids).items():
            related[(related_model, pk_value)] = obj

    entries, previous = [], None
    for record in records:
        entry = HistoryEntry(record.history_date, record.history_user, record.history_type)
        for model_field in fields:
            new = _raw(record, model_field)
            old = _raw(previous, model_field) if previous is not None else None
            if previous is not None and old == new:
                continue
            if previous is None and (new is None or new == ""):
                continue
            if record.history_type == "-":
                continue
            entry.changes.append(
                FieldChange(
                    str(model_field.verbose_name).capitalize(),
                    _display(model_field, old, related) if previous is not None else "—",
                    _display(model_field, new, related),
                )
            )
        if entry.changes or record.history_type != "~":
            entries.append(entry)
        previous = record
    entries.reverse()
    return entries, (records[-1] if records else None)
