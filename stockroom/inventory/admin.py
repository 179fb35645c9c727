"""Admin for places, lots and (read-only) stock. The ledger is never edited here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from stockroom.accounts.admin_mixins import (
    ReadOnlyTenantAdmin,
    TenantAdmin,
    TenantHistoryAdmin,
    TenantInlineMixin,
)
from stockroom.accounts.roles import Action

from .models import Location, Lot, StockLevel, StockMovement, Warehouse


class LocationInline(TenantInlineMixin, admin.TabularInline):
    model = Location
    extra = 0
    fields = ["code", "name", "parent", "is_active"]
    autocomplete_fields = ["parent"]
    show_change_link = True


@admin.register(Warehouse)
class WarehouseAdmin(TenantHistoryAdmin):
    manage_action = Action.MANAGE_WAREHOUSES
    list_display = ["code", "name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
    inlines = [LocationInline]


@admin.register(Location)
class LocationAdmin(TenantHistoryAdmin):
    manage_action = Action.MANAGE_WAREHOUSES
    list_display = ["__str__", "name", "warehouse", "parent", "is_active"]
    list_filter = ["is_active", "warehouse"]
    search_fields = ["code", "name", "warehouse__code"]
    autocomplete_fields = ["warehouse", "parent"]
    list_select_related = ["warehouse", "parent__warehouse"]
    ordering = ["warehouse__code", "code"]


@admin.register(Lot)
class LotAdmin(TenantAdmin):
    manage_action = Action.MANAGE_CATALOG
    list_display = ["lot_number", "product", "expiry_date", "created_at"]
    list_filter = [("expiry_date", admin.DateFieldListFilter)]
    search_fields = ["lot_number", "product__sku", "product__name"]
    autocomplete_fields = ["product"]
    list_select_related = ["product"]
    date_hierarchy = "expiry_date"


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyTenantAdmin):
    """Balances change only through the stock services."""

    list_display = ["product", "location", "lot", "on_hand", "reserved", "available_display"]
    list_filter = ["location__warehouse"]
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
        "reason_code",
        "product",
        "lot",
        "quantity",
        "from_location",
        "to_location",
        "unit_cost",
        "reference",
        "user",
    ]
    list_filter = ["kind", "reason_code", ("occurred_at", admin.DateFieldListFilter)]
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
