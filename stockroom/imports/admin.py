from django.contrib import admin

from stockroom.accounts.admin_mixins import TenantAdmin
from stockroom.accounts.roles import Action

from .models import ExportJob, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(TenantAdmin):
    """Jobs are created by uploads and finished by the worker: their results are read-only."""

    manage_action = Action.MANAGE_CATALOG
    list_display = [
        "original_filename",
        "kind",
        "format",
        "status",
        "total_rows",
        "processed_rows",
        "created_by",
        "organization",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "format", "created_at"]
    search_fields = ["original_filename", "created_by__email"]
    list_select_related = ["created_by", "organization"]
    readonly_fields = [
        "organization",
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

    def has_add_permission(self, request):
        return False


@admin.register(ExportJob)
class ExportJobAdmin(TenantAdmin):
    manage_action = Action.EXPORT_REPORTS
    list_display = [
        "kind",
        "format",
        "status",
        "row_count",
        "date_from",
        "date_to",
        "created_by",
        "organization",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "format", "created_at"]
    search_fields = ["created_by__email"]
    list_select_related = ["created_by", "organization"]
    readonly_fields = [
        "organization",
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

    def has_add_permission(self, request):
        return False
