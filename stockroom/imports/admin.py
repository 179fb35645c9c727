from django.contrib import admin

from stockroom.accounts.admin_mixins import ReadOnlyTenantAdmin
from stockroom.accounts.roles import Action

from .models import ExportJob, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyTenantAdmin):
    """Jobs are created by uploads and finished by the worker: view-only here."""

    manage_action = Action.MANAGE_CATALOG
    list_display = [
        "original_filename",
        "kind",
        "format",
        "status",
        "total_rows",
        "processed_rows",
        "created_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "format", "created_at"]
    search_fields = ["original_filename", "created_by__email"]
    list_select_related = ["created_by"]
    readonly_fields = [
        "kind",
        "file",
        "original_filename",
        "format",
        "status",
        "phase",
        "total_rows",
        "processed_rows",
        "created_count",
        "updated_count",
        "error_report",
        "created_by",
        "started_at",
        "finished_at",
        "attempts",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "created_at"


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyTenantAdmin):
    """Jobs are created by requests and finished by the worker: view-only here."""

    manage_action = Action.EXPORT_REPORTS
    list_display = [
        "kind",
        "format",
        "status",
        "row_count",
        "date_from",
        "date_to",
        "created_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "format", "created_at"]
    search_fields = ["created_by__email"]
    list_select_related = ["created_by"]
    readonly_fields = [
        "kind",
        "format",
        "date_from",
        "date_to",
        "status",
        "file",
        "row_count",
        "error",
        "created_by",
        "finished_at",
        "attempts",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "created_at"
