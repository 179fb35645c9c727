"""Warehouses and their locations (bins): create, edit, delete, and ranges of bins at once.

A place with stock history is never deleted (its movements name it); codes are unique per
organization (warehouses) and per warehouse (bins), checked before the write and, against a
concurrent insert, by the database's constraint.
"""

from simple_history.utils import bulk_create_with_history

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils.translation import gettext as _

from stockroom.core.exceptions import ApplicationError, ConflictError
from stockroom.core.tenancy import organization_id_of

from ..models import Location, StockLevel, StockMovement, Warehouse, text_length


def _place_code(code: str) -> str:
    return (code or "").strip().upper()


def _check_warehouse_code(warehouse: Warehouse) -> None:
    taken = (
        Warehouse.objects.filter(organization_id=warehouse.organization_id, code=warehouse.code)
        .exclude(pk=warehouse.pk)
        .exists()
    )
    if taken:
        raise ApplicationError(
            _("Another warehouse already uses this code."), field="code", code="duplicate_code"
        )


def _save_warehouse(warehouse: Warehouse) -> Warehouse:
    if not warehouse.code:
        raise ApplicationError(_("Enter a code."), field="code", code="code_required")
    _check_warehouse_code(warehouse)
    warehouse.full_clean(exclude=["organization"], validate_constraints=False)
    try:
        with transaction.atomic():
            warehouse.save()
    except IntegrityError:
        # A concurrent request took the code between the check and the insert.
        _check_warehouse_code(warehouse)
        raise
    return warehouse


@transaction.atomic
def warehouse_create(
    *, organization, code: str, name: str, address: str = "", is_active: bool = True
) -> Warehouse:
    """Create a warehouse; its code is unique in the organization (stored upper-case)."""
    warehouse = Warehouse(
        organization_id=organization_id_of(organization),
        code=_place_code(code),
        name=(name or "").strip(),
        address=address or "",
        is_active=is_active,
    )
    return _save_warehouse(warehouse)


@transaction.atomic
def warehouse_update(
    *, warehouse: Warehouse, code: str, name: str, address: str = "", is_active: bool = True
) -> Warehouse:
    """Rename, re-code or (de)activate a warehouse. An inactive warehouse takes no movements."""
    warehouse.code = _place_code(code)
    warehouse.name = (name or "").strip()
    warehouse.address = address or ""
    warehouse.is_active = is_active
    return _save_warehouse(warehouse)


def _has_stock_history(locations: Q) -> bool:
    """True when any location matched by `locations` has a stock row or a movement."""
    in_ledger = StockMovement.objects.filter(
        Q(from_location__in=Location.objects.filter(locations))
        | Q(to_location__in=Location.objects.filter(locations))
    )
    return (
        StockLevel.objects.filter(location__in=Location.objects.filter(locations)).exists()
        or in_ledger.exists()
    )


@transaction.atomic
def warehouse_delete(*, warehouse: Warehouse) -> None:
    """Delete a warehouse and its locations, only if none of them ever held stock."""
    if _has_stock_history(Q(warehouse_id=warehouse.pk)):
        raise ConflictError(
            _("This warehouse has held stock, so it cannot be deleted. Deactivate it instead."),
            code="warehouse_in_use",
        )
    try:
        with transaction.atomic():
            locations = Location.objects.filter(warehouse_id=warehouse.pk)
            # Parents restrict the deletion of their children: flatten the tree first.
            locations.exclude(parent=None).update(parent=None)
            locations.delete()
            warehouse.delete()
    except (ProtectedError, RestrictedError):
        raise ConflictError(
            _("Other records still use this warehouse. Deactivate it instead."),
            code="warehouse_in_use",
        ) from None


def _check_location_place(location: Location) -> None:
    _check_location_warehouse_and_parent(location)
    if not location.code:
        raise ApplicationError(_("Enter a code."), field="code", code="code_required")
    taken = (
        Location.objects.filter(warehouse_id=location.warehouse_id, code=location.code)
        .exclude(pk=location.pk)
        .exists()
    )
    if taken:
        raise ApplicationError(
            _("Another location of this warehouse already uses this code."),
            field="code",
            code="duplicate_code",
        )


def _check_location_warehouse_and_parent(location: Location) -> None:
    warehouse = location.warehouse
    if warehouse is None or warehouse.organization_id != location.organization_id:
        raise ApplicationError(
            _("Choose a warehouse of this organization."),
            field="warehouse",
            code="wrong_organization",
        )
    parent = location.parent
    if parent is not None and (
        parent.organization_id != location.organization_id or parent.warehouse_id != warehouse.pk
    ):
        raise ApplicationError(
            _("The parent location must be in the same warehouse."),
            field="parent",
            code="parent_other_warehouse",
        )


def _save_location(location: Location) -> Location:
    _check_location_place(location)
    try:
        location.full_clean(exclude=["organization"], validate_constraints=False)
    except ValidationError as exc:
        # Model.clean() finds parent cycles; report them on the parent field like the rest.
        messages = exc.message_dict
        field = next(iter(messages))
        raise ApplicationError(messages[field][0], field=field, code="invalid_location") from None
    try:
        with transaction.atomic():
            location.save()
    except IntegrityError:
        _check_location_place(location)
        raise
    return location


