"""What the order pages share: the page's document from its detail selector; and for the
receiving and counting pages, which edit one document's lines while its state allows a
transition (one formset row per line), the gate and the rows. A service's refusal that names a
line goes on that line's row."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from stockroom.core.exceptions import ApplicationError

from ..forms import LINES_PREFIX
from ..models import Document
from ..transitions import Transition


def line_refusal(line_form, exc: ApplicationError, *, on_field: bool = True) -> ApplicationError:
    """Put the service's refusal on its line's row (on the named field when `on_field`); the
    error returned tells the page as a whole to check the lines."""
    field = exc.field if on_field and exc.field in line_form.fields else None
    line_form.add_error(field, exc.message)
    return ApplicationError(_("Check the lines below."), code=exc.code)


class SelectedObjectMixin:
    """The page's object comes from a detail selector, scoped to the active organization;
    another organization's object is a 404."""

    model: type[Document]
    # Read through the class, so that the function is not bound to the view.
    detail_selector: Callable[..., Document]

    def get_object(self, queryset=None):
        try:
            return type(self).detail_selector(
                organization=self.request.organization, pk=self.kwargs["pk"]
            )
        except self.model.DoesNotExist:
            raise Http404 from None


class DocumentGateMixin(SelectedObjectMixin):
    """Pages open only while the document's state allows `transition`; in any other state they
    go back to the document's page with `closed_message` (the service would refuse anyway)."""

    transition: Transition
    closed_message: Promise

    def closed(self):
        """Loads the document; a redirect to its page when `transition` is closed, else None."""
        self.object = self.get_object()
        if self.transition.allows(self.object.status):
            return None
        messages.error(self.request, str(self.closed_message))
        return HttpResponseRedirect(self.object.get_absolute_url())


class LineFormsetMixin(DocumentGateMixin):
    """A form for the whole page and a formset of `formset_class` with a `line_id` per row.
    Subclasses give the lines (`get_lines`) and the rows of a fresh page (`initial_rows`)."""

    formset_class: type

    def get(self, request, *args, **kwargs):
        return self.closed() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # Not gated: a sheet closed meanwhile is refused by the service, with the form kept.
        self.object = self.get_object()
        form = self.get_form()
        self.formset = self.get_formset()
        if form.is_valid() and self.formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_lines(self) -> list:
        raise NotImplementedError

    def initial_rows(self) -> list[dict]:
        raise NotImplementedError

    def formset_form_kwargs(self) -> dict:
        """Keyword arguments of every row form (none unless a page's rows need some)."""
        return {}

    def get_formset(self):
        kwargs = {"prefix": LINES_PREFIX, "form_kwargs": self.formset_form_kwargs()}
        if self.request.method == "POST":
            return self.formset_class(self.request.POST, **kwargs)
        return self.formset_class(initial=self.initial_rows(), **kwargs)

    def line_rows(self) -> list[tuple]:
        """(row form, line) for each row whose line_id names a line of the document."""
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
        return rows

    def forms_by_line(self) -> dict:
        """{line id: row form} of the submitted rows."""
        return {
            line_form.cleaned_data["line_id"]: line_form
            for line_form in self.formset.forms
            if "line_id" in line_form.cleaned_data
        }
