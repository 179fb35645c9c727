"""Admin for the catalog. Bulk actions call the catalog services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from stockroom.accounts.admin_mixins import TenantHistoryAdmin, TenantInlineMixin, export_as_csv

from .models import Category, Customer, Product, ProductSupplier, Supplier
from .services import product_deactivate_many


@admin.register(Category)
class CategoryAdmin(TenantHistoryAdmin):
    list_display = ["name", "parent", "created_at"]
    list_filter = ["parent"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


class ProductSupplierInline(TenantInlineMixin, admin.TabularInline):
    model = ProductSupplier
    extra = 0
    fields = ["supplier", "supplier_sku", "price", "lead_time_days", "is_preferred"]
    autocomplete_fields = ["supplier"]


class ProductLinkInline(ProductSupplierInline):
    fields = ["product", "supplier_sku", "price", "lead_time_days", "is_preferred"]
    autocomplete_fields = ["product"]


@admin.action(description=_("Deactivate selected products"))
def deactivate_products(modeladmin, request, queryset):
    # The change list's queryset holds only the active organization's products.
    changed = product_deactivate_many(
        organization=request.organization, product_ids=list(queryset.values_list("pk", flat=True))
    )
    modeladmin.message_user(
        request,
        ngettext("%(count)d product deactivated.", "%(count)d products deactivated.", changed)
        % {"count": changed},
        messages.SUCCESS,
    )


@admin.register(Product)
class ProductAdmin(TenantHistoryAdmin):
    list_display = [
        "sku",
        "name",
        "category",
        "unit",
        "cost_price",
        "average_cost",
        "sale_price",
        "stock_on_hand",
        "stock_reserved",
        "reorder_point",
        "is_lot_tracked",
        "is_active",
    ]
    list_filter = ["is_active", "is_lot_tracked", "unit", "category"]
    search_fields = ["sku", "name", "barcode"]
    autocomplete_fields = ["category"]
    list_select_related = ["category"]
    readonly_fields = ["average_cost", "stock_on_hand", "stock_reserved", "thumbnail"]
    inlines = [ProductSupplierInline]
    actions = [deactivate_products, export_as_csv]


@admin.register(Supplier)
class SupplierAdmin(TenantHistoryAdmin):
    list_display = ["name", "contact_name", "email", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact_name", "email", "tax_id"]
    inlines = [ProductLinkInline]


@admin.register(Customer)
class CustomerAdmin(TenantHistoryAdmin):
    list_display = ["name", "contact_name", "email", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact_name", "email"]


@admin.register(ProductSupplier)
class ProductSupplierAdmin(TenantHistoryAdmin):
    list_display = [
        "product",
        "supplier",
        "supplier_sku",
        "price",
        "lead_time_days",
        "is_preferred",
    ]
    list_filter = ["is_preferred", "supplier"]
    search_fields = ["product__sku", "product__name", "supplier__name", "supplier_sku"]
    autocomplete_fields = ["product", "supplier"]
    list_select_related = ["product", "supplier"]
