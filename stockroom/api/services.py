"""Writes to warehouses and locations for the API, until the inventory app has its own.

These are place records, not stock: no quantity changes here. Each validates with the model's
`full_clean` (which checks tenancy of parents) and refuses to delete places that hold history.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError
from django.utils.translation import gettext as _

from stockroom.accounts.models import Organization
from stockroom.core.exceptions import ApplicationError
from stockroom.inventory.models import Location, Warehouse

WAREHOUSE_FIELDS = frozenset({"name", "code", "address", "is_active"})
LOCATION_FIELDS = frozenset({"warehouse", "parent", "code", "name", "is_active"})


def _save(instance, organization: Organization, fields: frozenset[str], data: dict[str, Any]):
    unknown = set(data) - fields
    if unknown:
        raise TypeError(f"Unknown fields for {type(instance).__name__}: {sorted(unknown)}")
    for field, value in data.items():
        setattr(instance, field, value)
    for field in ("warehouse", "parent"):
        related = getattr(instance, field, None) if field in fields else None
        if related is not None and related.organization_id != organization.pk:
            raise ApplicationError(
                _("Choose a %(field)s of this organization.") % {"field": field},
                code="wrong_organization",
                field=field,
            )
    instance.full_clean(exclude=["organization"])
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ApplicationError(
            _("This code is already used."), code="duplicate_code", field="code"
        ) from None
    return instance


@transaction.atomic
def warehouse_save(
    *, organization: Organization, warehouse: Warehouse | None = None, data: dict[str, Any]
) -> Warehouse:
    """Create a warehouse, or change one, with a code unique in the organization."""
    warehouse = warehouse or Warehouse(organization=organization)
    if "code" in data:
        data = {**data, "code": (data["code"] or "").strip().upper()}
    clash = Warehouse.unscoped.filter(organization=organization, code__iexact=data.get("code"))
    if "code" in data and clash.exclude(pk=warehouse.pk).exists():
        raise ApplicationError(
            _("A warehouse with this code already exists."), code="duplicate_code", field="code"
        )
    return _save(warehouse, organization, WAREHOUSE_FIELDS, data)


@transaction.atomic
def location_save(
    *, organization: Organization, location: Location | None = None, data: dict[str, Any]
) -> Location:
    """Create a location (bin) in a warehouse, or change one; codes are unique per warehouse."""
    location = location or Location(organization=organization)
    if "code" in data:
        data = {**data, "code": (data["code"] or "").strip().upper()}
    try:
        return _save(location, organization, LOCATION_FIELDS, data)
    except ValidationError as exc:
        # unique (warehouse, code) is reported by full_clean as a non-field error
        if "__all__" in getattr(exc, "error_dict", {}):
            raise ApplicationError(
                _("A location with this code already exists in the warehouse."),
                code="duplicate_code",
                field="code",
            ) from None
        raise


def _delete(instance, message: str) -> None:
    try:
        with transaction.atomic():
            instance.delete()
    except (RestrictedError, IntegrityError):
        raise ApplicationError(message, code="protected") from None


@transaction.atomic
def warehouse_delete(*, organization: Organization, warehouse: Warehouse) -> None:
    """Delete an empty warehouse; one with locations is refused (deactivate it instead)."""
    if warehouse.organization_id != organization.pk:
        raise ApplicationError(_("Warehouse not found."), code="not_found")
    if warehouse.locations.exists():
        raise ApplicationError(
            _("This warehouse has locations. Deactivate it instead."), code="protected"
        )
    _delete(warehouse, _("This warehouse is still in use. Deactivate it instead."))


@transaction.atomic
def location_delete(*, organization: Organization, location: Location) -> None:
    """Delete a location without sub-locations or stock history."""
    if location.organization_id != organization.pk:
        raise ApplicationError(_("Location not found."), code="not_found")
    if location.children.exists():
        raise ApplicationError(
            _("This location has sub-locations. Move or delete them first."), code="protected"
        )
    _delete(location, _("This location has stock history. Deactivate it instead."))
