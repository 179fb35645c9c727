"""View plumbing shared by every app."""

from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.views.generic import RedirectView

from .exceptions import ApplicationError


class ServiceFormMixin:
    """Runs a service from `form_valid` and turns its refusals into form errors.

    Subclasses implement `perform(form)`; it calls one service and returns the object the
    view should redirect to (or None). Domain errors become messages on the named field.
    """

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    target = field if field in form.fields else None
                    for error in errors:
                        form.add_error(target, error)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        return self.redirect_after(form)

    def redirect_after(self, form):
        return HttpResponseRedirect(self.get_success_url())


class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for before (or without) reading the page's icon link.
    The static URL is resolved per request: a manifest storage knows it only after collectstatic."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("img/favicon.svg")
