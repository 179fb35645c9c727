"""Order and count transitions (one button each, driven by orders/transitions.py), receiving a
purchase order and shipping part of a sales order."""

from collections.abc import Callable
from decimal import Decimal

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from stockroom.accounts.permissions import MemberRequiredMixin
from stockroom.core.exceptions import ApplicationError
from stockroom.core.views import ServiceFormMixin

from .. import selectors, services
from ..forms import (
    ConfirmSalesOrderForm,
    ReceiveForm,
    ReceiveLineFormSet,
    ShipLineFormSet,
    ShipmentForm,
    receiving_locations,
)
from ..models import Document, PurchaseOrder, SalesOrder, StockCount
from ..transitions import (
    PURCHASE_ORDER_TRANSITIONS,
    SALES_ORDER_TRANSITIONS,
    Transition,
    transitions_of,
)
from .common import LineFormsetMixin, line_refusal

# --- transitions (one button each) ---------------------------------------------------------------


class TransitionView(ServiceFormMixin, MemberRequiredMixin, FormView):
    """A POST-only state change, driven by one entry of the document's transition table (which
    names the role action it needs, as `read_action` and `write_action`). Success and refusal
    both return to the object's page with a message, so the buttons can live on the detail page.

    `service(<document>=obj, user=…)` makes the change; `service_options(form)` adds what the
    form chose. `transition_view` makes one per table entry."""

    http_method_names = ["post"]
    form_class = django_forms.Form
    # Set by `transition_view` for each entry of the table.
    model: type[Document]
    transition: Transition
    service: Callable[..., Document]
    success_message = ""

    def post(self, request, *args, **kwargs):
        try:
            self.object = self.model.objects.for_organization(request.organization).get(
                pk=kwargs["pk"]
            )
        except self.model.DoesNotExist:
            raise Http404 from None
        return super().post(request, *args, **kwargs)

    def service_options(self, form) -> dict:
        return {}

    def perform(self, form):
        keyword = "count" if self.model is StockCount else "order"
        self.service(**{keyword: self.object}, user=self.request.user, **self.service_options(form))
        messages.success(self.request, self.success_message % {"number": self.object.number})
        return self.object

    def form_invalid(self, form):
        for error in form.non_field_errors():
            messages.error(self.request, error)
        for name, errors in form.errors.items():
            if name != "__all__":
                for error in errors:
                    messages.error(self.request, error)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


class _ConfirmWithShortageChoice(TransitionView):
    form_class = ConfirmSalesOrderForm

    def service_options(self, form) -> dict:
        backorder = form.cleaned_data["on_shortage"] == ConfirmSalesOrderForm.BACKORDER
        return {"allow_backorder": backorder}


def transition_view(model, name: str, service, message, base=TransitionView):
    """The view of transition `name` of `model`'s table, calling `service`."""
    transition = transitions_of(model)[name]
    return type(
        f"{model.__name__}{name.title().replace('_', '')}View",
        (base,),
        {
            "model": model,
            "transition": transition,
            # Only POST is served; a GET is refused (405) only after the same role check.
            "read_action": transition.action,
            "write_action": transition.action,
            "service": staticmethod(service),
            "success_message": message,
        },
    )


PurchaseOrderSendView = transition_view(
    PurchaseOrder, "send", services.purchase_order_send, gettext_lazy("%(number)s was sent.")
)
PurchaseOrderCancelView = transition_view(
    PurchaseOrder,
    "cancel",
    services.purchase_order_cancel,
    gettext_lazy("%(number)s was cancelled."),
)
PurchaseOrderCloseView = transition_view(
    PurchaseOrder,
    "close",
    services.purchase_order_close,
    gettext_lazy("%(number)s was closed short; what was received stays in stock."),
)
SalesOrderConfirmView = transition_view(
    SalesOrder,
    "confirm",
    services.sales_order_confirm,
    gettext_lazy("%(number)s was confirmed; its stock is reserved."),
    base=_ConfirmWithShortageChoice,
)
SalesOrderReserveBackordersView = transition_view(
    SalesOrder,
    "reserve_backorders",
    services.sales_order_reserve_backorders,
    gettext_lazy("Available stock was reserved for the backorders of %(number)s."),
)
SalesOrderShipView = transition_view(
    SalesOrder, "ship", services.sales_order_ship, gettext_lazy("%(number)s was shipped.")
)
SalesOrderCancelView = transition_view(
    SalesOrder,
    "cancel",
    services.sales_order_cancel,
    gettext_lazy("%(number)s was cancelled; its reservations were released."),
)
StockCountSubmitView = transition_view(
    StockCount,
    "submit",
    services.stock_count_submit,
    gettext_lazy("%(number)s was submitted for approval."),
)
StockCountReopenView = transition_view(
    StockCount, "reopen", services.stock_count_reopen, gettext_lazy("%(number)s was reopened.")
)
StockCountApproveView = transition_view(
    StockCount,
    "approve",
    services.stock_count_approve,
    gettext_lazy("%(number)s was approved; the variances were posted."),
)
StockCountCancelView = transition_view(
    StockCount, "cancel", services.stock_count_cancel, gettext_lazy("%(number)s was cancelled.")
)


