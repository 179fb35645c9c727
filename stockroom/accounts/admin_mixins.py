"""Admin base classes for tenant data: scoping and the role policy, defined once."""

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stockroom.core.spreadsheets import csv_writer

from .roles import Action


@admin.action(description=_("Export selected as CSV"))
def export_as_csv(modeladmin, request, queryset):
    """Download the selected rows with the columns of the change list."""
    fields = [name for name in modeladmin.get_list_display(request) if name != "action_checkbox"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="{queryset.model._meta.model_name}-{stamp}.csv"'
    )
    writer = csv_writer(response)
    writer.writerow(fields)
    for obj in queryset:
        row = []
        for name in fields:
            value = getattr(modeladmin, name, None)
            if callable(value):
                row.append(value(obj))
            else:
                attribute = getattr(obj, name, "")
                row.append(attribute() if callable(attribute) else attribute)
        writer.writerow(row)
    return response


class TenantAdmin(admin.ModelAdmin):
    """Superusers (platform operators) see every organization; any other staff user sees only
    their active organization, with the rights their role grants on `manage_action`."""

    manage_action: Action = Action.MANAGE_CATALOG
    actions = [export_as_csv]
    list_select_related = True

    def get_queryset(self, request):
        queryset = self.model.unscoped.get_queryset()
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        if request.user.is_superuser:
            return queryset
        organization = getattr(request, "organization", None)
        return queryset.filter(organization=organization) if organization else queryset.none()

    def _role_allows(self, request, action) -> bool:
        if request.user.is_superuser:
            return True
        membership = getattr(request, "membership", None)
        return bool(request.user.is_staff and membership and membership.can(action))

    def has_module_permission(self, request):
        return self._role_allows(request, Action.VIEW)

    def has_view_permission(self, request, obj=None):
        return self._role_allows(request, Action.VIEW)

    def has_add_permission(self, request):
        return self._role_allows(request, self.manage_action)

    def has_change_permission(self, request, obj=None):
        return self._role_allows(request, self.manage_action)

    def has_delete_permission(self, request, obj=None):
        return self._role_allows(request, self.manage_action)

    def save_model(self, request, obj, form, change):
        if not change and not getattr(obj, "organization_id", None):
            obj.organization = request.organization
        super().save_model(request, obj, form, change)


class ReadOnlyTenantAdmin(TenantAdmin):
    """For append-only records such as the stock ledger: viewable and exportable, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
