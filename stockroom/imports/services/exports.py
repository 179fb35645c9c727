"""Export jobs: recording a request, writing its file (from tasks) through the one CSV/XLSX
writer, failing it."""

import logging
import tempfile
from datetime import date

from django.core.files import File
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stockroom.accounts.models import Organization, User
from stockroom.core.exceptions import ApplicationError
from stockroom.core.forms import EARLIEST_DAY, LATEST_DAY
from stockroom.core.spreadsheets import write_csv, write_xlsx
from stockroom.core.tenancy import organization_scope

from .. import selectors
from ..models import ExportJob, ExportKind, FileFormat, JobStatus
from .jobs import MAX_ATTEMPTS, queue_after_commit

logger = logging.getLogger(__name__)


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
    for name, day in (("date_from", date_from), ("date_to", date_to)):
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise ApplicationError(
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()},
                code="date_out_of_range",
                field=name,
            )
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
    queue_after_commit("run_export_job", job.organization_id, job.pk)
    return job


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
    """Mark an export failed with the message its page shows."""
    job.status = JobStatus.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "updated_at"])
    return job
