"""Inventory pages: warehouses and locations, stock levels, the movement ledger and the
movement forms. Reads go through the selectors, writes through the services."""

from decimal import Decimal
from typing import NamedTuple

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import (
    CreateView,
    DeleteView,
    DetailView,
    FormView,
    TemplateView,
    UpdateView,
)

from stockroom.accounts.permissions import MemberRequiredMixin, TenantObjectMixin
from stockroom.accounts.roles import Action
from stockroom.catalog.models import Product
from stockroom.core.lists import ListPageView
from stockroom.core.pagination import CappedCountPaginator, DeferredJoinPaginator
from stockroom.core.views import ServiceFormMixin

from . import selectors, services
from .forms import (
    AdjustmentForm,
    IssueForm,
    LocationFilterForm,
    LocationForm,
    LocationRangeForm,
    MovementFilterForm,
    ReceiptForm,
    StockLevelFilterForm,
    TransferForm,
    WarehouseFilterForm,
    WarehouseForm,
    location_label,
    warehouse_label,
)
from .models import Location, MovementKind, Warehouse

ZERO = Decimal("0")
RECENT_MOVEMENTS = 20
LOCATION_LEVELS_SHOWN = 50


# --- Shared plumbing ------------------------------------------------------------------------


class InventoryListView(MemberRequiredMixin, ListPageView):
    """The inventory lists: capped counts (the ledger and stock levels run long), and the
    buttons their role allows."""

    paginator_class = CappedCountPaginator

    @property
    def filters(self) -> dict:
        return self.filter_form.cleaned_data

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_manage=self.request.membership.can(Action.MANAGE_WAREHOUSES),
            can_post=self.request.membership.can(Action.POST_MOVEMENTS),
            **kwargs,
        )


def product_page_url(product) -> str:
    """Where to go after posting a movement: the product's page, else the ledger."""
    try:
        return reverse("catalog:product_detail", kwargs={"pk": product.pk})
    except NoReverseMatch:
        return reverse("inventory:movement_list")


class PlaceFormMixin(ServiceFormMixin):
    """Create and edit pages of warehouses and locations: managers only, even to look."""

    read_action = Action.MANAGE_WAREHOUSES
    write_action = Action.MANAGE_WAREHOUSES

    def get_queryset(self):
        return self.model.objects.for_organization(self.request.organization)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.request.organization}

    def get_success_url(self):
        return self.object.get_absolute_url()


class PlaceDeleteMixin(ServiceFormMixin):
    """A confirm page whose POST asks the service; a refusal is shown on the same page."""

    read_action = Action.MANAGE_WAREHOUSES
    write_action = Action.MANAGE_WAREHOUSES

    def get_queryset(self):
        return self.model.objects.for_organization(self.request.organization)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=409)


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
    roots = []
    for location in rows:
        parent = nodes.get(location.parent_id)
        (parent["children"] if parent else roots).append(nodes[location.pk])
    return roots


class WarehouseCreateView(PlaceFormMixin, TenantObjectMixin, CreateView):
    model = Warehouse
    form_class = WarehouseForm
    template_name = "inventory/warehouse_form.html"

    def perform(self, form):
        warehouse = services.warehouse_create(
            organization=self.request.organization, **form.cleaned_data
        )
        messages.success(self.request, _("Warehouse %(code)s created.") % {"code": warehouse.code})
        return warehouse


class WarehouseUpdateView(PlaceFormMixin, TenantObjectMixin, UpdateView):
    model = Warehouse
    form_class = WarehouseForm
    template_name = "inventory/warehouse_form.html"

    def perform(self, form):
        warehouse = services.warehouse_update(warehouse=self.object, **form.cleaned_data)
        messages.success(self.request, _("Warehouse %(code)s saved.") % {"code": warehouse.code})
        return warehouse


class WarehouseDeleteView(PlaceDeleteMixin, TenantObjectMixin, DeleteView):
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
    form_class = LocationForm
    template_name = "inventory/location_form.html"

    def get_initial(self):
        # ?warehouse= and ?parent= preselect; the htmx refresh sends the whole form the same way.
        initial = super().get_initial()
        for name in ("warehouse", "parent", "code", "name"):
            if value := self.request.GET.get(name):
                initial[name] = value
        return initial


class LocationCreateView(LocationFormMixin, TenantObjectMixin, CreateView):
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


class LocationRangeCreateView(PlaceFormMixin, MemberRequiredMixin, FormView):
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


class LocationUpdateView(LocationFormMixin, TenantObjectMixin, UpdateView):
    def get_queryset(self):
        return super().get_queryset().select_related("warehouse")

    def perform(self, form):
        data = {key: value for key, value in form.cleaned_data.items() if key != "warehouse"}
        location = services.location_update(location=self.object, **data)
        messages.success(self.request, _("Location %(location)s saved.") % {"location": location})
        return location


