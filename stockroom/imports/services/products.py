"""The product import: check every row of the file against the catalog and each other, then
insert the new SKUs and update the existing ones."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from django.utils.translation import gettext as _

from stockroom.catalog.models import (
    COST_PLACES,
    MONEY_DIGITS,
    MONEY_PLACES,
    QUANTITY_DIGITS,
    Category,
    Product,
    UnitOfMeasure,
)
from stockroom.inventory.models import StockLevel, StockMovement

from .. import validation
from ..columns import PRODUCT_COLUMNS
from ..models import ImportJob
from ..parsers import Table
from ..validation import CellError, RowReport

BATCH_SIZE = 1000

PRODUCT_REQUIRED = ("sku", "name")
PRODUCT_EXAMPLE = [
    "HAM-16",
    "Claw hammer 16 oz",
    "Tools/Hand tools",
    "each",
    "7.5000",
    "14.90",
    "10",
    "40",
    "4006381333931",
    "Fibreglass handle",
    "false",
    "true",
]
# An existing product takes every column but its SKU; the file's "active" is the model's
# `is_active`.
PRODUCT_UPDATE_FIELDS = [
    *("is_active" if column == "active" else column for column in PRODUCT_COLUMNS[1:]),
    "updated_at",
]


@dataclass
class ProductPlan:
    """What the write phase needs from the checked file."""

    rows: list[dict]  # cleaned field values, "sku" upper-case, "category" a path tuple
    existing_skus: dict[str, str]  # upper-case SKU → the SKU as stored
    categories: dict[tuple[int | None, str], int]  # (parent pk, lower name) → pk


# --- validating -----------------------------------------------------------------------------------


@dataclass
class _Catalog:
    """The organization's products as they were before the import."""

    pks: dict[str, int] = field(default_factory=dict)  # upper-case SKU → pk
    sku_spellings: list[str] = field(default_factory=list)
    fixed: dict[int, tuple[str, bool]] = field(default_factory=dict)  # pk → (unit, lot-tracked)
    barcode_owners: dict[str, str] = field(default_factory=dict)  # barcode → upper-case SKU
    with_history: set[int] = field(default_factory=set)  # pks with stock or movements


@dataclass
class _SeenInFile:
    """The row each SKU and barcode first appeared on."""

    skus: dict[str, int] = field(default_factory=dict)
    barcodes: dict[str, int] = field(default_factory=dict)


def validate_products(
    job: ImportJob, table: Table, report: RowReport, tick: Callable
) -> ProductPlan:
    """Check every row, reporting each problem; the plan holds the rows that passed."""
    catalog = _load_catalog(job.organization_id)
    seen = _SeenInFile()
    rows: list[dict] = []
    for number, values in table.rows:
        tick()
        row = _clean_or_report(values, number, report)
        if row is None:
            continue
        conflict = _row_conflict(row, number, catalog, seen)
        if conflict is not None:
            report.add(number, *conflict)
            continue
        row["number"] = number
        rows.append(row)
    return ProductPlan(
        rows=rows,
        existing_skus={sku.upper(): sku for sku in catalog.sku_spellings},
        categories=_load_categories(job.organization_id),
    )


def _load_catalog(organization_id: int) -> _Catalog:
    catalog = _Catalog()
    existing_rows = Product.objects.filter(organization_id=organization_id).values_list(
        "pk", "sku", "unit", "is_lot_tracked", "barcode"
    )
    for pk, sku, unit, lot_tracked, barcode in existing_rows.iterator(chunk_size=5000):
        catalog.pks[sku.upper()] = pk
        catalog.sku_spellings.append(sku)
        catalog.fixed[pk] = (unit, lot_tracked)
        if barcode:
            catalog.barcode_owners[barcode] = sku.upper()
    catalog.with_history = set(
        StockLevel.objects.filter(organization_id=organization_id)
        .values_list("product_id", flat=True)
        .distinct()
    ) | set(
        StockMovement.objects.filter(organization_id=organization_id)
        .values_list("product_id", flat=True)
        .distinct()
    )
    return catalog


def _load_categories(organization_id: int) -> dict[tuple[int | None, str], int]:
    return {
        (parent_id, name.lower()): pk
        for pk, parent_id, name in Category.objects.filter(
            organization_id=organization_id
        ).values_list("pk", "parent_id", "name")
    }


def _clean_or_report(values: dict[str, str], number: int, report: RowReport) -> dict | None:
    try:
        return _clean_product(values)
    except CellError as exc:
        report.add(number, exc.field, exc.message)
    except _RowErrors as errors:
        for cell in errors.cells:
            report.add(number, cell.field, cell.message)
    return None


def _earlier_row(first_rows: dict[str, int], value: str, number: int) -> int | None:
    """The row `value` first appeared on when that is an earlier one; otherwise row `number`
    becomes its first."""
    first = first_rows.setdefault(value, number)
    return None if first == number else first


def _row_conflict(
    row: dict, number: int, catalog: _Catalog, seen: _SeenInFile
) -> tuple[str, str] | None:
    """The first clash of a clean row with an earlier row or the catalog, as (field, message).
    Its SKU and barcode count as seen even when a later check refuses the row."""
    sku = row["sku"]
    first = _earlier_row(seen.skus, sku, number)
    if first is not None:
        message = _("SKU %(sku)s appears more than once in the file (first on row %(row)s).")
        return ("sku", message % {"sku": sku, "row": first})
    if row["barcode"]:
        conflict = _barcode_conflict(row["barcode"], sku, number, catalog, seen)
        if conflict is not None:
            return conflict
    return _history_conflict(row, catalog)


