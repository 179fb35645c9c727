from django.contrib import admin

from stockroom.accounts.admin_mixins import ReadOnlyTenantAdmin
from stockroom.accounts.roles import Action

from .models import StockValueSnapshot


@admin.register(StockValueSnapshot)
class StockValueSnapshotAdmin(ReadOnlyTenantAdmin):
    """Derived from the ledger by the snapshot task: viewable and exportable, never edited."""

    manage_action = Action.VIEW_REPORTS
    list_display = ["day", "value", "created_at"]
    list_filter = ["day"]
    date_hierarchy = "day"
