"""Stock count pages (create, enter counts, add a found line) and reorder suggestions."""

from django import forms as django_forms
from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from stockroom.accounts.permissions import MemberRequiredMixin
from stockroom.accounts.roles import Action
from stockroom.core.exceptions import ApplicationError
from stockroom.core.reversing import url_for_pk
from stockroom.core.views import ServiceFormMixin

from .. import selectors, services
from ..forms import (
    CountFoundItemForm,
    CountLineFormSet,
    StockCountForm,
)
from ..models import PurchaseOrderStatus, StockCount
from ..transitions import (
    STOCK_COUNT_TRANSITIONS,
)
from .common import DocumentGateMixin, LineFormsetMixin, line_refusal

# --- stock counts --------------------------------------------------------------------------------


class StockCountCreateView(ServiceFormMixin, MemberRequiredMixin, FormView):
    read_action = Action.MANAGE_ORDERS
    write_action = Action.MANAGE_ORDERS
    form_class = StockCountForm
    template_name = "orders/stock_count_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.request.organization}

    def perform(self, form):
        return services.stock_count_create(
            organization=self.request.organization,
            user=self.request.user,
            warehouse=form.cleaned_data["warehouse"],
            location=form.cleaned_data["location"],
            notes=form.cleaned_data["notes"],
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class StockCountEnterView(ServiceFormMixin, LineFormsetMixin, MemberRequiredMixin, FormView):
    """The counting sheet for a phone: one card per line, a large numeric input each. "Save"
    keeps the counts; "Save and submit" hands the sheet to a manager."""

    model = StockCount
    detail_selector = selectors.stock_count_detail
    transition = STOCK_COUNT_TRANSITIONS["record"]
    closed_message = gettext_lazy("Counting is closed for this sheet.")
    read_action = write_action = transition.action
    form_class = django_forms.Form
    formset_class = CountLineFormSet
    template_name = "orders/stock_count_enter.html"

    def get_lines(self) -> list:
        if not hasattr(self, "_lines"):
            self._lines = list(selectors.stock_count_lines(count=self.object))
        return self._lines

    def initial_rows(self) -> list[dict]:
        return [
            {"line_id": line.pk, "counted_quantity": line.counted_quantity}
            for line in self.get_lines()
        ]

    def get_context_data(self, **kwargs):
        rows = self.line_rows()
        return super().get_context_data(
            count=self.object, rows=rows, formset=self.formset, **kwargs
        )

    def perform(self, form):
        forms_by_line = self.forms_by_line()
        try:
            services.stock_count_record(
                count=self.object,
                user=self.request.user,
                quantities={
                    line_id: line_form.cleaned_data.get("counted_quantity")
                    for line_id, line_form in forms_by_line.items()
                },
            )
            if "submit" in self.request.POST:
                services.stock_count_submit(count=self.object, user=self.request.user)
        except ApplicationError as exc:
            line_form = forms_by_line.get(exc.extra.get("line_id"))
            if line_form is None:
                raise
            raise line_refusal(line_form, exc, on_field=False) from None
        return self.object

    def get_success_url(self):
        if "submit" in self.request.POST:
            return self.object.get_absolute_url()
        return reverse("orders:stock_count_enter", kwargs={"pk": self.object.pk})

    def redirect_after(self, form):
        if "submit" in self.request.POST:
            messages.success(self.request, _("The count was submitted for approval."))
        else:
            messages.success(self.request, _("Counts saved."))
        return super().redirect_after(form)


class StockCountAddLineView(ServiceFormMixin, DocumentGateMixin, MemberRequiredMixin, FormView):
    """Add stock found while counting that the sheet does not list."""

    model = StockCount
    detail_selector = selectors.stock_count_detail
    transition = STOCK_COUNT_TRANSITIONS["record"]
    closed_message = gettext_lazy("Counting is closed for this sheet.")
    read_action = write_action = transition.action
    form_class = CountFoundItemForm
    template_name = "orders/stock_count_add_line.html"

    def get(self, request, *args, **kwargs):
        return self.closed() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.closed() or super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "count": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(count=self.object, **kwargs)

    def perform(self, form):
        line = services.stock_count_add_line(
            count=self.object, user=self.request.user, **form.cleaned_data
        )
        return line.count

    def get_success_url(self):
        return reverse("orders:stock_count_enter", kwargs={"pk": self.object.pk})

    def redirect_after(self, form):
        messages.success(
            self.request,
            _("%(sku)s was added to the count.") % {"sku": form.cleaned_data["product"].sku},
        )
        return super().redirect_after(form)


# --- reorder -------------------------------------------------------------------------------------


class ReorderView(ServiceFormMixin, MemberRequiredMixin, FormView):
    """Low-stock products with suggested quantities; one button drafts the purchase orders."""

    read_action = Action.VIEW
    write_action = Action.MANAGE_ORDERS
    form_class = django_forms.Form
    template_name = "orders/reorder.html"

    def get_context_data(self, **kwargs):
        suggestions = selectors.reorder_suggestions(organization=self.request.organization)
        # Hundreds of rows: one reverse() for all their product links.
        product_url = url_for_pk("catalog:product_detail")
        rows = [(s, product_url(s.product.pk)) for s in suggestions]
        return super().get_context_data(
            with_supplier=[(s, url) for s, url in rows if s.supplier is not None],
            without_supplier=[(s, url) for s, url in rows if s.supplier is None],
            orderable=sum(1 for s in suggestions if s.can_order),
            **kwargs,
        )

    def perform(self, form):
        self.orders = services.reorder_create_purchase_orders(
            organization=self.request.organization, user=self.request.user
        )
        return None

    def get_success_url(self):
        url = reverse("orders:purchase_order_list")
        return f"{url}?status={PurchaseOrderStatus.DRAFT}"

    def redirect_after(self, form):
        messages.success(
            self.request,
            _("Draft purchase orders created: %(numbers)s.")
            % {"numbers": ", ".join(order.number for order in self.orders)},
        )
        return super().redirect_after(form)