def _barcode_conflict(
    barcode: str, sku: str, number: int, catalog: _Catalog, seen: _SeenInFile
) -> tuple[str, str] | None:
    first = _earlier_row(seen.barcodes, barcode, number)
    if first is not None:
        message = _(
            "Barcode %(barcode)s appears more than once in the file (first on row %(row)s)."
        )
        return ("barcode", message % {"barcode": barcode, "row": first})
    owner = catalog.barcode_owners.get(barcode)
    if owner is not None and owner != sku:
        return (
            "barcode",
            _("Barcode %(barcode)s is already used by product %(sku)s.")
            % {"barcode": barcode, "sku": owner},
        )
    return None


def _history_conflict(row: dict, catalog: _Catalog) -> tuple[str, str] | None:
    # Stock already counted in a unit (or by lot) would change meaning with it.
    pk = catalog.pks.get(row["sku"])
    if pk is None or pk not in catalog.with_history:
        return None
    unit, lot_tracked = catalog.fixed[pk]
    if row["unit"] == unit and row["is_lot_tracked"] == lot_tracked:
        return None
    return (
        "unit" if row["unit"] != unit else "is_lot_tracked",
        _("The unit and lot tracking of %(sku)s cannot change: it has stock history.")
        % {"sku": row["sku"]},
    )


class _RowErrors(Exception):
    def __init__(self, cells: list[CellError]) -> None:
        super().__init__(cells)
        self.cells = cells


def _clean_product(values: dict[str, str]) -> dict:
    """One product row's values, or every problem of the row at once."""
    row: dict = {}
    problems: list[CellError] = []

    def take(name: str, check: Callable) -> None:
        try:
            row[name] = check()
        except CellError as exc:
            problems.append(exc)

    take("sku", lambda: validation.text(values, "sku", max_length=64, required=True).upper())
    take("name", lambda: validation.text(values, "name", max_length=200, required=True))
    take("category", lambda: validation.category_path(values))
    take("unit", lambda: validation.unit(values))
    take(
        "cost_price",
        lambda: validation.decimal(
            values, "cost_price", places=COST_PLACES, max_digits=MONEY_DIGITS
        ),
    )
    take(
        "sale_price",
        lambda: validation.decimal(
            values, "sale_price", places=MONEY_PLACES, max_digits=MONEY_DIGITS
        ),
    )
    places = UnitOfMeasure.decimal_places(row.get("unit", UnitOfMeasure.KILOGRAM))
    for name in ("reorder_point", "reorder_quantity"):
        take(
            name,
            partial(validation.decimal, values, name, places=places, max_digits=QUANTITY_DIGITS),
        )
    take("barcode", lambda: validation.text(values, "barcode", max_length=64))
    take("description", lambda: values.get("description", "").strip())
    take("is_lot_tracked", lambda: validation.boolean(values, "is_lot_tracked", default=False))
    take("is_active", lambda: validation.boolean(values, "active", default=True))
    if not problems and row["reorder_point"] > 0 and row["reorder_quantity"] <= 0:
        problems.append(
            CellError(
                "reorder_quantity",
                _("Set a reorder quantity above zero when the product has a reorder point."),
            )
        )
    if problems:
        raise _RowErrors(problems)
    return row


def _resolve_categories(job: ImportJob, plan: ProductPlan) -> dict[tuple[str, ...], int]:
    """The category pk of every path in the file, creating the missing levels."""
    known = dict(plan.categories)
    resolved: dict[tuple[str, ...], int] = {}
    for path in sorted({row["category"] for row in plan.rows if row["category"]}, key=len):
        parent_id = None
        for depth, name in enumerate(path, start=1):
            key = (parent_id, name.lower())
            if key not in known:
                known[key] = Category.objects.create(
                    organization_id=job.organization_id, parent_id=parent_id, name=name
                ).pk
            parent_id = known[key]
            resolved.setdefault(path[:depth], parent_id)
    return resolved


# --- writing --------------------------------------------------------------------------------------


def write_products(job: ImportJob, plan: ProductPlan, tick: Callable) -> tuple[int, int]:
    """Insert new SKUs and update existing ones with one INSERT … ON CONFLICT (organization, sku)
    DO UPDATE per batch: bulk_update's CASE WHEN statements grow with the square of the batch
    (docs/performance.md, "Why the code is shaped this way")."""
    categories = _resolve_categories(job, plan)
    created = updated = 0
    products = []
    for row in plan.rows:
        existing_sku = plan.existing_skus.get(row["sku"])
        if existing_sku is None:
            created += 1
        else:
            updated += 1
        products.append(
            Product(
                organization_id=job.organization_id,
                # An existing product keeps the SKU as stored, so the conflict target matches it.
                sku=existing_sku or row["sku"],
                name=row["name"],
                category_id=categories[row["category"]] if row["category"] else None,
                unit=row["unit"],
                cost_price=row["cost_price"],
                sale_price=row["sale_price"],
                reorder_point=row["reorder_point"],
                reorder_quantity=row["reorder_quantity"],
                barcode=row["barcode"],
                description=row["description"],
                is_lot_tracked=row["is_lot_tracked"],
                is_active=row["is_active"],
            )
        )
    for batch in _batches(products, BATCH_SIZE):
        Product.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["organization", "sku"],
            update_fields=PRODUCT_UPDATE_FIELDS,
        )
        for _product in batch:
            tick()
    return created, updated


def _batches(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
