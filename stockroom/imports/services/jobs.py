"""Import jobs: creating them, running them (from tasks), failing them; what every job shares
(its attempts, queueing its task after commit).

An import reads the whole file and checks every row before it writes anything; then it writes
all rows and marks the job succeeded in ONE transaction. A worker that dies or fails mid-write
therefore leaves nothing behind, and a job that succeeded is never applied twice. What a row
must hold and how it is written is each kind's: products.py and opening_stock.py.
"""

import logging
import math
import os
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stockroom.accounts.models import Organization, User
from stockroom.core import events
from stockroom.core.exceptions import ApplicationError
from stockroom.core.tenancy import organization_scope

from ..columns import OPENING_STOCK_COLUMNS, PRODUCT_COLUMNS
from ..models import FileFormat, ImportJob, ImportKind, ImportPhase, JobStatus
from ..parsers import ImportFileError, Table, read_table
from ..signals import job_progress
from ..validation import RowReport
from . import opening_stock, products
from .opening_stock import OPENING_STOCK_EXAMPLE, OPENING_STOCK_REQUIRED
from .products import PRODUCT_EXAMPLE, PRODUCT_REQUIRED

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
PROGRESS_EVERY_ROWS = 1000
PROGRESS_EVERY_SHARE = 0.02

COLUMNS = {ImportKind.PRODUCTS: PRODUCT_COLUMNS, ImportKind.OPENING_STOCK: OPENING_STOCK_COLUMNS}
REQUIRED = {
    ImportKind.PRODUCTS: PRODUCT_REQUIRED,
    ImportKind.OPENING_STOCK: OPENING_STOCK_REQUIRED,
}
TEMPLATE_EXAMPLES = {
    ImportKind.PRODUCTS: PRODUCT_EXAMPLE,
    ImportKind.OPENING_STOCK: OPENING_STOCK_EXAMPLE,
}
# What a kind's validation hands to its write phase.
Plan = products.ProductPlan | opening_stock.StockPlan


class ImportStopped(Exception):
    """Rows failed validation: the job fails with its report and nothing is written."""


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


def queue_after_commit(task_name: str, organization_id: int, job_id: int) -> None:
    """Queue the job's task once the transaction that created the job commits."""
    from .. import tasks  # tasks import this package

    events.on_commit(
        partial(getattr(tasks, task_name).delay, organization_id, job_id),
        hook=f"imports.{task_name}",
    )


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
    queue_after_commit("run_import_job", job.organization_id, job.pk)
    return job


def import_template(kind: str) -> tuple[list[str], list[str]]:
    """The columns of an import kind and one example row, for the downloadable template."""
    return list(COLUMNS[kind]), list(TEMPLATE_EXAMPLES[kind])


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
        except opening_stock.WriteRefused as exc:
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


def _validate(job: ImportJob) -> Plan:
    table = _read(job)
    _check_columns(job, table.header)
    if not table.rows:
        raise ImportFileError(_("The file has a header but no rows."), code="no_rows")
    job.total_rows = len(table.rows)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)
    progress = _Progress(job, persist=True)
    report = RowReport()
    validate = (
        products.validate_products
        if job.kind == ImportKind.PRODUCTS
        else opening_stock.validate_opening_stock
    )
    plan = validate(job, table, report, progress.tick)
    if report.count:
        import_job_fail(job=job, message="", report=report.as_list())
        raise ImportStopped
    return plan


def _write(job: ImportJob, plan: Plan) -> None:
    job.phase = ImportPhase.WRITING
    _report_progress(job, 0, persist=True)
    progress = _Progress(job, persist=False)
    with transaction.atomic():
        # The job row is the gate: a second run waiting on this lock finds it succeeded.
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status == JobStatus.SUCCEEDED:
            return
        if job.kind == ImportKind.PRODUCTS:
            created, updated = products.write_products(job, plan, progress.tick)
        else:
            created, updated = opening_stock.write_opening_stock(job, plan, progress.tick)
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
