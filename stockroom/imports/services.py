"""Import and export jobs: creating them, running them (from tasks), failing them.

An import reads the whole file and checks every row before it writes anything; then it writes
all rows and marks the job succeeded in ONE transaction. A worker that dies or fails mid-write
therefore leaves nothing behind, and a job that succeeded is never applied twice.
"""

import logging
import math
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stockroom.accounts.models import Organization, User
from stockroom.catalog.models import (
    COST_PLACES,
    MONEY_DIGITS,
    MONEY_PLACES,
    QUANTITY_DIGITS,
    Category,
    Product,
    UnitOfMeasure,
)
from stockroom.core import events
from stockroom.core.exceptions import ApplicationError
from stockroom.core.spreadsheets import write_csv, write_xlsx
from stockroom.core.tenancy import organization_scope
from stockroom.inventory.models import Location, Lot, StockLevel, StockMovement, Warehouse
from stockroom.inventory.services import ReceiptLine, stock_receive_bulk

from . import selectors, validation
from .models import (
    ExportJob,
    ExportKind,
    FileFormat,
    ImportJob,
    ImportKind,
    ImportPhase,
    JobStatus,
)
from .parsers import ImportFileError, Table, read_table
from .signals import job_progress
from .validation import CellError

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
PROGRESS_EVERY_ROWS = 1000
PROGRESS_EVERY_SHARE = 0.02
BATCH_SIZE = 1000
# A report of a million bad rows helps nobody and bloats the job row; the count stays exact.
MAX_REPORTED_ERRORS = 10_000

PRODUCT_COLUMNS = (
    "sku",
    "name",
    "category",
    "unit",
    "cost_price",
    "sale_price",
    "reorder_point",
    "reorder_quantity",
    "barcode",
    "description",
    "is_lot_tracked",
    "active",
)
PRODUCT_REQUIRED = ("sku", "name")
OPENING_STOCK_COLUMNS = (
    "sku",
    "warehouse",
    "location",
    "quantity",
    "unit_cost",
    "lot_number",
    "expiry_date",
)
OPENING_STOCK_REQUIRED = ("sku", "warehouse", "location", "quantity")
COLUMNS = {ImportKind.PRODUCTS: PRODUCT_COLUMNS, ImportKind.OPENING_STOCK: OPENING_STOCK_COLUMNS}
REQUIRED = {
    ImportKind.PRODUCTS: PRODUCT_REQUIRED,
    ImportKind.OPENING_STOCK: OPENING_STOCK_REQUIRED,
}
TEMPLATE_EXAMPLES = {
    ImportKind.PRODUCTS: [
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
    ],
    ImportKind.OPENING_STOCK: ["HAM-16", "MAIN", "A-01", "25", "7.5000", "", ""],
}


class ImportStopped(Exception):
    """Rows failed validation: the job fails with its report and nothing is written."""


@dataclass
class _Report:
    errors: list[dict] = field(default_factory=list)
    count: int = 0

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


class _Progress:
    """Counts rows and reports every ~2 % (at most every 1,000 rows)."""

    def __init__(self, job: ImportJob, *, persist: bool) -> None:
        self.job = job
        self.persist = persist
        total = job.total_rows
        self.step = max(1, min(PROGRESS_EVERY_ROWS, math.ceil(total * PROGRESS_EVERY_SHARE)))
        self.done = 0

    def tick(self) -> None:
        self.done += 1
        if self.done % self.step == 0 or self.done == self.job.total_rows:
            _report_progress(self.job, self.done, persist=self.persist)


def _report_progress(job: ImportJob, processed: int, *, persist: bool) -> None:
    job.processed_rows = processed
    if persist:
        # Its own autocommit statement: only called outside the data transaction.
        ImportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            processed_rows=processed, phase=job.phase, updated_at=timezone.now()
        )
    job_progress.send(
        sender=ImportJob,
        organization_id=job.organization_id,
        user_id=job.created_by_id,
        job_id=job.pk,
        status=job.status,
        processed=processed,
        total=job.total_rows,
    )


