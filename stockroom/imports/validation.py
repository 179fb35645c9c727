"""Row checks shared by the import kinds: each turns one text cell into a value or a message.

A failed check raises `CellError`; the import collects them per row and never writes a row
until every row of the file has passed.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from stockroom.catalog.models import UnitOfMeasure

# A report of a million bad rows helps nobody and bloats the job row; the count stays exact.
MAX_REPORTED_ERRORS = 10_000
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "t", "x"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "f"})


class CellError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class RowReport:
    """The problems of a file's rows, as the job's error report: each kind's validation adds
    them, the job stores them if there is any."""

    def __init__(self) -> None:
        self.errors: list[dict] = []
        self.count = 0

    def add(self, row: int, field_name: str, message: str) -> None:
        self.count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "field": field_name, "message": str(message)})

    def as_list(self) -> list[dict]:
        if self.count > len(self.errors):
            more = self.count - len(self.errors)
            return [
                *self.errors,
                {
                    "row": 0,
                    "field": "",
                    "message": _("…and %(count)s more problems not listed.") % {"count": more},
                },
            ]
        return self.errors


def text(values: dict[str, str], field: str, *, max_length: int, required: bool = False) -> str:
    value = values.get(field, "").strip()
    if required and not value:
        raise CellError(field, _("This value is required."))
    if len(value) > max_length:
        raise CellError(
            field,
            _("At most %(max)s characters (this one has %(length)s).")
            % {"max": max_length, "length": len(value)},
        )
    return value


def decimal(
    values: dict[str, str],
    field: str,
    *,
    places: int,
    max_digits: int,
    default: Decimal | None = Decimal("0"),
    positive: bool = False,
) -> Decimal | None:
    """A non-negative (or positive) decimal with at most `places` decimals."""
    raw = values.get(field, "").strip().replace(" ", "")
    if not raw:
        if default is None and positive:
            raise CellError(field, _("This value is required."))
        return default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise CellError(field, _("“%(value)s” is not a number.") % {"value": raw}) from None
    if not value.is_finite():
        raise CellError(field, _("“%(value)s” is not a number.") % {"value": raw})
    if value < 0:
        raise CellError(field, _("Cannot be negative."))
    if positive and value == 0:
        raise CellError(field, _("Must be greater than zero."))
    if value.adjusted() >= max_digits - places:
        raise CellError(field, _("The number is too large."))
    if value % Decimal(1).scaleb(-places) != 0:
        if places == 0:
            raise CellError(field, _("Must be a whole number for this unit."))
        raise CellError(field, _("At most %(places)s decimal places.") % {"places": places})
    return value


def boolean(values: dict[str, str], field: str, *, default: bool) -> bool:
    raw = values.get(field, "").strip().lower()
    if not raw:
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise CellError(field, _("“%(value)s” is not yes/no (use true or false).") % {"value": raw})


_UNITS = {choice.value: choice.value for choice in UnitOfMeasure}
_UNITS.update({str(choice.label).lower(): choice.value for choice in UnitOfMeasure})


def unit(values: dict[str, str], field: str = "unit") -> str:
    raw = values.get(field, "").strip().lower()
    if not raw:
        return UnitOfMeasure.EACH
    try:
        return _UNITS[raw]
    except KeyError:
        raise CellError(
            field,
            _("Unknown unit “%(value)s”. Use one of: %(units)s.")
            % {"value": raw, "units": ", ".join(UnitOfMeasure.values)},
        ) from None


def iso_date(values: dict[str, str], field: str) -> date | None:
    raw = values.get(field, "").strip()
    if not raw:
        return None
    # XLSX dates arrive as "2026-03-31" or, with a time, "2026-03-31T00:00:00".
    if len(raw) > 10 and raw[10] in "T ":
        raw = raw[:10]
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CellError(
            field, _("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": raw}
        ) from None


def category_path(values: dict[str, str], field: str = "category") -> tuple[str, ...]:
    raw = values.get(field, "").strip()
    if not raw:
        return ()
    parts = tuple(part.strip() for part in raw.split("/"))
    if any(not part for part in parts):
        raise CellError(
            field,
            _("“%(value)s” has an empty level (write it like Tools/Hand tools).") % {"value": raw},
        )
    if any(len(part) > 120 for part in parts):
        raise CellError(field, _("A category name has at most 120 characters."))
    return parts
