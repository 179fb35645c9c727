"""Import and export pages. Forms validate the request, services create and run the jobs."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, FormView, View

from stockroom.accounts.permissions import MemberRequiredMixin
from stockroom.accounts.roles import Action
from stockroom.core.lists import PAGE_SIZE, ListPageView
from stockroom.core.spreadsheets import csv_writer
from stockroom.core.views import ServiceFormMixin

from . import selectors, services
from .forms import ExportForm, ImportForm, allowed_import_kinds
from .models import ExportJob, ImportJob, ImportKind, JobStatus

MAX_SHOWN_ERRORS = 500


class ImportAccessMixin(LoginRequiredMixin):
    """Members whose role may run at least one import kind (viewers may not)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.membership is None:
            return redirect("accounts:no_organization")
        self.import_kinds = allowed_import_kinds(request.membership)
        if not self.import_kinds:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ExportAccessMixin(MemberRequiredMixin):
    read_action = Action.EXPORT_REPORTS
    write_action = Action.EXPORT_REPORTS


# --- imports --------------------------------------------------------------------------------------


class ImportListView(ImportAccessMixin, ListPageView):
    template_name = "imports/import_list.html"
    context_object_name = "jobs"

    def get_queryset(self):
        return selectors.import_job_list(organization=self.request.organization)


class ImportCreateView(ImportAccessMixin, ServiceFormMixin, FormView):
    form_class = ImportForm
    template_name = "imports/import_form.html"

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in self.import_kinds else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "membership": self.request.membership}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            import_kinds=[
                (kind, ImportKind(kind).label, services.COLUMNS[kind], services.REQUIRED[kind])
                for kind in self.import_kinds
            ],
            **kwargs,
        )

    def perform(self, form):
        return services.import_job_create(
            organization=self.request.organization,
            user=self.request.user,
            kind=form.cleaned_data["kind"],
            uploaded_file=form.cleaned_data["file"],
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class ImportJobMixin(ImportAccessMixin):
    model = ImportJob
    context_object_name = "job"

    def get_queryset(self):
        return selectors.import_job_list(organization=self.request.organization)

    def get_context_data(self, **kwargs):
        job = self.object
        errors = job.error_report or []
        return super().get_context_data(
            errors=errors[:MAX_SHOWN_ERRORS],
            hidden_error_count=max(0, len(errors) - MAX_SHOWN_ERRORS),
            row_errors=[error for error in errors if error.get("row")],
            **kwargs,
        )


class ImportDetailView(ImportJobMixin, DetailView):
    template_name = "imports/import_detail.html"


class ImportProgressView(ImportJobMixin, DetailView):
    """The htmx fragment the detail page polls every 2 s while the job runs."""

    template_name = "imports/partials/import_progress.html"


class ImportTemplateView(ImportAccessMixin, View):
    """A CSV with the columns of an import kind and one example row."""

    def get(self, request, kind: str):
        if kind not in ImportKind.values:
            raise Http404
        header, example = services.import_template(kind)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="stockroom-{kind}-template.csv"'
        writer = csv_writer(response)
        writer.writerow(header)
        writer.writerow(example)
        return response


# --- exports --------------------------------------------------------------------------------------


class ExportListView(ExportAccessMixin, ServiceFormMixin, FormView):
    """Request an export; the organization's recent exports are listed under the form."""

    form_class = ExportForm
    template_name = "imports/export_list.html"

    def get_context_data(self, **kwargs):
        jobs = selectors.export_job_list(organization=self.request.organization)[:PAGE_SIZE]
        return super().get_context_data(jobs=jobs, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.export_job_create(
            organization=self.request.organization,
            user=self.request.user,
            kind=data["kind"],
            file_format=data["format"],
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class ExportJobMixin(ExportAccessMixin):
    model = ExportJob
    context_object_name = "job"

    def get_queryset(self):
        return selectors.export_job_list(organization=self.request.organization)


class ExportDetailView(ExportJobMixin, DetailView):
    template_name = "imports/export_detail.html"


class ExportStatusView(ExportJobMixin, DetailView):
    template_name = "imports/partials/export_status.html"


class ExportDownloadView(ExportJobMixin, View):
    """The file of a finished export of the active organization; anything else is a 404."""

    def get(self, request, pk: int):
        job = get_object_or_404(self.get_queryset(), pk=pk, status=JobStatus.SUCCEEDED)
        if not job.file:
            raise Http404
        try:
            handle = job.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=job.download_name)
