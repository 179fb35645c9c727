"""Order and count pages. Thin: forms validate, selectors read, services write."""

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView

from stockroom.accounts.permissions import MemberRequiredMixin, TenantObjectMixin
from stockroom.accounts.roles import Action
from stockroom.core.exceptions import ApplicationError
from stockroom.core.lists import ListPageView
from stockroom.core.reversing import url_for_pk
from stockroom.core.views import ServiceFormMixin

from . import selectors, services
from .forms import (
    LINES_PREFIX,
    STATUS_CHOICES,
    ConfirmSalesOrderForm,
    CountFoundItemForm,
    CountLineFormSet,
    OrderFilterForm,
    PurchaseOrderForm,
    PurchaseOrderLineFormSet,
    ReceiveForm,
    ReceiveLineFormSet,
    SalesOrderForm,
    SalesOrderLineFormSet,
    StockCountForm,
)
from .models import PurchaseOrder, PurchaseOrderStatus, SalesOrder, StockCount
from .pdf import purchase_order_pdf
from .transitions import (
    PURCHASE_ORDER_TRANSITIONS,
    STOCK_COUNT_TRANSITIONS,
    Transition,
    transitions_of,
)

# --- lists ---------------------------------------------------------------------------------------


class OrderListView(TenantObjectMixin, ListPageView):
    """Searchable and filterable by state; each list names its model and its selector."""

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


class SelectedObjectMixin:
    """The page's object comes from a detail selector, scoped to the active organization;
    another organization's object is a 404."""

    detail_selector = None

    def get_object(self, queryset=None):
        try:
            return type(self).detail_selector(
                organization=self.request.organization, pk=self.kwargs["pk"]
            )
        except self.model.DoesNotExist:
            raise Http404 from None


class PurchaseOrderDetailView(SelectedObjectMixin, TenantObjectMixin, DetailView):
    model = PurchaseOrder
    detail_selector = selectors.purchase_order_detail
    template_name = "orders/purchase_order_detail.html"
    context_object_name = "order"


class PurchaseOrderPrintView(PurchaseOrderDetailView):
    template_name = "orders/print/purchase_order.html"


