import io
import zoneinfo
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from stockroom.accounts.permissions import MemberRequiredMixin
from stockroom.accounts.roles import Action
from stockroom.catalog.models import Product
from stockroom.core.cache import cached_for_organization
from stockroom.core.formatting import format_date
from stockroom.core.spreadsheets import write_csv, write_xlsx
from stockroom.inventory.models import Location, Lot

from . import forms, labels, selectors, services
from .definitions import REPORTS, export_number_formats, export_value
from .selectors.getting_started import getting_started
from .selectors.history import history_model, record_history
from .selectors.lookup import resolve_scanned_code
from .selectors.reports import organization_today

REPORT_PAGE_SIZE = 25


class DashboardView(MemberRequiredMixin, TemplateView):
    """The organization's home page; its figures refresh live when stock moves."""

    template_name = "reports/dashboard.html"

    def get_template_names(self):
        if self.request.htmx and self.request.GET.get("fragment") == "kpis":
            return ["reports/partials/dashboard_live.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        organization = self.request.organization
        charts = selectors.dashboard_charts(organization)
        if None in charts["stock_value"]["values"]:
            services.stock_value_snapshots_request(organization=organization)
        checklist = getting_started(organization)
        membership = self.request.membership
        return super().get_context_data(
            overview=selectors.organization_overview(organization),
            charts=charts,
            movements=selectors.recent_movements(organization),
            checklist=checklist,
            # Each step links to the page that does it, for the roles that may do it.
            checklist_steps=[
                (step, reverse(step.url_name) if membership.can(step.action) else "")
                for step in checklist.steps
            ],
            can_dismiss_checklist=membership.can(Action.MANAGE_ORGANIZATION),
            **kwargs,
        )


class GettingStartedDismissView(MemberRequiredMixin, View):
    """Hides the getting-started checklist before every step is done (owners only)."""

    read_action = Action.MANAGE_ORGANIZATION
    write_action = Action.MANAGE_ORGANIZATION
    http_method_names = ["post"]

    def post(self, request):
        services.getting_started_dismiss(organization=request.organization)
        messages.success(request, _("The getting-started checklist is hidden."))
        return redirect("reports:dashboard")


# --- reports -------------------------------------------------------------------------------------


class ReportIndexView(MemberRequiredMixin, TemplateView):
    read_action = Action.VIEW_REPORTS
    template_name = "reports/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(reports=REPORTS.values(), **kwargs)


class ReportMixin(MemberRequiredMixin):
    read_action = Action.VIEW_REPORTS

    def dispatch(self, request, *args, **kwargs):
        self.report = REPORTS.get(kwargs["slug"])
        if self.report is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def report_filters(self) -> dict:
        form = self.report.form_class(self.request.GET, organization=self.request.organization)
        filters = form.filters()
        return {
            "report": self.report,
            "form": form,
            "filters": filters,
            "columns": self.report.get_columns(filters),
        }

    def report_data(self) -> dict:
        data = self.report_filters()
        return {**data, "rows": self.report.rows(self.request.organization, data["filters"])}

    def table(self, columns, items) -> list[dict]:
        table = []
        for item in items:
            row = self.report.as_row(item)
            row["cells"] = [(column, row.get(column.key)) for column in columns]
            table.append(row)
        return table


def _filter_key(filters: dict) -> list[str]:
    """The filters as cache key parts: a model by its primary key, anything else as text."""
    return [f"{name}={getattr(filters[name], 'pk', filters[name])}" for name in sorted(filters)]


def _page_number(raw: str | None) -> int:
    """The requested page as `Paginator.get_page` reads it (junk is page 1), so that equivalent
    requests share one cached page."""
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


class ReportView(ReportMixin, TemplateView):
    """One page of a report. Pages of cached reports are cached themselves: a warm page is read
    from the cache without loading the report's rows, which for a large organization take far
    longer to unpickle (tens of thousands of rows) than the page takes to render."""

    template_name = "reports/report.html"

    def get_context_data(self, **kwargs):
        data = self.report_filters()
        number = _page_number(self.request.GET.get("page"))
        if self.report.cached:
            organization = self.request.organization
            page = cached_for_organization(
                organization.pk,
                f"report-page:{self.report.slug}",
                lambda: self.report_page(data, number),
                # The organization's day: "days left", "idle since" and the default valuation
                # date move at its midnight, not on a stock movement. The language: some rows
                # carry translated labels.
                organization_today(organization).isoformat(),
                translation.get_language(),
                *_filter_key(data["filters"]),
                f"page={number}",
            )
        else:
            page = self.report_page(data, number)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            **data,
            # Pagination links need only the row count, not the rows.
            page_obj=Paginator(range(page["row_count"]), REPORT_PAGE_SIZE).get_page(page["number"]),
            table=page["table"],
            total=page["total"],
            row_count=page["row_count"],
            querystring=query.urlencode(),
            can_export=self.request.membership.can(Action.EXPORT_REPORTS),
            **kwargs,
        )

    def report_page(self, data: dict, number: int) -> dict:
        rows = self.report.rows(self.request.organization, data["filters"])
        page = Paginator(rows, REPORT_PAGE_SIZE).get_page(number)
        return {
            "table": self.table(data["columns"], page.object_list),
            "total": self.report.total(rows),
            "row_count": page.paginator.count,
            "number": page.number,
        }


