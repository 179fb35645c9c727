from django.contrib import admin

from stockroom.accounts.admin_mixins import TenantAdmin
from stockroom.accounts.roles import Action

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(TenantAdmin):
    manage_action = Action.MANAGE_ORGANIZATION
    list_display = [
        "title",
        "kind",
        "recipient",
        "organization",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    list_filter = ["kind", "read_at", "created_at"]
    search_fields = ["title", "recipient__email"]
    list_select_related = ["recipient", "organization"]
    readonly_fields = ["dedupe_key", "emailed_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"