# --- receiving -----------------------------------------------------------------------------------


class PurchaseOrderReceiveView(ServiceFormMixin, LineFormsetMixin, MemberRequiredMixin, FormView):
    """Receive a sent order line by line, each line into its own location or the page's; lot
    and expiry where tracked."""

    model = PurchaseOrder
    detail_selector = selectors.purchase_order_detail
    transition = PURCHASE_ORDER_TRANSITIONS["receive"]
    closed_message = gettext_lazy("Only a sent purchase order can be received.")
    read_action = write_action = transition.action
    form_class = ReceiveForm
    formset_class = ReceiveLineFormSet
    template_name = "orders/purchase_order_receive.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.request.organization}

    def get_lines(self) -> list:
        return list(self.object.lines.all())

    def formset_form_kwargs(self):
        return {"locations": receiving_locations(self.request.organization)}

    def initial_rows(self) -> list[dict]:
        # Each line starts at its own receiving location; the others follow the page's choice.
        return [
            {
                "line_id": line.pk,
                "quantity": line.remaining,
                "location": line.receiving_location_id,
            }
            for line in self.get_lines()
            if line.remaining > 0
        ]

    def get_context_data(self, **kwargs):
        rows = self.line_rows()
        return super().get_context_data(
            order=self.object, rows=rows, formset=self.formset, **kwargs
        )

    def perform(self, form):
        lines = {line.pk: line for line in self.get_lines()}
        receipts, forms_by_line = [], {}
        for line_form in self.formset.forms:
            line = lines.get(line_form.cleaned_data.get("line_id"))
            if line is None:
                continue
            forms_by_line[line.pk] = line_form
            receipts.append(
                services.ReceiptInput(
                    line=line,
                    quantity=line_form.cleaned_data.get("quantity"),
                    lot_number=line_form.cleaned_data.get("lot_number", ""),
                    expiry_date=line_form.cleaned_data.get("expiry_date"),
                    location=line_form.cleaned_data.get("location"),
                )
            )
        try:
            services.purchase_order_receive(
                order=self.object,
                user=self.request.user,
                location=form.cleaned_data["location"],
                receipts=receipts,
                allow_over_receipt=form.cleaned_data["allow_over_receipt"],
            )
        except ApplicationError as exc:
            line_form = forms_by_line.get(exc.extra.get("line_id"))
            if line_form is None:
                raise
            raise line_refusal(line_form, exc) from None
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()

    def redirect_after(self, form):
        messages.success(self.request, _("The receipt was posted."))
        return super().redirect_after(form)


# --- shipping ------------------------------------------------------------------------------------


class SalesOrderShipmentCreateView(
    ServiceFormMixin, LineFormsetMixin, MemberRequiredMixin, FormView
):
    """Ship a confirmed or partly shipped order line by line: each row is prefilled with what is
    reserved and not yet shipped; an emptied or zero row ships nothing."""

    model = SalesOrder
    detail_selector = selectors.sales_order_detail
    transition = SALES_ORDER_TRANSITIONS["ship"]
    closed_message = gettext_lazy("Only a confirmed sales order can be shipped.")
    read_action = write_action = transition.action
    form_class = ShipmentForm
    formset_class = ShipLineFormSet
    template_name = "orders/sales_order_ship.html"

    def get_lines(self) -> list:
        return list(self.object.lines.all())

    def initial_rows(self) -> list[dict]:
        return [
            {"line_id": line.pk, "quantity": reserved}
            for line in self.get_lines()
            if (reserved := _open_reserved(line)) > 0
        ]

    def get_context_data(self, **kwargs):
        rows = [(form, line, _open_reserved(line)) for form, line in self.line_rows()]
        return super().get_context_data(
            order=self.object, rows=rows, formset=self.formset, **kwargs
        )

    def perform(self, form):
        lines = {line.pk: line for line in self.get_lines()}
        wanted, row_forms = [], []
        for line_form in self.formset.forms:
            line = lines.get(line_form.cleaned_data.get("line_id"))
            quantity = line_form.cleaned_data.get("quantity")
            if line is None or not quantity:
                continue
            wanted.append((line, quantity))
            row_forms.append(line_form)
        try:
            self.shipment = services.sales_order_ship(
                order=self.object,
                user=self.request.user,
                lines=wanted,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except ApplicationError as exc:
            index = exc.extra.get("index")
            if index is None or index >= len(row_forms):
                raise
            line_refusal(row_forms[index], exc)
            # The summary names the row, so the refusal is found without scrolling the list.
            product = wanted[index][0].product
            raise ApplicationError(
                _("%(product)s: %(message)s") % {"product": product.sku, "message": exc.message},
                code=exc.code,
            ) from None
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()

    def redirect_after(self, form):
        messages.success(
            self.request,
            _("%(number)s was shipped.") % {"number": self.shipment.number},
        )
        return super().redirect_after(form)


def _open_reserved(line) -> Decimal:
    """What is reserved for the line and not yet shipped, from its prefetched reservations."""
    return sum(
        (r.quantity for r in line.reservations.all() if r.closed_at is None), start=Decimal(0)
    )