class ReportPrintView(ReportMixin, TemplateView):
    template_name = "reports/print.html"

    def get_context_data(self, **kwargs):
        data = self.report_data()
        query = self.request.GET.urlencode()
        return super().get_context_data(
            **data,
            table=self.table(data["columns"], data["rows"]),
            total=self.report.total(data["rows"]),
            back_url=reverse("reports:report", args=[self.report.slug])
            + (f"?{query}" if query else ""),
            printed_at=timezone.now(),
            **kwargs,
        )


class ReportExportView(ReportMixin, View):
    """Every row of the report (all pages) with the page's columns, as CSV or XLSX."""

    read_action = Action.EXPORT_REPORTS
    CONTENT_TYPES = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }

    def get(self, request, slug: str, file_format: str):
        if file_format not in self.CONTENT_TYPES:
            raise Http404
        data = self.report_data()
        columns = data["columns"]
        rows = data["rows"]
        if hasattr(rows, "iterator"):
            rows = rows.iterator(chunk_size=2000)
        organization = self.request.organization
        currency = organization.currency
        header = [str(column.label) for column in columns]
        cells = (
            [
                export_value(column, row.get(column.key), row=row, currency=currency)
                for column in columns
            ]
            for row in map(self.report.as_row, rows)
        )
        buffer = io.BytesIO()
        if file_format == "xlsx":
            formats = export_number_formats(columns, currency)
            write_xlsx(buffer, header, cells, number_formats=formats)
        else:
            write_csv(buffer, header, cells)
        response = HttpResponse(buffer.getvalue(), content_type=self.CONTENT_TYPES[file_format])
        # The organization's clock, whatever zone the request happens to run in.
        now = timezone.now().astimezone(zoneinfo.ZoneInfo(organization.time_zone))
        stamp = now.strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.report.slug}-{stamp}.{file_format}"'
        )
        return response


# --- barcodes, labels and scanning ---------------------------------------------------------------


def _scoped(model, request, pk: int, *related: str):
    item = model.objects.filter(organization=request.organization, pk=pk)
    item = item.select_related(*related).first()
    if item is None:
        raise Http404
    return item


class BarcodeImageView(MemberRequiredMixin, View):
    """GET codes/<product|location|lot>/<pk>/<code128|qr>.svg"""

    def get(self, request, kind: str, pk: int, symbology: str):
        if kind == "product":
            code = labels.product_code(_scoped(Product, request, pk))
        elif kind == "location":
            code = labels.location_code(_scoped(Location, request, pk, "warehouse"))
        elif kind == "lot":
            code = labels.lot_code(_scoped(Lot, request, pk, "product"))
        else:
            raise Http404
        if symbology == "code128":
            if not labels.code128_encodes(code):
                raise Http404  # a non-ASCII SKU, bin or lot has its QR code only
            image = labels.code128_svg(code)
        elif symbology == "qr":
            image = labels.qr_svg(code)
        else:
            raise Http404
        response = HttpResponse(image, content_type="image/svg+xml")
        response["Cache-Control"] = "private, max-age=3600"
        return response


class LabelIndexView(MemberRequiredMixin, TemplateView):
    template_name = "reports/labels.html"

    def get_context_data(self, **kwargs):
        organization = self.request.organization
        return super().get_context_data(
            label_forms=[
                (
                    forms.ProductLabelForm(organization=organization),
                    "products",
                    _("Products"),
                ),
                (
                    forms.LocationLabelForm(organization=organization),
                    "locations",
                    _("A warehouse's locations"),
                ),
                (forms.LotLabelForm(organization=organization), "lots", _("A product's lots")),
            ],
            **kwargs,
        )


