"""Admin for orders and counts: browse, filter, export, cancel through the services.

Documents are read-only here: lines and states change only through the services (the web UI),
so the admin cannot bypass the state machines or the stock ledger.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from stockroom.accounts.admin_mixins import (
    ReadOnlyTenantAdmin,
    TenantHistoryAdmin,
    TenantInlineMixin,
    export_as_csv,
)
from stockroom.accounts.roles import Action
from stockroom.core.exceptions import ApplicationError

from . import services
from .models import (
    Document,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
    StockCount,
    StockCountLine,
)
from .transitions import transitions_of


class ReadOnlyInline(TenantInlineMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class PurchaseOrderLineInline(ReadOnlyInline):
    model = PurchaseOrderLine
    fields = ["product", "quantity", "unit_price", "received_quantity"]


class SalesOrderLineInline(ReadOnlyInline):
    model = SalesOrderLine
    fields = ["product", "quantity", "unit_price", "backordered_quantity", "shipped_quantity"]


class ShipmentLineInline(ReadOnlyInline):
    model = ShipmentLine
    fields = ["line", "location", "lot", "quantity", "movement"]


class StockCountLineInline(ReadOnlyInline):
    model = StockCountLine
    fields = [
        "location",
        "product",
        "lot",
        "expected_quantity",
        "counted_quantity",
        "posted_variance",
    ]


class DocumentAdmin(TenantHistoryAdmin):
    """View-only documents with a "cancel" action that goes through `cancel_service`.

    Their states change only through the services: no change form, and no history revert
    (reverting a cancelled order to "sent" let stock be received against it).
    """

    manage_action = Action.MANAGE_ORDERS
    # Read through the class, so that the function is not bound to the admin.
    cancel_service: Callable[..., Document]
    cancel_keyword = "order"
    actions = [export_as_csv, "cancel_selected"]
    search_fields = ["number"]
    date_hierarchy = "created_at"
    history_revert = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_cancel_permission(self, request) -> bool:
        return self._role_allows(request, transitions_of(self.model)["cancel"].action)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "organization"]

    @admin.action(description=_("Cancel selected"), permissions=["cancel"])
    def cancel_selected(self, request, queryset):
        self.run_service_on_each(
            request, queryset, type(self).cancel_service, _("%(count)d cancelled.")
        )

    def run_service_on_each(self, request, queryset, service, done_message) -> None:
        """Call `service` on each selected document; one message for those it changed and one
        per refusal (the others still go through)."""
        done, refused = 0, []
        for document in queryset:
            try:
                service(**{self.cancel_keyword: document}, user=request.user)
                done += 1
            except ApplicationError as exc:
                refused.append(f"{document.number}: {exc.message}")
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        for refusal in refused:
            self.message_user(request, refusal, messages.ERROR)


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(DocumentAdmin):
    list_display = ["number", "supplier", "status", "expected_date", "sent_at", "created_at"]
    list_filter = ["status", "supplier"]
    search_fields = ["number", "supplier__name"]
    list_select_related = ["supplier"]
    inlines = [PurchaseOrderLineInline]
    cancel_service = services.purchase_order_cancel
    actions = [*DocumentAdmin.actions, "close_selected"]

    def has_close_permission(self, request) -> bool:
        return self._role_allows(request, transitions_of(self.model)["close"].action)

    @admin.action(description=_("Close selected short"), permissions=["close"])
    def close_selected(self, request, queryset):
        self.run_service_on_each(
            request, queryset, services.purchase_order_close, _("%(count)d closed short.")
        )


@admin.register(SalesOrder)
class SalesOrderAdmin(DocumentAdmin):
    list_display = ["number", "customer", "status", "confirmed_at", "shipped_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["number", "customer__name"]
    list_select_related = ["customer"]
    inlines = [SalesOrderLineInline]
    cancel_service = services.sales_order_cancel


@admin.register(StockCount)
class StockCountAdmin(DocumentAdmin):
    manage_action = Action.APPROVE_COUNTS
    list_display = ["number", "warehouse", "location", "status", "approved_at", "created_at"]
    list_filter = ["status", "warehouse"]
    search_fields = ["number", "warehouse__code", "location__code"]
    list_select_related = ["warehouse", "location__warehouse"]
    inlines = [StockCountLineInline]
    cancel_service = services.stock_count_cancel
    cancel_keyword = "count"


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyTenantAdmin):
    """Shipments are written only by `sales_order_ship` (each issued stock): view-only here."""

    list_display = ["number", "order", "carrier", "tracking_number", "shipped_at", "shipped_by"]
    search_fields = ["number", "order__number", "tracking_number"]
    list_select_related = ["order", "shipped_by"]
    date_hierarchy = "shipped_at"
    actions = [export_as_csv]
    inlines = [ShipmentLineInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "organization"]
