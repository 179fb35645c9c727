"""Order and count lists, detail and print pages, and the order forms (header and lines).
Thin: forms validate, selectors read, services write."""

from collections.abc import Callable
from typing import Generic, TypeVar

from django import forms as django_forms
from django.contrib import messages
from django.forms import BaseInlineFormSet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView

from stockroom.accounts.permissions import MemberRequiredMixin, TenantObjectMixin
from stockroom.accounts.roles import Action
from stockroom.core.exceptions import ApplicationError
from stockroom.core.lists import ListPageView
from stockroom.core.views import ServiceFormMixin

from .. import selectors, services
from ..forms import (
    LINES_PREFIX,
    STATUS_CHOICES,
    ConfirmSalesOrderForm,
    OrderFilterForm,
    PurchaseOrderForm,
    PurchaseOrderLineFormSet,
    SalesOrderForm,
    SalesOrderLineFormSet,
)
from ..models import (
    Document,
    PurchaseOrder,
    SalesOrder,
    SalesOrderStatus,
    Shipment,
    StockCount,
)
from ..pdf import packing_slip_pdf, purchase_order_pdf
from ..transitions import (
    transitions_of,
)
from .common import SelectedObjectMixin, line_refusal

# --- lists ---------------------------------------------------------------------------------------


class OrderListView(MemberRequiredMixin, ListPageView):
    """Searchable and filterable by state; each list names its model and its selector."""

    model: type[Document]
    filter_form_class = OrderFilterForm

    def select(self, *, organization, search: str, status: str):
        raise NotImplementedError

    def get_filter_form_kwargs(self) -> dict:
        return {"status_choices": STATUS_CHOICES[self.model]}

    def get_queryset(self):
        return self.select(
            organization=self.request.organization,
            search=self.filter_form.search,
            status=self.filter_form.state,
        )


class PurchaseOrderListView(OrderListView):
    model = PurchaseOrder
    template_name = "orders/purchase_order_list.html"
    partial_template_name = "orders/partials/purchase_order_table.html"
    select = staticmethod(selectors.purchase_order_list)


class SalesOrderListView(OrderListView):
    model = SalesOrder
    template_name = "orders/sales_order_list.html"
    partial_template_name = "orders/partials/sales_order_table.html"
    select = staticmethod(selectors.sales_order_list)


class StockCountListView(OrderListView):
    model = StockCount
    template_name = "orders/stock_count_list.html"
    partial_template_name = "orders/partials/stock_count_table.html"
    select = staticmethod(selectors.stock_count_list)


# --- detail and print ----------------------------------------------------------------------------


class PurchaseOrderDetailView(SelectedObjectMixin, TenantObjectMixin, DetailView):
    model = PurchaseOrder
    detail_selector = selectors.purchase_order_detail
    template_name = "orders/purchase_order_detail.html"
    context_object_name = "order"


class PurchaseOrderPrintView(PurchaseOrderDetailView):
    template_name = "orders/print/purchase_order.html"


DocumentT = TypeVar("DocumentT", PurchaseOrder, Shipment)