def _extension_format(filename: str) -> str | None:
    extension = os.path.splitext(filename)[1].lower().lstrip(".")
    return extension if extension in FileFormat.values else None


# --- creating jobs --------------------------------------------------------------------------------


@transaction.atomic
def import_job_create(
    *, organization: Organization, user: User, kind: str, uploaded_file: UploadedFile
) -> ImportJob:
    """Store the upload as a pending job and queue it after commit."""
    if kind not in ImportKind.values:
        raise ApplicationError(_("Choose what to import."), code="bad_kind", field="kind")
    file_format = _extension_format(uploaded_file.name)
    if file_format is None:
        raise ApplicationError(
            _("Upload a .csv or .xlsx file."), code="bad_extension", field="file"
        )
    job = ImportJob(
        organization=organization,
        kind=kind,
        format=file_format,
        original_filename=os.path.basename(uploaded_file.name)[:255],
        created_by=user,
    )
    job.file.save(f"{kind}.{file_format}", uploaded_file, save=False)
    job.save()
    _queue_after_commit("run_import_job", job.organization_id, job.pk)
    return job


@transaction.atomic
def export_job_create(
    *,
    organization: Organization,
    user: User,
    kind: str,
    file_format: str,
    date_from: date | None = None,
    date_to: date | None = None,
) -> ExportJob:
    """Record an export request and queue it after commit."""
    if kind not in ExportKind.values:
        raise ApplicationError(_("Choose what to export."), code="bad_kind", field="kind")
    if file_format not in FileFormat.values:
        raise ApplicationError(_("Choose a file format."), code="bad_format", field="format")
    if kind != ExportKind.MOVEMENTS:
        date_from = date_to = None
    if date_from and date_to and date_from > date_to:
        raise ApplicationError(
            _("The start date is after the end date."), code="bad_range", field="date_to"
        )
    job = ExportJob.objects.create(
        organization=organization,
        kind=kind,
        format=file_format,
        date_from=date_from,
        date_to=date_to,
        created_by=user,
    )
    _queue_after_commit("run_export_job", job.organization_id, job.pk)
    return job


def _queue_after_commit(task_name: str, organization_id: int, job_id: int) -> None:
    from . import tasks  # tasks import this module

    events.on_commit(
        partial(getattr(tasks, task_name).delay, organization_id, job_id),
        hook=f"imports.{task_name}",
    )


