"""Admin for the catalog. Bulk actions call the catalog services."""

from itertools import groupby

from simple_history.admin import SimpleHistoryAdmin

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from stockroom.accounts.admin_mixins import TenantAdmin, export_as_csv
from stockroom.core.tenancy import organization_scope

from .models import Category, Customer, Product, ProductSupplier, Supplier
from .services import product_deactivate_many


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin, TenantAdmin):
    list_display = ["name", "parent", "organization", "created_at"]
    list_filter = ["organization"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent", "organization"]


class ProductSupplierInline(admin.TabularInline):
    model = ProductSupplier
    extra = 0
    fields = ["supplier", "supplier_sku", "price", "lead_time_days", "is_preferred"]
    autocomplete_fields = ["supplier"]


class ProductLinkInline(ProductSupplierInline):
    fields = ["product", "supplier_sku", "price", "lead_time_days", "is_preferred"]
    autocomplete_fields = ["product"]


class _InlineOrganizationMixin:
    """Inline rows take the organization of the object they are edited with."""

    def save_formset(self, request, form, formset, change):
        for row in formset.save(commit=False):
            row.organization_id = form.instance.organization_id
            row.save()
        for row in formset.deleted_objects:
            row.delete()
        formset.save_m2m()


@admin.action(description=_("Deactivate selected products"))
def deactivate_products(modeladmin, request, queryset):
    changed = 0
    rows = queryset.order_by("organization_id").values_list("organization_id", "pk")
    for organization_id, group in groupby(rows, key=lambda row: row[0]):
        with organization_scope(organization_id):
            changed += product_deactivate_many(
                organization=organization_id, product_ids=[pk for _org, pk in group]
            )
    modeladmin.message_user(
        request,
        ngettext("%(count)d product deactivated.", "%(count)d products deactivated.", changed)
        % {"count": changed},
        messages.SUCCESS,
    )


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin, _InlineOrganizationMixin, TenantAdmin):
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
        "organization",
    ]
    list_filter = ["is_active", "is_lot_tracked", "unit", "organization"]
    search_fields = ["sku", "name", "barcode"]
    autocomplete_fields = ["category"]
    list_select_related = ["category", "organization"]
    readonly_fields = ["average_cost", "stock_on_hand", "stock_reserved", "thumbnail"]
    inlines = [ProductSupplierInline]
    actions = [deactivate_products, export_as_csv]


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin, _InlineOrganizationMixin, TenantAdmin):
    list_display = ["name", "contact_name", "email", "phone", "is_active", "organization"]
    list_filter = ["is_active", "organization"]
    search_fields = ["name", "contact_name", "email", "tax_id"]
    list_select_related = ["organization"]
    inlines = [ProductLinkInline]


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin, TenantAdmin):
    list_display = ["name", "contact_name", "email", "phone", "is_active", "organization"]
    list_filter = ["is_active", "organization"]
    search_fields = ["name", "contact_name", "email"]
    list_select_related = ["organization"]


@admin.register(ProductSupplier)
class ProductSupplierAdmin(SimpleHistoryAdmin, TenantAdmin):
    list_display = [
        "product",
        "supplier",
        "supplier_sku",
        "price",
        "lead_time_days",
        "is_preferred",
    ]
    list_filter = ["is_preferred", "organization"]
    search_fields = ["product__sku", "product__name", "supplier__name", "supplier_sku"]
    autocomplete_fields = ["product", "supplier"]
    list_select_related = ["product", "supplier"]