@transaction.atomic
def location_create(
    *,
    organization,
    warehouse: Warehouse,
    code: str,
    name: str = "",
    parent: Location | None = None,
    is_active: bool = True,
) -> Location:
    """Create a location in a warehouse, optionally inside a parent of the same warehouse."""
    location = Location(
        organization_id=organization_id_of(organization),
        warehouse=warehouse,
        parent=parent,
        code=_place_code(code),
        name=(name or "").strip(),
        is_active=is_active,
    )
    return _save_location(location)


@transaction.atomic
def location_update(
    *,
    location: Location,
    code: str,
    name: str = "",
    parent: Location | None = None,
    is_active: bool = True,
) -> Location:
    """Edit a location. Its warehouse is fixed; a new parent must be in it and not below it."""
    location.code = _place_code(code)
    location.name = (name or "").strip()
    location.parent = parent
    location.is_active = is_active
    return _save_location(location)


@transaction.atomic
def location_delete(*, location: Location) -> None:
    """Delete a location that has no sub-locations and never held stock."""
    if Location.objects.filter(parent_id=location.pk).exists():
        raise ConflictError(
            _("This location contains other locations: move or delete them first."),
            code="location_has_children",
        )
    if _has_stock_history(Q(pk=location.pk)):
        raise ConflictError(
            _("This location has held stock, so it cannot be deleted. Deactivate it instead."),
            code="location_in_use",
        )
    try:
        with transaction.atomic():
            location.delete()
    except (ProtectedError, RestrictedError):
        raise ConflictError(
            _("Other records still use this location. Deactivate it instead."),
            code="location_in_use",
        ) from None


# A range is one request and one transaction: keep it to what a person lays out in one go.
MAX_LOCATION_RANGE = 500
MAX_RANGE_WIDTH = 10
DUPLICATES_NAMED = 10


def location_range_codes(*, prefix: str, start: int, end: int, width: int = 0) -> list[str]:
    """The codes of a range, e.g. ("A-", 1, 20, 2) -> A-01 ... A-20; raises on a bad range."""
    for value, field in ((start, "start"), (end, "end"), (width, "width")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ApplicationError(
                _("Enter a whole number of 0 or more."), field=field, code="invalid_number"
            )
    if width > MAX_RANGE_WIDTH:
        raise ApplicationError(
            _("The width can be at most %(max)s digits.") % {"max": MAX_RANGE_WIDTH},
            field="width",
            code="width_too_large",
        )
    if end < start:
        raise ApplicationError(
            _("The last number must not be below the first."), field="end", code="range_reversed"
        )
    if end - start + 1 > MAX_LOCATION_RANGE:
        raise ApplicationError(
            _("Create at most %(max)s locations at a time.") % {"max": MAX_LOCATION_RANGE},
            field="end",
            code="range_too_large",
        )
    prefix = _place_code(prefix)
    codes = [f"{prefix}{number:0{width}d}" for number in range(start, end + 1)]
    max_length = text_length(Location, "code")
    if len(codes[-1]) > max_length:
        raise ApplicationError(
            _("The codes would be longer than %(max)s characters.") % {"max": max_length},
            field="prefix",
            code="code_too_long",
        )
    return codes


@transaction.atomic
def location_create_range(
    *,
    organization,
    warehouse: Warehouse,
    prefix: str,
    start: int,
    end: int,
    width: int = 0,
    name_prefix: str = "",
    parent: Location | None = None,
) -> list[Location]:
    """Create the locations prefix+start ... prefix+end in one warehouse, all or none.

    With a name prefix each gets a name ("Bin" -> "Bin 01"). Codes the warehouse already
    uses are named in the refusal, and then nothing is written.
    """
    organization_id = organization_id_of(organization)
    codes = location_range_codes(prefix=prefix, start=start, end=end, width=width)
    name_prefix = (name_prefix or "").strip()
    numbers = [code[len(_place_code(prefix)) :] for code in codes]
    locations = [
        Location(
            organization_id=organization_id,
            warehouse=warehouse,
            parent=parent,
            code=code,
            name=f"{name_prefix} {number}" if name_prefix else "",
        )
        for code, number in zip(codes, numbers, strict=True)
    ]
    name_length = text_length(Location, "name")
    if any(len(location.name) > name_length for location in locations):
        raise ApplicationError(
            _("The names would be longer than %(max)s characters.") % {"max": name_length},
            field="name_prefix",
            code="name_too_long",
        )
    # The range shares one warehouse and parent: one check covers every location.
    _check_location_warehouse_and_parent(locations[0])
    _refuse_taken_codes(warehouse, codes)
    try:
        with transaction.atomic():
            # One insert for the rows and one for their history, whatever the range's size.
            locations = bulk_create_with_history(locations, Location)
    except IntegrityError:
        # Someone took one of the codes since the check: name it like the check does.
        _refuse_taken_codes(warehouse, codes)
        raise
    return locations


def _refuse_taken_codes(warehouse: Warehouse, codes: list[str]) -> None:
    taken = sorted(
        Location.objects.filter(warehouse_id=warehouse.pk, code__in=codes).values_list(
            "code", flat=True
        )
    )
    if not taken:
        return
    shown = ", ".join(taken[:DUPLICATES_NAMED])
    if len(taken) > DUPLICATES_NAMED:
        shown = _("%(codes)s and %(count)s more") % {
            "codes": shown,
            "count": len(taken) - DUPLICATES_NAMED,
        }
    raise ApplicationError(
        _("This warehouse already has these codes: %(codes)s. Nothing was created.")
        % {"codes": shown},
        field="prefix",
        code="duplicate_code",
        extra={"existing_codes": taken},
    )
