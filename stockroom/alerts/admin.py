from django.contrib import admin

from stockroom.accounts.admin_mixins import TenantAdmin
from stockroom.accounts.roles import Action

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(TenantAdmin):
    """Notifications are raised by the alert services for members: read and delete only."""

    manage_action = Action.MANAGE_ORGANIZATION
    list_display = [
        "title",
        "kind",
        "recipient",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    list_filter = ["kind", "read_at", "created_at"]
    search_fields = ["title", "recipient__email"]
    list_select_related = ["recipient"]
    readonly_fields = ["dedupe_key", "emailed_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