class LocationDeleteView(PlaceDeleteMixin, TenantObjectMixin, DeleteView):
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


# --- Stock levels and movements -------------------------------------------------------------


class MenuOption(NamedTuple):
    """One <option> of a filter menu."""

    pk: int
    label: str


class StockLevelListView(InventoryListView):
    template_name = "inventory/stock_level_list.html"
    partial_template_name = "inventory/partials/stock_level_table.html"
    filter_form_class = StockLevelFilterForm
    context_object_name = "levels"

    def get_queryset(self):
        filters = self.filters
        return selectors.stock_levels(
            organization=self.request.organization,
            warehouse=filters.get("warehouse"),
            location=filters.get("location"),
            search=filters.get("q") or "",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.template_name in self.get_template_names():
            # Both filter menus from one query: a warehouse without locations holds no stock.
            # Plain values, not model instances: building hundreds of bins with their
            # warehouses cost more than the page of stock.
            rows = (
                context["filter_form"]
                .fields["location"]
                .queryset.values_list(
                    "pk", "code", "name", "warehouse_id", "warehouse__code", "warehouse__name"
                )
            )
            locations, warehouses = [], {}
            for pk, code, name, warehouse_id, warehouse_code, warehouse_name in rows:
                locations.append(MenuOption(pk, location_label(warehouse_code, code, name)))
                warehouses[warehouse_id] = (
                    warehouse_code,
                    MenuOption(warehouse_id, warehouse_label(warehouse_code, warehouse_name)),
                )
            context.update(
                location_options=locations,
                warehouse_options=[option for _code, option in sorted(warehouses.values())],
            )
        return context


class MovementListView(InventoryListView):
    template_name = "inventory/movement_list.html"
    partial_template_name = "inventory/partials/movement_table.html"
    filter_form_class = MovementFilterForm
    context_object_name = "movements"
    paginator_class = DeferredJoinPaginator

    def get_queryset(self):
        filters = self.filters
        queryset = selectors.movement_history(
            organization=self.request.organization,
            warehouse=filters.get("warehouse"),
            kind=filters.get("kind") or None,
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
        if search := filters.get("q"):
            queryset = queryset.filter(
                Q(product__sku__icontains=search) | Q(product__name__icontains=search)
            )
        return queryset


class ProductStockView(MemberRequiredMixin, TemplateView):
    """An HTML fragment the product page loads with htmx: stock by location and lot, totals,
    the last movements and (for roles that may) buttons to post a movement."""

    template_name = "inventory/partials/product_stock.html"

    def get_context_data(self, **kwargs):
        organization = self.request.organization
        product = get_object_or_404(
            Product.objects.for_organization(organization), pk=self.kwargs["pk"]
        )
        return super().get_context_data(
            product=product,
            levels=selectors.product_stock_by_location(organization=organization, product=product),
            totals=selectors.product_totals(organization=organization, product=product),
            movements=selectors.movement_history(organization=organization, product=product)[
                :RECENT_MOVEMENTS
            ],
            product_query="?" + urlencode({"product": product.pk}),
            can_post=self.request.membership.can(Action.POST_MOVEMENTS),
            **kwargs,
        )


# --- Movement forms -------------------------------------------------------------------------


MOVEMENT_PAGES = (
    (MovementKind.RECEIPT, "inventory:movement_receive", gettext_lazy("Receive")),
    (MovementKind.ISSUE, "inventory:movement_issue", gettext_lazy("Issue")),
    (MovementKind.TRANSFER, "inventory:movement_transfer", pgettext_lazy("verb", "Transfer")),
    (MovementKind.ADJUSTMENT, "inventory:movement_adjust", gettext_lazy("Adjust")),
)
PREFILLED_FIELDS = (
    "product",
    "lot",
    "location",
    "from_location",
    "to_location",
    "quantity",
    "unit_cost",
    "lot_number",
    "expiry_date",
    "reference",
    "reason",
)


class MovementFormView(MemberRequiredMixin, ServiceFormMixin, FormView):
    """One page per kind of movement. The form carries an idempotency key made when it is
    rendered, so submitting it twice posts one movement. Only roles that post may open it."""

    read_action = Action.POST_MOVEMENTS
    write_action = Action.POST_MOVEMENTS
    template_name = "inventory/movement_form.html"
    heading = ""
    explanation = ""
    submit_label = ""

    def get_initial(self):
        # ?product=&location= from the product and location pages; the product-change refresh
        # (htmx) sends every field back the same way.
        query = self.request.GET
        return {name: query[name] for name in PREFILLED_FIELDS if query.get(name)}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.request.organization}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = context["form"].product
        carried = {}
        if product is not None:
            carried["product"] = product.pk
        if location := self.request.GET.get("location") or self.request.GET.get("from_location"):
            carried["location"] = location
        query = f"?{urlencode(carried)}" if carried else ""
        context.update(
            heading=self.heading,
            explanation=self.explanation,
            submit_label=self.submit_label,
            kinds=[
                {
                    "label": label,
                    "url": reverse(url_name) + query,
                    "active": kind == self.form_class.kind,
                }
                for kind, url_name, label in MOVEMENT_PAGES
            ],
            cancel_url=(
                product_page_url(product)
                if product is not None
                else reverse("inventory:movement_list")
            ),
        )
        return context

    def common_arguments(self, data: dict) -> dict:
        return {
            "organization": self.request.organization,
            "product": data["product"],
            "user": self.request.user,
            "reference": data["reference"],
            "reason": data["reason"],
            "idempotency_key": str(data["idempotency_key"]),
        }

    def perform(self, form):
        movement = self.post_movement(form.cleaned_data)
        messages.success(self.request, self.success_message(movement))
        return movement

    def post_movement(self, data: dict):
        raise NotImplementedError

    def success_message(self, movement) -> str:
        return _("%(kind)s of %(quantity)s × %(product)s posted.") % {
            "kind": movement.get_kind_display(),
            "quantity": _plain(movement.quantity),
            "product": movement.product.sku,
        }

    def get_success_url(self):
        return product_page_url(self.object.product)


def _plain(quantity: Decimal) -> str:
    """5.000 → "5", 1.250 → "1.25": how a person writes a quantity."""
    text = f"{quantity.normalize():f}"
    return text


class ReceiptView(MovementFormView):
    form_class = ReceiptForm
    heading = gettext_lazy("Receive stock")
    explanation = gettext_lazy("Stock that arrived: it is added to the location you choose.")
    submit_label = gettext_lazy("Receive")

    def post_movement(self, data):
        return services.stock_receive(
            **self.common_arguments(data),
            location=data["location"],
            quantity=data["quantity"],
            unit_cost=data.get("unit_cost"),
            lot_number=data.get("lot_number", ""),
            expiry_date=data.get("expiry_date"),
        )

    def success_message(self, movement):
        return _("Received %(quantity)s × %(product)s into %(location)s.") % {
            "quantity": _plain(movement.quantity),
            "product": movement.product.sku,
            "location": movement.to_location,
        }


class IssueView(MovementFormView):
    form_class = IssueForm
    heading = gettext_lazy("Issue stock")
    explanation = gettext_lazy("Stock that leaves: it is taken from the location you choose.")
    submit_label = gettext_lazy("Issue")

    def post_movement(self, data):
        return services.stock_issue(
            **self.common_arguments(data),
            location=data["location"],
            quantity=data["quantity"],
            lot=data.get("lot"),
        )

    def success_message(self, movement):
        return _("Issued %(quantity)s × %(product)s from %(location)s.") % {
            "quantity": _plain(movement.quantity),
            "product": movement.product.sku,
            "location": movement.from_location,
        }


class TransferView(MovementFormView):
    form_class = TransferForm
    heading = gettext_lazy("Transfer stock")
    explanation = gettext_lazy("Move stock from one location to another.")
    submit_label = pgettext_lazy("verb", "Transfer")

    def get_initial(self):
        initial = super().get_initial()
        if "location" in initial:
            initial.setdefault("from_location", initial.pop("location"))
        return initial

    def post_movement(self, data):
        return services.stock_transfer(
            **self.common_arguments(data),
            from_location=data["from_location"],
            to_location=data["to_location"],
            quantity=data["quantity"],
            lot=data.get("lot"),
        )

    def success_message(self, movement):
        return _("Moved %(quantity)s × %(product)s from %(source)s to %(target)s.") % {
            "quantity": _plain(movement.quantity),
            "product": movement.product.sku,
            "source": movement.from_location,
            "target": movement.to_location,
        }


class AdjustmentView(MovementFormView):
    form_class = AdjustmentForm
    heading = gettext_lazy("Adjust stock")
    explanation = gettext_lazy(
        "Correct the stock of a location: damaged, lost or found goods. Give the reason."
    )
    submit_label = gettext_lazy("Adjust")

    def post_movement(self, data):
        return services.stock_adjust(
            **self.common_arguments(data),
            location=data["location"],
            quantity_delta=data["quantity"],
            lot=data.get("lot"),
        )

    def success_message(self, movement):
        template = (
            _("Added %(quantity)s × %(product)s at %(location)s.")
            if movement.to_location_id
            else _("Removed %(quantity)s × %(product)s at %(location)s.")
        )
        return template % {
            "quantity": _plain(movement.quantity),
            "product": movement.product.sku,
            "location": movement.to_location or movement.from_location,
        }
