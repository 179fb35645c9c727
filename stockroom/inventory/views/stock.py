"""Stock pages: stock levels, the movement ledger, a product's stock, and the four movement
forms (receipt, issue, transfer, adjustment)."""

from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import (
    FormView,
    TemplateView,
)

from stockroom.accounts.permissions import MemberRequest, MemberRequiredMixin
from stockroom.accounts.roles import Action
from stockroom.catalog.models import Product
from stockroom.core.pagination import DeferredJoinPaginator
from stockroom.core.views import ServiceFormMixin

from .. import selectors, services
from ..forms import (
    AdjustmentForm,
    IssueForm,
    MovementFilterForm,
    MovementForm,
    ReceiptForm,
    StockLevelFilterForm,
    TransferForm,
    location_label,
    warehouse_label,
)
from ..models import MovementKind
from .common import InventoryListView, product_page_url

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RECENT_MOVEMENTS = 20


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
            reason_code=filters.get("reason_code") or None,
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
# Every field a movement form shows (not its idempotency key, which each page load draws anew).
PREFILLED_FIELDS = tuple(MovementForm.field_order)


class MovementFormView(MemberRequiredMixin, ServiceFormMixin, FormView):
    """One page per kind of movement. The form carries an idempotency key made when it is
    rendered, so submitting it twice posts one movement. Only roles that post may open it."""

    request: MemberRequest
    read_action = Action.POST_MOVEMENTS
    write_action = Action.POST_MOVEMENTS
    template_name = "inventory/movement_form.html"
    heading: "StrOrPromise" = ""
    explanation: "StrOrPromise" = ""
    submit_label: "StrOrPromise" = ""
    # Placeholders: kind, quantity, product, location (where the stock went in or came out),
    # source and target (the two ends of a transfer).
    success_template: "StrOrPromise" = gettext_lazy(
        "%(kind)s of %(quantity)s × %(product)s posted."
    )

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
        return self.message_template(movement) % {
            "kind": movement.get_kind_display(),
            "quantity": _plain(movement.quantity),
            "product": movement.product.sku,
            "location": movement.to_location or movement.from_location,
            "source": movement.from_location,
            "target": movement.to_location,
        }

    def message_template(self, movement) -> "StrOrPromise":
        return self.success_template

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
    success_template = gettext_lazy("Received %(quantity)s × %(product)s into %(location)s.")

    def post_movement(self, data):
        return services.stock_receive(
            **self.common_arguments(data),
            location=data["location"],
            quantity=data["quantity"],
            unit_cost=data.get("unit_cost"),
            lot_number=data.get("lot_number", ""),
            expiry_date=data.get("expiry_date"),
        )


class IssueView(MovementFormView):
    form_class = IssueForm
    heading = gettext_lazy("Issue stock")
    explanation = gettext_lazy("Stock that leaves: it is taken from the location you choose.")
    submit_label = gettext_lazy("Issue")
    success_template = gettext_lazy("Issued %(quantity)s × %(product)s from %(location)s.")

    def post_movement(self, data):
        return services.stock_issue(
            **self.common_arguments(data),
            location=data["location"],
            quantity=data["quantity"],
            lot=data.get("lot"),
            reason_code=data["reason_code"],
        )


class TransferView(MovementFormView):
    form_class = TransferForm
    heading = gettext_lazy("Transfer stock")
    explanation = gettext_lazy("Move stock from one location to another.")
    submit_label = pgettext_lazy("verb", "Transfer")
    success_template = gettext_lazy(
        "Moved %(quantity)s × %(product)s from %(source)s to %(target)s."
    )

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

    def message_template(self, movement):
        if movement.to_location_id:
            return _("Added %(quantity)s × %(product)s at %(location)s.")
        return _("Removed %(quantity)s × %(product)s at %(location)s.")