class PurchaseOrderPdfView(PurchaseOrderDetailView):
    def render_to_response(self, context, **response_kwargs):
        order = self.object
        response = HttpResponse(purchase_order_pdf(order), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
        return response


class SalesOrderDetailView(SelectedObjectMixin, TenantObjectMixin, DetailView):
    model = SalesOrder
    detail_selector = selectors.sales_order_detail
    template_name = "orders/sales_order_detail.html"
    context_object_name = "order"

    def get_context_data(self, **kwargs):
        return super().get_context_data(confirm_form=ConfirmSalesOrderForm(), **kwargs)


class SalesOrderPrintView(SalesOrderDetailView):
    template_name = "orders/print/sales_order.html"


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
    model = None
    formset_class = None
    detail_selector = None
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
        return [
            services.LineInput(
                product=form.cleaned_data["product"],
                quantity=form.cleaned_data["quantity"],
                unit_price=form.cleaned_data["unit_price"],
            )
            for form in self.formset.kept_forms
        ]

    def save(self, form, lines):
        raise NotImplementedError

    def perform(self, form):
        try:
            return self.save(form, self.lines())
        except ApplicationError as exc:
            row = exc.extra.get("index")
            if row is None:
                raise
            line_form = self.formset.kept_forms[row]
            field = exc.field if exc.field in line_form.fields else None
            line_form.add_error(field, exc.message)
            raise ApplicationError(_("Check the lines below."), code=exc.code) from None

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

    def save(self, form, lines):
        return services.purchase_order_create(
            organization=self.request.organization,
            user=self.request.user,
            supplier=form.cleaned_data["supplier"],
            expected_date=form.cleaned_data["expected_date"],
            notes=form.cleaned_data["notes"],
            lines=lines,
        )


class PurchaseOrderUpdateView(PurchaseOrderCreateView):
    detail_selector = selectors.purchase_order_detail
    creating = False

    def save(self, form, lines):
        return services.purchase_order_update(
            order=self.object,
            supplier=form.cleaned_data["supplier"],
            expected_date=form.cleaned_data["expected_date"],
            notes=form.cleaned_data["notes"],
            lines=lines,
        )


class SalesOrderCreateView(OrderEditView):
    model = SalesOrder
    form_class = SalesOrderForm
    formset_class = SalesOrderLineFormSet
    creating = True
    url_name = "sales_order"

    def save(self, form, lines):
        return services.sales_order_create(
            organization=self.request.organization,
            user=self.request.user,
            customer=form.cleaned_data["customer"],
            notes=form.cleaned_data["notes"],
            lines=lines,
        )


class SalesOrderUpdateView(SalesOrderCreateView):
    detail_selector = selectors.sales_order_detail
    creating = False

    def save(self, form, lines):
        return services.sales_order_update(
            order=self.object,
            customer=form.cleaned_data["customer"],
            notes=form.cleaned_data["notes"],
            lines=lines,
        )


class LineFormRowView(MemberRequiredMixin, TemplateView):
    """htmx: one more empty line row for the order form, and the formset's new total."""

    read_action = Action.MANAGE_ORDERS
    template_name = "orders/partials/line_form_row.html"
    formset_class = None

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


# --- transitions (one button each) ---------------------------------------------------------------


class TransitionView(ServiceFormMixin, MemberRequiredMixin, FormView):
    """A POST-only state change, driven by one entry of the document's transition table (which
    names the role action it needs, as `read_action` and `write_action`). Success and refusal
    both return to the object's page with a message, so the buttons can live on the detail page.

    `service(<document>=obj, user=…)` makes the change; `service_options(form)` adds what the
    form chose. `transition_view` makes one per table entry."""

    http_method_names = ["post"]
    form_class = django_forms.Form
    model = None
    transition: Transition = None
    service = None
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


class PurchaseOrderReceiveView(
    ServiceFormMixin, SelectedObjectMixin, MemberRequiredMixin, FormView
):
    """Receive a sent order line by line into one location; lot and expiry where tracked."""

    model = PurchaseOrder
    detail_selector = selectors.purchase_order_detail
    transition = PURCHASE_ORDER_TRANSITIONS["receive"]
    read_action = write_action = transition.action
    form_class = ReceiveForm
    template_name = "orders/purchase_order_receive.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.transition.allows(self.object.status):
            messages.error(request, _("Only a sent purchase order can be received."))
            return HttpResponseRedirect(self.object.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        self.formset = self.get_formset()
        if form.is_valid() and self.formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.request.organization}

    def get_formset(self):
        if self.request.method == "POST":
            return ReceiveLineFormSet(self.request.POST, prefix=LINES_PREFIX)
        initial = [
            {"line_id": line.pk, "quantity": line.remaining}
            for line in self.object.lines.all()
            if line.remaining > 0
        ]
        return ReceiveLineFormSet(initial=initial, prefix=LINES_PREFIX)

    def get_context_data(self, **kwargs):
        if not hasattr(self, "formset"):
            self.formset = self.get_formset()
        lines = {line.pk: line for line in self.object.lines.all()}
        rows = []
        for form in self.formset.forms:
            line_id = form["line_id"].value()
            try:
                line = lines.get(int(line_id))
            except (TypeError, ValueError):
                line = None
            if line is not None:
                rows.append((form, line))
        return super().get_context_data(
            order=self.object, rows=rows, formset=self.formset, **kwargs
        )

    def perform(self, form):
        lines = {line.pk: line for line in self.object.lines.all()}
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
            line_form.add_error(exc.field if exc.field in line_form.fields else None, exc.message)
            raise ApplicationError(_("Check the lines below."), code=exc.code) from None
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()

    def redirect_after(self, form):
        messages.success(self.request, _("The receipt was posted."))
        return super().redirect_after(form)


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


class StockCountEnterView(ServiceFormMixin, SelectedObjectMixin, MemberRequiredMixin, FormView):
    """The counting sheet for a phone: one card per line, a large numeric input each. "Save"
    keeps the counts; "Save and submit" hands the sheet to a manager."""

    model = StockCount
    detail_selector = selectors.stock_count_detail
    transition = STOCK_COUNT_TRANSITIONS["record"]
    read_action = write_action = transition.action
    form_class = django_forms.Form
    template_name = "orders/stock_count_enter.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.transition.allows(self.object.status):
            messages.error(request, _("Counting is closed for this sheet."))
            return HttpResponseRedirect(self.object.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        self.formset = self.get_formset()
        if self.formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_lines(self):
        if not hasattr(self, "_lines"):
            self._lines = list(selectors.stock_count_lines(count=self.object))
        return self._lines

    def get_formset(self):
        if self.request.method == "POST":
            return CountLineFormSet(self.request.POST, prefix=LINES_PREFIX)
        return CountLineFormSet(
            initial=[
                {"line_id": line.pk, "counted_quantity": line.counted_quantity}
                for line in self.get_lines()
            ],
            prefix=LINES_PREFIX,
        )

    def get_context_data(self, **kwargs):
        if not hasattr(self, "formset"):
            self.formset = self.get_formset()
        lines = {line.pk: line for line in self.get_lines()}
        rows = []
        for form in self.formset.forms:
            try:
                line = lines.get(int(form["line_id"].value()))
            except (TypeError, ValueError):
                line = None
            if line is not None:
                rows.append((form, line))
        return super().get_context_data(
            count=self.object, rows=rows, formset=self.formset, **kwargs
        )

    def perform(self, form):
        forms_by_line = {
            line_form.cleaned_data["line_id"]: line_form
            for line_form in self.formset.forms
            if "line_id" in line_form.cleaned_data
        }
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
            line_form.add_error(None, exc.message)
            raise ApplicationError(_("Check the lines below."), code=exc.code) from None
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


class StockCountAddLineView(ServiceFormMixin, SelectedObjectMixin, MemberRequiredMixin, FormView):
    """Add stock found while counting that the sheet does not list."""

    model = StockCount
    detail_selector = selectors.stock_count_detail
    transition = STOCK_COUNT_TRANSITIONS["record"]
    read_action = write_action = transition.action
    form_class = CountFoundItemForm
    template_name = "orders/stock_count_add_line.html"

    def get(self, request, *args, **kwargs):
        return self._closed() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._closed() or super().post(request, *args, **kwargs)

    def _closed(self):
        """Loads the count; a redirect when counting is over (the service would refuse)."""
        self.object = self.get_object()
        if self.transition.allows(self.object.status):
            return None
        messages.error(self.request, _("Counting is closed for this sheet."))
        return HttpResponseRedirect(self.object.get_absolute_url())

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
