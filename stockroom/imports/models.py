"""Import and export jobs: an uploaded file applied all-or-nothing, a file produced on request."""

import zoneinfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stockroom.core.models import TenantModel


class FileFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (XLSX)")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED)


class ImportKind(models.TextChoices):
    PRODUCTS = "products", _("Products")
    OPENING_STOCK = "opening_stock", _("Opening stock")


class ImportPhase(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Checking rows")
    WRITING = "writing", _("Writing")
    DONE = "done", _("Done")


class ExportKind(models.TextChoices):
    PRODUCTS = "products", _("Products")
    STOCK_LEVELS = "stock_levels", _("Stock levels")
    MOVEMENTS = "movements", _("Stock movements")


class Job(TenantModel):
    """What import and export jobs share: a file format, a status the worker moves to finished,
    who asked, and how many times the worker tried."""

    format = models.CharField(_("format"), max_length=8, choices=FileFormat.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class ImportJob(Job):
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_filename = models.CharField(_("original file name"), max_length=255)
    phase = models.CharField(
        _("phase"), max_length=16, choices=ImportPhase.choices, default=ImportPhase.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    # [{"row": 3, "field": "unit", "message": "..."}]; row 0 is about the file as a whole.
    error_report = models.JSONField(_("errors"), default=list, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="imports_import_org_time_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_filename}"

    def get_absolute_url(self) -> str:
        return reverse("imports:import_detail", kwargs={"pk": self.pk})

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ExportJob(Job):
    kind = models.CharField(_("kind"), max_length=20, choices=ExportKind.choices)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta(Job.Meta):
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="imports_export_org_time_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_format_display()})"

    def get_absolute_url(self) -> str:
        return reverse("imports:export_detail", kwargs={"pk": self.pk})

    @property
    def download_name(self) -> str:
        # Stamped in the organization's time zone: the file says when its reader asked for it.
        zone = zoneinfo.ZoneInfo(self.organization.time_zone)
        stamp = self.created_at.astimezone(zone).strftime("%Y%m%d-%H%M")
        return f"{self.kind}-{stamp}.{self.format}"
