"""Warehouse and location (bin) pages: lists, detail, create, edit, delete, and ranges of bins."""

from decimal import Decimal

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import (
    CreateView,
    DeleteView,
    DetailView,
    FormView,
    UpdateView,
)

from stockroom.accounts.permissions import TenantObjectMixin
from stockroom.accounts.roles import Action

from .. import selectors, services
from ..forms import (
    LocationFilterForm,
    LocationForm,
    LocationRangeForm,
    WarehouseFilterForm,
    WarehouseForm,
)
from ..models import Location, Warehouse
from .common import InventoryListView, PlaceDeleteMixin, PlaceFormMixin

ZERO = Decimal("0")
RECENT_MOVEMENTS = 20
LOCATION_LEVELS_SHOWN = 50


# --- Warehouses -----------------------------------------------------------------------------


class WarehouseListView(InventoryListView):
    template_name = "inventory/warehouse_list.html"
    partial_template_name = "inventory/partials/warehouse_table.html"
    filter_form_class = WarehouseFilterForm
    context_object_name = "warehouses"

    def get_queryset(self):
        form, filters = self.filter_form, self.filters
        return selectors.warehouse_list(
            organization=self.request.organization,
            search=filters.get("q") or "",
            ordering=form.ordering(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = selectors.warehouse_stocked_product_counts(organization=self.request.organization)
        for warehouse in context["warehouses"]:
            warehouse.product_count = counts.get(warehouse.pk, 0)
        return context


class WarehouseDetailView(TenantObjectMixin, DetailView):
    model = Warehouse
    template_name = "inventory/warehouse_detail.html"
    context_object_name = "warehouse"

    def get_context_data(self, **kwargs):
        warehouse = self.object
        locations = selectors.warehouse_locations(
            organization=self.request.organization, warehouse=warehouse
        )
        totals = selectors.warehouse_stock_totals(
            organization=self.request.organization, warehouse=warehouse
        )
        on_hand = totals["total_on_hand"] or ZERO
        reserved = totals["total_reserved"] or ZERO
        return super().get_context_data(
            location_tree=location_tree(locations),
            totals={
                "on_hand": on_hand,
                "reserved": reserved,
                "available": on_hand - reserved,
                "products": totals["products"],
            },
            can_manage=self.request.membership.can(Action.MANAGE_WAREHOUSES),
            **kwargs,
        )


def location_tree(locations) -> list[dict]:
    """Nest one query's locations as [{"location": ..., "children": [...]}, ...]; a location
    whose parent is not among them becomes a root."""
    rows = list(locations)
    nodes = {location.pk: {"location": location, "children": []} for location in rows}
    roots: list[dict] = []
    for location in rows:
        parent = nodes.get(location.parent_id)
        (parent["children"] if parent else roots).append(nodes[location.pk])
    return roots


class WarehouseCreateView(PlaceFormMixin, CreateView):
    model = Warehouse
    form_class = WarehouseForm
    template_name = "inventory/warehouse_form.html"

    def perform(self, form):
        warehouse = services.warehouse_create(
            organization=self.request.organization, **form.cleaned_data
        )
        messages.success(self.request, _("Warehouse %(code)s created.") % {"code": warehouse.code})
        return warehouse


class WarehouseUpdateView(PlaceFormMixin, UpdateView):
    model = Warehouse
    form_class = WarehouseForm
    template_name = "inventory/warehouse_form.html"

    def perform(self, form):
        warehouse = services.warehouse_update(warehouse=self.object, **form.cleaned_data)
        messages.success(self.request, _("Warehouse %(code)s saved.") % {"code": warehouse.code})
        return warehouse


class WarehouseDeleteView(PlaceDeleteMixin, DeleteView):
    model = Warehouse
    template_name = "inventory/warehouse_confirm_delete.html"

    def perform(self, form):
        code = self.object.code
        services.warehouse_delete(warehouse=self.object)
        messages.success(self.request, _("Warehouse %(code)s deleted.") % {"code": code})

    def get_success_url(self):
        return reverse("inventory:warehouse_list")


# --- Locations ------------------------------------------------------------------------------


class LocationListView(InventoryListView):
    template_name = "inventory/location_list.html"
    partial_template_name = "inventory/partials/location_table.html"
    filter_form_class = LocationFilterForm
    context_object_name = "locations"

    def get_queryset(self):
        form, filters = self.filter_form, self.filters
        return selectors.location_list(
            organization=self.request.organization,
            warehouse=filters.get("warehouse"),
            search=filters.get("q") or "",
            ordering=form.ordering(),
        )


class LocationDetailView(TenantObjectMixin, DetailView):
    model = Location
    template_name = "inventory/location_detail.html"
    context_object_name = "location"

    def get_object(self, queryset=None):
        # The location and its direct children in one query.
        pk = self.kwargs["pk"]
        rows = list(
            self.get_queryset()
            .filter(Q(pk=pk) | Q(parent_id=pk))
            .select_related("warehouse", "parent")
            .order_by("code")
        )
        location = next((row for row in rows if row.pk == pk), None)
        if location is None:
            raise Http404
        self.children = [row for row in rows if row.pk != pk]
        return location

    def get_context_data(self, **kwargs):
        location, organization = self.object, self.request.organization
        membership = self.request.membership
        # A bin may hold thousands of products: show the first rows, link to the full list.
        levels = list(
            selectors.stock_levels(organization=organization, location=location)[
                : LOCATION_LEVELS_SHOWN + 1
            ]
        )
        return super().get_context_data(
            levels=levels[:LOCATION_LEVELS_SHOWN],
            more_levels_url=(
                reverse("inventory:stock_levels") + "?" + urlencode({"location": location.pk})
                if len(levels) > LOCATION_LEVELS_SHOWN
                else ""
            ),
            children=self.children,
            movements=selectors.movement_history(organization=organization, location=location)[
                :RECENT_MOVEMENTS
            ],
            location_query="?" + urlencode({"location": location.pk}),
            transfer_query="?" + urlencode({"from_location": location.pk}),
            can_manage=membership.can(Action.MANAGE_WAREHOUSES),
            can_post=membership.can(Action.POST_MOVEMENTS),
            **kwargs,
        )


class LocationFormMixin(PlaceFormMixin):
    model = Location
    # Typed as FormMixin and TemplateResponseMixin type them: the views combine this mixin with
    # those classes.
    form_class: type[LocationForm] | None = LocationForm
    template_name: str | None = "inventory/location_form.html"

    def get_initial(self):
        # ?warehouse= and ?parent= preselect; the htmx refresh sends the whole form the same way.
        initial = super().get_initial()
        for name in ("warehouse", "parent", "code", "name"):
            if value := self.request.GET.get(name):
                initial[name] = value
        return initial


class LocationCreateView(LocationFormMixin, CreateView):
    ADD_ANOTHER = "add_another"

    def perform(self, form):
        location = services.location_create(
            organization=self.request.organization, **form.cleaned_data
        )
        messages.success(self.request, _("Location %(location)s created.") % {"location": location})
        return location

    def get_success_url(self):
        if self.ADD_ANOTHER not in self.request.POST:
            return super().get_success_url()
        # Bins are laid out one after another in the same place: keep warehouse and parent.
        keep = {"warehouse": self.object.warehouse_id}
        if self.object.parent_id:
            keep["parent"] = self.object.parent_id
        return reverse("inventory:location_create") + "?" + urlencode(keep)


class LocationRangeCreateView(PlaceFormMixin, FormView):
    """Many bins in one go (A-01 ... A-20), with a preview of the codes before saving."""

    form_class = LocationRangeForm
    template_name = "inventory/location_range_form.html"

    def get_initial(self):
        # ?warehouse= and ?parent= preselect; the htmx refresh sends every field the same way.
        initial = super().get_initial()
        for name in self.form_class.base_fields:
            if value := self.request.GET.get(name):
                initial[name] = value
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if form.is_bound:
            context["preview"] = form.preview()
        elif self.request.GET:
            # A half-filled form must not shout "required" while the user types: preview
            # from a bound copy, show the unbound one.
            bound = self.form_class(self.request.GET, organization=self.request.organization)
            context["preview"] = bound.preview()
        return context

    def perform(self, form):
        locations = services.location_create_range(
            organization=self.request.organization, **form.cleaned_data
        )
        messages.success(
            self.request,
            _("%(count)s locations created: %(first)s to %(last)s.")
            % {"count": len(locations), "first": locations[0], "last": locations[-1]},
        )
        return locations[0].warehouse

    def get_success_url(self):
        return reverse("inventory:location_list") + "?" + urlencode({"warehouse": self.object.pk})


class LocationUpdateView(LocationFormMixin, UpdateView):
    def get_queryset(self):
        return super().get_queryset().select_related("warehouse")

    def perform(self, form):
        data = {key: value for key, value in form.cleaned_data.items() if key != "warehouse"}
        location = services.location_update(location=self.object, **data)
        messages.success(self.request, _("Location %(location)s saved.") % {"location": location})
        return location


class LocationDeleteView(PlaceDeleteMixin, DeleteView):
    model = Location
    template_name = "inventory/location_confirm_delete.html"

    def get_queryset(self):
        return super().get_queryset().select_related("warehouse")

    def perform(self, form):
        label, warehouse = str(self.object), self.object.warehouse
        services.location_delete(location=self.object)
        messages.success(self.request, _("Location %(location)s deleted.") % {"location": label})
        self.deleted_from = warehouse

    def get_success_url(self):
        return self.deleted_from.get_absolute_url()