class InlinePdfMixin(Generic[DocumentT]):
    """Answers a detail view with its document's PDF, opened in the browser and named by the
    document's number."""

    object: DocumentT

    def render_pdf(self) -> bytes:
        raise NotImplementedError

    def render_to_response(self, context, **response_kwargs):
        response = HttpResponse(self.render_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{self.object.number}.pdf"'
        return response


class PurchaseOrderPdfView(InlinePdfMixin[PurchaseOrder], PurchaseOrderDetailView):
    def render_pdf(self) -> bytes:
        return purchase_order_pdf(self.object)


class SalesOrderDetailView(SelectedObjectMixin, TenantObjectMixin, DetailView):
    model = SalesOrder
    detail_selector = selectors.sales_order_detail
    template_name = "orders/sales_order_detail.html"
    context_object_name = "order"

    def get_context_data(self, **kwargs):
        order = self.object
        if order.status == SalesOrderStatus.DRAFT:
            # What confirming could reserve now, shown beside each line of a draft.
            lines = order.lines.all()
            available = selectors.sellable_available(
                organization=order.organization_id,
                product_ids=[line.product_id for line in lines],
            )
            for line in lines:
                line.available = available[line.product_id]
        return super().get_context_data(confirm_form=ConfirmSalesOrderForm(), **kwargs)


class SalesOrderPrintView(SalesOrderDetailView):
    template_name = "orders/print/sales_order.html"


class ShipmentPackingSlipView(
    InlinePdfMixin[Shipment], SelectedObjectMixin, TenantObjectMixin, DetailView
):
    model = Shipment
    detail_selector = selectors.shipment_detail

    def render_pdf(self) -> bytes:
        return packing_slip_pdf(self.object)


class StockCountDetailView(SelectedObjectMixin, TenantObjectMixin, DetailView):
    model = StockCount
    detail_selector = selectors.stock_count_detail
    template_name = "orders/stock_count_detail.html"
    context_object_name = "count"

    def get_context_data(self, **kwargs):
        rows = selectors.stock_count_review(count=self.object)
        return super().get_context_data(
            rows=rows,
            drifted=sum(1 for row in rows if row.drift != 0),
            uncounted=sum(1 for row in rows if row.line.counted_quantity is None),
            **kwargs,
        )


class StockCountPrintView(StockCountDetailView):
    template_name = "orders/print/stock_count.html"


# --- order forms (header + lines) ----------------------------------------------------------------


class OrderEditView(ServiceFormMixin, MemberRequiredMixin, FormView):
    """Create or edit an order and its lines on one page: the header form and an inline formset
    of lines (add a row with htmx, remove with the row's checkbox). The service validates all
    lines together and a line's refusal is shown on its row."""

    read_action = Action.MANAGE_ORDERS
    write_action = Action.MANAGE_ORDERS
    template_name = "orders/order_form.html"
    model: type[PurchaseOrder] | type[SalesOrder]
    formset_class: type[BaseInlineFormSet]
    # Read through the class, so that the functions are not bound to the view.
    detail_selector: Callable[..., Document]
    create_service: Callable[..., Document]
    update_service: Callable[..., Document]
    creating = False
    url_name = ""

    def setup_object(self):
        if self.creating:
            self.object = None
            return None
        try:
            self.object = type(self).detail_selector(
                organization=self.request.organization, pk=self.kwargs["pk"]
            )
        except self.model.DoesNotExist:
            raise Http404 from None
        edit = transitions_of(self.object)["edit"]
        if not edit.allows(self.object.status):
            # One message whatever the state: the page only needs to say why it went back.
            messages.error(self.request, str(edit.refusal.message))
            return HttpResponseRedirect(self.object.get_absolute_url())
        return None

    def get(self, request, *args, **kwargs):
        return self.setup_object() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        redirect = self.setup_object()
        if redirect:
            return redirect
        form = self.get_form()
        self.formset = self.get_formset()
        if form.is_valid() and self.formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organization": self.request.organization,
            "instance": self.object,
        }

    def get_formset(self):
        data = self.request.POST if self.request.method == "POST" else None
        return self.formset_class(
            data,
            instance=self.object or self.model(organization=self.request.organization),
            organization=self.request.organization,
        )

    def get_context_data(self, **kwargs):
        if not hasattr(self, "formset"):
            self.formset = self.get_formset()
        return super().get_context_data(
            object=self.object,
            formset=self.formset,
            verbose_name=self.model._meta.verbose_name,
            verbose_name_plural=self.model._meta.verbose_name_plural,
            line_form_url=reverse(f"orders:{self.url_name}_line_form"),
            list_url=reverse(f"orders:{self.url_name}_list"),
            cancel_url=(
                self.object.get_absolute_url()
                if self.object
                else reverse(f"orders:{self.url_name}_list")
            ),
            **kwargs,
        )

    def lines(self):
        return [self.line_input(form.cleaned_data) for form in self.formset.kept_forms]

    def line_input(self, data: dict) -> services.LineInput:
        return services.LineInput(
            product=data["product"], quantity=data["quantity"], unit_price=data["unit_price"]
        )

    def save(self, form, lines):
        # The header form's fields are the service's keyword arguments (supplier or customer,
        # expected date, notes).
        if self.creating:
            return type(self).create_service(
                organization=self.request.organization,
                user=self.request.user,
                lines=lines,
                **form.cleaned_data,
            )
        return type(self).update_service(order=self.object, lines=lines, **form.cleaned_data)

    def perform(self, form):
        try:
            return self.save(form, self.lines())
        except ApplicationError as exc:
            row = exc.extra.get("index")
            if row is None:
                raise
            raise line_refusal(self.formset.kept_forms[row], exc) from None

    def get_success_url(self):
        return self.object.get_absolute_url()

    def redirect_after(self, form):
        messages.success(self.request, _("%(number)s saved.") % {"number": self.object.number})
        return super().redirect_after(form)


class PurchaseOrderCreateView(OrderEditView):
    model = PurchaseOrder
    form_class = PurchaseOrderForm
    formset_class = PurchaseOrderLineFormSet
    creating = True
    url_name = "purchase_order"
    create_service = services.purchase_order_create
    update_service = services.purchase_order_update

    def line_input(self, data: dict) -> services.LineInput:
        return services.PurchaseLineInput(
            product=data["product"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            receiving_location=data.get("receiving_location"),
        )


class PurchaseOrderUpdateView(PurchaseOrderCreateView):
    detail_selector = selectors.purchase_order_detail
    creating = False


class SalesOrderCreateView(OrderEditView):
    model = SalesOrder
    form_class = SalesOrderForm
    formset_class = SalesOrderLineFormSet
    creating = True
    url_name = "sales_order"
    create_service = services.sales_order_create
    update_service = services.sales_order_update


class SalesOrderUpdateView(SalesOrderCreateView):
    detail_selector = selectors.sales_order_detail
    creating = False


class LineFormRowView(MemberRequiredMixin, TemplateView):
    """htmx: one more empty line row for the order form, and the formset's new total."""

    read_action = Action.MANAGE_ORDERS
    template_name = "orders/partials/line_form_row.html"
    # Given by the URL (as_view), which needs the attribute to exist.
    formset_class: type[BaseInlineFormSet] | None = None

    def get_context_data(self, **kwargs):
        try:
            index = max(int(self.request.GET.get(f"{LINES_PREFIX}-TOTAL_FORMS", 0)), 0)
        except ValueError:
            index = 0
        index = min(index, 999)
        formset = self.formset_class(organization=self.request.organization)
        form = formset.form(
            prefix=f"{LINES_PREFIX}-{index}",
            organization=self.request.organization,
            use_required_attribute=False,
            empty_permitted=True,
        )
        form.fields["DELETE"] = django_forms.BooleanField(label=_("Remove"), required=False)
        return super().get_context_data(form=form, total=index + 1, **kwargs)
