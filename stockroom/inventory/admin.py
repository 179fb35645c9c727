"""Admin for places, lots and (read-only) stock. The ledger is never edited here."""

from simple_history.admin import SimpleHistoryAdmin

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from stockroom.accounts.admin_mixins import ReadOnlyTenantAdmin, TenantAdmin
from stockroom.accounts.roles import Action

from .models import Location, Lot, StockLevel, StockMovement, Warehouse


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0
    fields = ["code", "name", "parent", "is_active"]
    autocomplete_fields = ["parent"]
    show_change_link = True


@admin.register(Warehouse)
class WarehouseAdmin(SimpleHistoryAdmin, TenantAdmin):
    manage_action = Action.MANAGE_WAREHOUSES
    list_display = ["code", "name", "organization", "is_active", "created_at"]
    list_filter = ["is_active", "organization"]
    search_fields = ["code", "name"]
    list_select_related = ["organization"]
    inlines = [LocationInline]

    def save_formset(self, request, form, formset, change):
        # Inline locations belong to the warehouse's organization.
        for location in formset.save(commit=False):
            location.organization_id = form.instance.organization_id
            location.save()
        for location in formset.deleted_objects:
            location.delete()
        formset.save_m2m()


@admin.register(Location)
class LocationAdmin(SimpleHistoryAdmin, TenantAdmin):
    manage_action = Action.MANAGE_WAREHOUSES
    list_display = ["__str__", "name", "warehouse", "parent", "is_active", "organization"]
    list_filter = ["is_active", "warehouse__organization", "warehouse"]
    search_fields = ["code", "name", "warehouse__code"]
    autocomplete_fields = ["warehouse", "parent"]
    list_select_related = ["warehouse", "parent__warehouse", "organization"]
    ordering = ["warehouse__code", "code"]


@admin.register(Lot)
class LotAdmin(TenantAdmin):
    manage_action = Action.MANAGE_CATALOG
    list_display = ["lot_number", "product", "expiry_date", "organization", "created_at"]
    list_filter = ["organization", ("expiry_date", admin.DateFieldListFilter)]
    search_fields = ["lot_number", "product__sku", "product__name"]
    autocomplete_fields = ["product"]
    list_select_related = ["product", "organization"]
    date_hierarchy = "expiry_date"


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyTenantAdmin):
    """Balances change only through the stock services."""

    list_display = ["product", "location", "lot", "on_hand", "reserved", "available_display"]
    list_filter = ["organization", "location__warehouse"]
    search_fields = ["product__sku", "product__name", "location__code", "lot__lot_number"]
    list_select_related = ["product", "location__warehouse", "lot"]
    ordering = ["product__sku", "location__code"]

    @admin.display(description=_("available"))
    def available_display(self, obj: StockLevel):
        return obj.available


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyTenantAdmin):
    """The append-only ledger: browse and export only."""

    list_display = [
        "occurred_at",
        "kind",
        "product",
        "lot",
        "quantity",
        "from_location",
        "to_location",
        "unit_cost",
        "reference",
        "user",
    ]
    list_filter = ["kind", "organization", ("occurred_at", admin.DateFieldListFilter)]
    search_fields = ["product__sku", "product__name", "reference", "reason", "lot__lot_number"]
    list_select_related = [
        "product",
        "lot",
        "from_location__warehouse",
        "to_location__warehouse",
        "user",
    ]
    date_hierarchy = "occurred_at"
    ordering = ["-occurred_at", "-id"]
    show_full_result_count = False
