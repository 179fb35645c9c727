"""Admin base classes for tenant data: scoping and the role policy, defined once."""

from typing import ClassVar

from simple_history.admin import SimpleHistoryAdmin

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stockroom.core.spreadsheets import csv_writer

from .models import Membership, Organization, User
from .roles import Action

ORGANIZATION_FIELD = "organization"


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


def tenant_choices(model, organization) -> QuerySet:
    """The rows of `model` that the active organization may pick or filter by.

    Explicit about the organization rather than relying on the request's tenant scope, so a
    choice list holds even where no scope is active. A model the admin does not know how to scope
    offers nothing: a new foreign key fails closed until someone decides what it may show.
    """
    if organization is None:
        return model._default_manager.none()
    if model is Organization:
        return Organization.objects.filter(pk=organization.pk)
    if model is User:
        members = Membership.objects.filter(organization=organization).values("user_id")
        return User.objects.filter(pk__in=members)
    if _is_tenant_model(model):
        # `unscoped` with an explicit filter: the admin names the organization itself.
        return model.unscoped.filter(organization=organization)
    return model._default_manager.none()


def _is_tenant_model(model) -> bool:
    return hasattr(model, "unscoped")


class TenantRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-object filter listing only the active organization's rows (by default Django
    lists every row of the related table: every tenant's names)."""

    def field_choices(self, field, request, model_admin):
        rows = tenant_choices(field.remote_field.model, getattr(request, "organization", None))
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            rows = rows.order_by(*ordering)
        return [(row.pk, str(row)) for row in rows]


class TenantFormMixin:
    """Gives a new row the active organization before validation.

    The organization is not a form field, and Django skips the unique checks of excluded fields:
    without this a duplicate SKU in the organization would reach the database as an
    IntegrityError (a 500) instead of a form error on the field.
    """

    tenant_organization = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.tenant_organization is not None and not self.instance.organization_id:
            self.instance.organization = self.tenant_organization

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.instance.organization_id:
            exclude.discard(ORGANIZATION_FIELD)
        return exclude


def _tenant_form(form_class, organization):
    return type(form_class)(
        form_class.__name__,
        (TenantFormMixin, form_class),
        {"tenant_organization": organization},
    )


class TenantChoicesMixin:
    """Foreign-key and many-to-many choices of forms limited to the active organization."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = tenant_choices(
                db_field.remote_field.model, getattr(request, "organization", None)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = tenant_choices(
                db_field.remote_field.model, getattr(request, "organization", None)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_exclude(self, request, obj=None):
        # The organization is never chosen in a form: it is the active one, set on save.
        return [*(super().get_exclude(request, obj) or []), ORGANIZATION_FIELD]

    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if name != ORGANIZATION_FIELD]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [name for name in fields if name != ORGANIZATION_FIELD]


class TenantInlineMixin(TenantChoicesMixin):
    """Inline rows: the parent's organization's rows only, choices limited the same way."""

    # The parent's admin applies the role policy; its rows follow it. (Django's own inline checks
    # ask for model permissions, which the role policy never grants: owners could not edit them.)
    def _parent_admin(self):
        return self.admin_site.get_model_admin(self.parent_model)

    def has_view_permission(self, request, obj=None):
        return self._parent_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        if _is_tenant_model(self.model):
            kwargs.setdefault(
                "form", _tenant_form(self.form, getattr(request, "organization", None))
            )
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not _is_tenant_model(self.model):
            return queryset
        organization = getattr(request, "organization", None)
        return queryset.filter(organization=organization) if organization else queryset.none()


class TenantAdmin(TenantChoicesMixin, admin.ModelAdmin):
    """Every staff user, superusers included, sees and writes only their active organization,
    with the rights their role grants on `manage_action`. Platform operators reach another
    organization by switching to it, never through an id or a select."""

    manage_action: Action = Action.MANAGE_CATALOG
    actions = [export_as_csv]
    # Typed as ModelAdmin types it, so that a subclass may name the relations instead.
    list_select_related: ClassVar[bool | list[str] | tuple[str, ...]] = True

    def get_queryset(self, request):
        queryset = tenant_choices(self.model, getattr(request, "organization", None))
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault("form", _tenant_form(self.form, getattr(request, "organization", None)))
        return super().get_form(request, obj, change, **kwargs)

    def get_list_filter(self, request):
        # Related-object filters list the related table; limit every one of them to the active
        # organization, including ones added later, rather than trusting each admin to.
        return [self._tenant_list_filter(item) for item in super().get_list_filter(request)]

    def _tenant_list_filter(self, item):
        if not isinstance(item, str):
            return item
        try:
            field = get_fields_from_path(self.model, item)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return item
        if field.is_relation and not field.auto_created:
            return (item, TenantRelatedFieldListFilter)
        return item

    def _role_allows(self, request, action) -> bool:
        membership = getattr(request, "membership", None)
        if membership is None:
            return False
        return bool(request.user.is_superuser or (request.user.is_staff and membership.can(action)))

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
        if not change:
            # Whatever the object carries, a new row belongs to the active organization.
            obj.organization = request.organization
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # Inline rows belong to the organization of the object they are edited with.
        for row in formset.save(commit=False):
            if hasattr(row, "organization_id"):
                row.organization_id = form.instance.organization_id
            row.save()
        for row in formset.deleted_objects:
            row.delete()
        formset.save_m2m()


class ReadOnlyTenantAdmin(TenantAdmin):
    """For append-only records such as the stock ledger: viewable and exportable, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TenantHistoryAdmin(SimpleHistoryAdmin, TenantAdmin):
    """simple-history's pages, resolved through the scoped queryset.

    simple-history falls back to the historical row when the live object is not found, which
    showed (and reverted) another organization's records. Here the live object must be in the
    active organization's queryset, or the page is a 404. A revert writes only the fields the
    change form may write, so it can never do more than saving that form with older values;
    `history_revert = False` turns it off where only services may change the state.
    """

    history_revert: bool = True

    def _scoped_object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._scoped_object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self._scoped_object_or_404(request, object_id)
        if request.method == "POST":
            if self.revert_disabled(request, obj):
                raise PermissionDenied
            request._stockroom_history_revert = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        if not self.history_revert or not self.has_change_permission(request, obj):
            return True
        return super().revert_disabled(request, obj)

    def save_model(self, request, obj, form, change):
        if getattr(request, "_stockroom_history_revert", False):
            # `obj` is the historical copy: writing it whole would also restore fields the form
            # does not offer (states, totals kept by services, the organization).
            obj._history_user = request.user
            obj.save(update_fields=[name for name in form.fields if name in _concrete(obj)])
            return
        super().save_model(request, obj, form, change)


def _concrete(obj) -> set[str]:
    return {field.name for field in obj._meta.concrete_fields if not field.primary_key}


class PlatformAdmin(admin.ModelAdmin):
    """Users, organizations and memberships span tenants: platform operators (superusers) only,
    whatever model permissions a staff user may have been given."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