class LabelSheetView(MemberRequiredMixin, View):
    """A4 PDF of labels: selected products, a warehouse's locations or a product's lots."""

    FORMS = {
        "products": forms.ProductLabelForm,
        "locations": forms.LocationLabelForm,
        "lots": forms.LotLabelForm,
    }

    def get(self, request, sheet: str):
        form_class = self.FORMS.get(sheet)
        if form_class is None:
            raise Http404
        form = form_class(request.GET, organization=request.organization)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("reports:labels")
        sheet_labels, title = self.labels(sheet, form.cleaned_data)
        response = HttpResponse(
            labels.label_sheet_pdf(sheet_labels, title=title), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="labels-{sheet}.pdf"'
        return response

    def labels(self, sheet: str, data: dict) -> tuple[list[labels.Label], str]:
        organization = self.request.organization
        if sheet == "products":
            products = data["products"].order_by("sku")
            return [
                labels.Label(product.name, labels.product_code(product), product.sku)
                for product in products
            ], _("Product labels")
        if sheet == "locations":
            warehouse = data["warehouse"]
            locations = (
                Location.objects.filter(organization=organization, warehouse=warehouse)
                .select_related("warehouse")
                .order_by("code")
            )
            return [
                labels.Label(
                    location.label, labels.location_code(location), location.name or warehouse.name
                )
                for location in locations
            ], _("Location labels")
        product = data["product"]
        lots = Lot.objects.filter(organization=organization, product=product).select_related(
            "product"
        )
        return [
            labels.Label(
                product.name,
                labels.lot_code(lot),
                _("Lot %(lot)s · expires %(date)s")
                % {"lot": lot.lot_number, "date": format_date(lot.expiry_date) or "—"},
            )
            for lot in lots
        ], _("Lot labels")


MOVEMENT_URLS = {
    "receive": "inventory:movement_receive",
    "issue": "inventory:movement_issue",
    "transfer": "inventory:movement_transfer",
    "adjust": "inventory:movement_adjust",
}


class ScanView(MemberRequiredMixin, TemplateView):
    """A handheld scanner types the code and presses Enter: the form submits (GET) and the page
    jumps to the item, or to a movement form pre-filled with the product (and a location
    scanned just before)."""

    template_name = "reports/scan.html"

    def get(self, request, *args, **kwargs):
        form = forms.ScanForm(request.GET or None)
        location = None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            if data.get("location"):
                location = Location.objects.filter(
                    organization=request.organization, pk=data["location"]
                ).first()
            match = resolve_scanned_code(organization=request.organization, code=data["code"])
            if match is None:
                form.add_error(
                    "code",
                    _("No product, location or lot matches “%(code)s”.") % {"code": data["code"]},
                )
            else:
                target = self.target(match, data.get("then") or "", location)
                if target is not None:
                    return redirect(target)
                location = match.item  # a location scanned before the product
        context = self.get_context_data(form=form, location=location)
        return self.render_to_response(context)

    def target(self, match, then: str, location) -> str | None:
        if not then:
            if match.kind == "lot":
                return reverse("inventory:product_stock", args=[match.item.product_id])
            return match.item.get_absolute_url()
        if match.kind == "location":
            return None  # remember it and wait for the product
        query = {}
        if match.kind == "lot":
            query.update(product=match.item.product_id, lot=match.item.pk)
        else:
            query["product"] = match.item.pk
        if location is not None:
            query["location"] = location.pk
        return reverse(MOVEMENT_URLS[then]) + "?" + urlencode(query)

    def get_context_data(self, **kwargs):
        form = kwargs["form"]
        then = form.cleaned_data.get("then", "") if form.is_bound and form.is_valid() else ""
        if not then and form.is_bound:
            then = form.data.get("then", "")
        location = kwargs.get("location")
        next_form = forms.ScanForm(
            initial={"then": then, "location": location.pk if location else None}
        )
        return super().get_context_data(next_form=next_form, **kwargs)


# --- audit history -------------------------------------------------------------------------------


class HistoryView(MemberRequiredMixin, TemplateView):
    """Who changed a record, when, and each field from what to what."""

    template_name = "reports/history.html"

    def get_context_data(self, **kwargs):
        model = history_model(self.kwargs["model"])
        if model is None:
            raise Http404
        entries, latest = record_history(
            organization=self.request.organization, model=model, pk=self.kwargs["pk"]
        )
        if latest is None:
            raise Http404
        current = model.objects.filter(
            organization=self.request.organization, pk=self.kwargs["pk"]
        ).first()
        return super().get_context_data(
            entries=entries,
            record_name=str(current) if current is not None else str(latest.instance),
            record_url=current.get_absolute_url()
            if current is not None and hasattr(current, "get_absolute_url")
            else "",
            model_name=model._meta.verbose_name,
            **kwargs,
        )