# --- running imports ------------------------------------------------------------------------------


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Validate every row, then write them all in one transaction. Safe to run again: a
    finished job is left alone, an interrupted one starts over (it wrote nothing)."""
    job = ImportJob.objects.select_related("organization", "created_by").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    if job.attempts >= MAX_ATTEMPTS:
        return import_job_fail(
            job=job,
            message=_(
                "The import was interrupted %(count)s times and has stopped. Nothing was "
                "written; upload the file again to retry."
            )
            % {"count": job.attempts},
        )
    job.attempts += 1
    job.status = JobStatus.RUNNING
    job.phase = ImportPhase.VALIDATING
    job.started_at = timezone.now()
    job.processed_rows = 0
    job.error_report = []
    job.save(
        update_fields=[
            "attempts",
            "status",
            "phase",
            "started_at",
            "processed_rows",
            "error_report",
            "updated_at",
        ]
    )
    with organization_scope(job.organization_id):
        try:
            plan = _validate(job)
            _write(job, plan)
        except ImportFileError as exc:
            return import_job_fail(
                job=job,
                message="",
                report=[{"row": exc.row, "field": "", "message": exc.message}],
            )
        except ImportStopped:
            return job
        except _WriteRefused as exc:
            return import_job_fail(
                job=job,
                message="",
                report=[
                    {"row": exc.row, "field": exc.error.field or "", "message": exc.error.message}
                ],
            )
        except OperationalError:
            # Transient database trouble: the task retries the whole job (nothing was written).
            raise
        except Exception:
            logger.exception("import job %s failed", job.pk)
            return import_job_fail(
                job=job,
                message=_("An unexpected error stopped the import. Nothing was written."),
            )
    return job


def import_job_fail(*, job: ImportJob, message: str, report: list[dict] | None = None) -> ImportJob:
    """Mark a job failed with a report; it wrote nothing."""
    job.status = JobStatus.FAILED
    job.phase = ImportPhase.DONE
    job.finished_at = timezone.now()
    job.error_report = (
        report if report is not None else [{"row": 0, "field": "", "message": message}]
    )
    job.save(update_fields=["status", "phase", "finished_at", "error_report", "updated_at"])
    _report_progress(job, job.processed_rows, persist=False)
    return job


def _read(job: ImportJob) -> Table:
    try:
        job.file.open("rb")
    except (FileNotFoundError, OSError):
        raise ImportFileError(_("The uploaded file is missing.")) from None
    try:
        return read_table(job.file, job.format)
    finally:
        job.file.close()


def _check_columns(job: ImportJob, header: list[str]) -> None:
    allowed, required = COLUMNS[job.kind], REQUIRED[job.kind]
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name not in allowed]
    problems = []
    if missing:
        problems.append(
            _("Missing required columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    if problems:
        problems.append(_("The columns are: %(columns)s.") % {"columns": ", ".join(allowed)})
        raise ImportFileError(" ".join(problems), code="columns")


def _validate(job: ImportJob):
    table = _read(job)
    _check_columns(job, table.header)
    if not table.rows:
        raise ImportFileError(_("The file has a header but no rows."), code="no_rows")
    job.total_rows = len(table.rows)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)
    progress = _Progress(job, persist=True)
    report = _Report()
    validate = _validate_products if job.kind == ImportKind.PRODUCTS else _validate_opening_stock
    plan = validate(job, table, report, progress.tick)
    if report.count:
        import_job_fail(job=job, message="", report=report.as_list())
        raise ImportStopped
    return plan


def _write(job: ImportJob, plan) -> None:
    job.phase = ImportPhase.WRITING
    _report_progress(job, 0, persist=True)
    progress = _Progress(job, persist=False)
    with transaction.atomic():
        # The job row is the gate: a second run waiting on this lock finds it succeeded.
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status == JobStatus.SUCCEEDED:
            return
        if job.kind == ImportKind.PRODUCTS:
            created, updated = _write_products(job, plan, progress.tick)
        else:
            created, updated = _write_opening_stock(job, plan, progress.tick)
        job.status = JobStatus.SUCCEEDED
        job.phase = ImportPhase.DONE
        job.processed_rows = job.total_rows
        job.created_count, job.updated_count = created, updated
        job.finished_at = timezone.now()
        job.save(
            update_fields=[
                "status",
                "phase",
                "processed_rows",
                "created_count",
                "updated_count",
                "finished_at",
                "updated_at",
            ]
        )
    _report_progress(job, job.total_rows, persist=False)


# --- products -------------------------------------------------------------------------------------


@dataclass
class _ProductPlan:
    rows: list[dict]  # cleaned field values, "sku" upper-case, "category" a path tuple
    existing_skus: dict[str, str]  # upper-case SKU → the SKU as stored
    categories: dict[tuple[int | None, str], int]  # (parent pk, lower name) → pk


def _validate_products(
    job: ImportJob, table: Table, report: _Report, tick: Callable
) -> _ProductPlan:
    organization_id = job.organization_id
    existing_rows = Product.objects.filter(organization_id=organization_id).values_list(
        "pk", "sku", "unit", "is_lot_tracked", "barcode"
    )
    existing: dict[str, int] = {}
    existing_sku_spelling: list[str] = []
    fixed: dict[int, tuple[str, bool]] = {}
    barcodes: dict[str, str] = {}
    for pk, sku, unit, lot_tracked, barcode in existing_rows.iterator(chunk_size=5000):
        existing[sku.upper()] = pk
        existing_sku_spelling.append(sku)
        fixed[pk] = (unit, lot_tracked)
        if barcode:
            barcodes[barcode] = sku.upper()
    with_history = set(
        StockLevel.objects.filter(organization_id=organization_id)
        .values_list("product_id", flat=True)
        .distinct()
    ) | set(
        StockMovement.objects.filter(organization_id=organization_id)
        .values_list("product_id", flat=True)
        .distinct()
    )
    seen_skus: dict[str, int] = {}
    seen_barcodes: dict[str, int] = {}
    rows: list[dict] = []
    for number, values in table.rows:
        tick()
        try:
            row = _clean_product(values)
        except CellError as exc:
            report.add(number, exc.field, exc.message)
            continue
        except _RowErrors as errors:
            for cell in errors.cells:
                report.add(number, cell.field, cell.message)
            continue
        sku = row["sku"]
        if sku in seen_skus:
            report.add(
                number,
                "sku",
                _("SKU %(sku)s appears more than once in the file (first on row %(row)s).")
                % {"sku": sku, "row": seen_skus[sku]},
            )
            continue
        seen_skus[sku] = number
        barcode = row["barcode"]
        if barcode:
            if barcode in seen_barcodes:
                report.add(
                    number,
                    "barcode",
                    _(
                        "Barcode %(barcode)s appears more than once in the file (first on row "
                        "%(row)s)."
                    )
                    % {"barcode": barcode, "row": seen_barcodes[barcode]},
                )
                continue
            seen_barcodes[barcode] = number
            owner = barcodes.get(barcode)
            if owner is not None and owner != sku:
                report.add(
                    number,
                    "barcode",
                    _("Barcode %(barcode)s is already used by product %(sku)s.")
                    % {"barcode": barcode, "sku": owner},
                )
                continue
        pk = existing.get(sku)
        if pk is not None and pk in with_history:
            unit, lot_tracked = fixed[pk]
            if row["unit"] != unit or row["is_lot_tracked"] != lot_tracked:
                report.add(
                    number,
                    "unit" if row["unit"] != unit else "is_lot_tracked",
                    _("The unit and lot tracking of %(sku)s cannot change: it has stock history.")
                    % {"sku": sku},
                )
                continue
        row["number"] = number
        rows.append(row)
    categories = {
        (parent_id, name.lower()): pk
        for pk, parent_id, name in Category.objects.filter(
            organization_id=organization_id
        ).values_list("pk", "parent_id", "name")
    }
    existing_skus = {sku.upper(): sku for sku in existing_sku_spelling}
    return _ProductPlan(rows=rows, existing_skus=existing_skus, categories=categories)


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


def _resolve_categories(job: ImportJob, plan: _ProductPlan) -> dict[tuple[str, ...], int]:
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


PRODUCT_UPDATE_FIELDS = [
    "name",
    "category",
    "unit",
    "cost_price",
    "sale_price",
    "reorder_point",
    "reorder_quantity",
    "barcode",
    "description",
    "is_lot_tracked",
    "is_active",
    "updated_at",
]


def _write_products(job: ImportJob, plan: _ProductPlan, tick: Callable) -> tuple[int, int]:
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


# --- opening stock --------------------------------------------------------------------------------


@dataclass
class _StockPlan:
    rows: list[dict]


def _validate_opening_stock(
    job: ImportJob, table: Table, report: _Report, tick: Callable
) -> _StockPlan:
    organization_id = job.organization_id
    products = {
        sku.upper(): (pk, unit, lot_tracked, active)
        for pk, sku, unit, lot_tracked, active in Product.objects.filter(
            organization_id=organization_id
        ).values_list("pk", "sku", "unit", "is_lot_tracked", "is_active")
    }
    warehouses = {
        code.upper(): (pk, active)
        for pk, code, active in Warehouse.objects.filter(
            organization_id=organization_id
        ).values_list("pk", "code", "is_active")
    }
    locations = {
        (warehouse_id, code.upper()): (pk, active)
        for pk, warehouse_id, code, active in Location.objects.filter(
            organization_id=organization_id
        ).values_list("pk", "warehouse_id", "code", "is_active")
    }
    lot_expiry = {
        (product_id, number): expiry
        for product_id, number, expiry in Lot.objects.filter(
            organization_id=organization_id
        ).values_list("product_id", "lot_number", "expiry_date")
    }
    rows = []
    for number, values in table.rows:
        tick()
        problems: list[CellError] = []
        try:
            row = _clean_stock_row(values, products, warehouses, locations, lot_expiry, problems)
        except CellError as exc:
            problems.append(exc)
            row = None
        for problem in problems:
            report.add(number, problem.field, problem.message)
        if row is not None and not problems:
            row["number"] = number
            rows.append(row)
    return _StockPlan(rows=rows)


def _clean_stock_row(values, products, warehouses, locations, lot_expiry, problems) -> dict | None:  # noqa: C901 - split with the imports module (issue 22)
    sku = validation.text(values, "sku", max_length=64, required=True).upper()
    product = products.get(sku)
    if product is None:
        raise CellError("sku", _("No product with SKU %(sku)s.") % {"sku": sku})
    product_id, unit, lot_tracked, active = product
    if not active:
        raise CellError("sku", _("Product %(sku)s is inactive.") % {"sku": sku})
    code = validation.text(values, "warehouse", max_length=20, required=True).upper()
    warehouse = warehouses.get(code)
    location = None
    if warehouse is None:
        problems.append(
            CellError("warehouse", _("No warehouse with code %(code)s.") % {"code": code})
        )
    elif not warehouse[1]:
        problems.append(
            CellError("warehouse", _("Warehouse %(code)s is inactive.") % {"code": code})
        )
    else:
        location_code = validation.text(values, "location", max_length=40, required=True).upper()
        location = locations.get((warehouse[0], location_code))
        if location is None:
            problems.append(
                CellError(
                    "location",
                    _("No location %(location)s in warehouse %(warehouse)s.")
                    % {"location": location_code, "warehouse": code},
                )
            )
        elif not location[1]:
            problems.append(
                CellError(
                    "location",
                    _("Location %(location)s is inactive.") % {"location": location_code},
                )
            )
    row: dict = {"product_id": product_id, "location_id": location[0] if location else None}
    checks = {
        "quantity": lambda: validation.decimal(
            values,
            "quantity",
            places=UnitOfMeasure.decimal_places(unit),
            max_digits=QUANTITY_DIGITS,
            default=None,
            positive=True,
        ),
        "unit_cost": lambda: validation.decimal(
            values, "unit_cost", places=COST_PLACES, max_digits=MONEY_DIGITS, default=None
        ),
        "lot_number": lambda: validation.text(values, "lot_number", max_length=64),
        "expiry_date": lambda: validation.iso_date(values, "expiry_date"),
    }
    for name, check in checks.items():
        try:
            row[name] = check()
        except CellError as exc:
            problems.append(exc)
    if problems:
        return None
    if lot_tracked and not row["lot_number"]:
        raise CellError(
            "lot_number", _("Product %(sku)s is tracked by lot: enter a lot number.") % {"sku": sku}
        )
    if not lot_tracked and (row["lot_number"] or row["expiry_date"]):
        field_name = "lot_number" if row["lot_number"] else "expiry_date"
        raise CellError(field_name, _("Product %(sku)s is not tracked by lot.") % {"sku": sku})
    if lot_tracked:
        key = (product_id, row["lot_number"])
        known = lot_expiry.get(key)
        if key in lot_expiry and row["expiry_date"] and known and known != row["expiry_date"]:
            raise CellError(
                "expiry_date",
                _("Lot %(lot)s already has expiry date %(date)s.")
                % {"lot": row["lot_number"], "date": known.isoformat()},
            )
        if known is None and row["expiry_date"]:
            # Later rows of the same lot must agree with this one.
            lot_expiry[key] = row["expiry_date"]
        elif key not in lot_expiry:
            lot_expiry[key] = None
    return row


def _write_opening_stock(job: ImportJob, plan: _StockPlan, tick: Callable) -> tuple[int, int]:
    """Post every row as one bulk receipt: a few hundred statements for 100,000 rows instead of
    ten per row, with the same checks, lots and average costs as one stock_receive per row."""
    products = Product.objects.in_bulk({row["product_id"] for row in plan.rows})
    # The warehouse names the location in the live stock events sent after commit.
    locations = Location.objects.select_related("warehouse").in_bulk(
        {row["location_id"] for row in plan.rows}
    )
    lines = [
        ReceiptLine(
            product=products[row["product_id"]],
            location=locations[row["location_id"]],
            quantity=row["quantity"],
            unit_cost=row["unit_cost"],
            lot_number=row["lot_number"],
            expiry_date=row["expiry_date"],
            idempotency_key=f"import-{job.pk}-row-{row['number']}",
        )
        for row in plan.rows
    ]

    def written(count: int) -> None:
        for _line in range(count):
            tick()

    try:
        stock_receive_bulk(
            organization=job.organization_id,
            lines=lines,
            user=job.created_by,
            reference=_("Import #%(id)s") % {"id": job.pk},
            reason=_("Opening stock"),
            on_progress=written,
        )
    except ApplicationError as exc:
        # Something changed since validation (e.g. a location was deactivated): all or
        # nothing, so the whole import is rolled back and the refused row is reported.
        line = exc.extra.get("index")
        raise _WriteRefused(plan.rows[line]["number"] if line is not None else 0, exc) from exc
    return len(plan.rows), 0


class _WriteRefused(Exception):
    def __init__(self, row: int, error: ApplicationError) -> None:
        super().__init__(error.message)
        self.row = row
        self.error = error


# --- exports ------------------------------------------------------------------------------------


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write the export file and mark the job succeeded; a finished job is left alone."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    if job.attempts >= MAX_ATTEMPTS:
        return export_job_fail(
            job=job, message=_("The export was interrupted too many times. Request it again.")
        )
    job.attempts += 1
    job.status = JobStatus.RUNNING
    job.save(update_fields=["attempts", "status", "updated_at"])
    with organization_scope(job.organization_id):
        try:
            header, rows = selectors.export_rows(
                organization=job.organization_id,
                kind=job.kind,
                date_from=job.date_from,
                date_to=job.date_to,
            )
            with tempfile.TemporaryFile() as handle:
                if job.format == FileFormat.XLSX:
                    formats = selectors.export_number_formats(
                        organization=job.organization_id, header=header
                    )
                    count = write_xlsx(handle, header, rows, number_formats=formats)
                else:
                    count = write_csv(handle, header, rows)
                handle.seek(0)
                job.file.save(f"{job.kind}.{job.format}", File(handle), save=False)
            with transaction.atomic():
                locked = ExportJob.objects.select_for_update().get(pk=job.pk)
                if locked.status == JobStatus.SUCCEEDED:  # a concurrent run finished first
                    return locked
                job.status = JobStatus.SUCCEEDED
                job.row_count = count
                job.finished_at = timezone.now()
                job.save(update_fields=["file", "status", "row_count", "finished_at", "updated_at"])
        except OperationalError:
            raise
        except Exception:
            logger.exception("export job %s failed", job.pk)
            return export_job_fail(job=job, message=_("An unexpected error stopped the export."))
    return job


def export_job_fail(*, job: ExportJob, message: str) -> ExportJob:
    job.status = JobStatus.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "updated_at"])
    return job


def import_template(kind: str) -> tuple[list[str], list[str]]:
    """The columns of an import kind and one example row, for the downloadable template."""
    return list(COLUMNS[kind]), list(TEMPLATE_EXAMPLES[kind])
