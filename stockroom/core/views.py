"""View plumbing shared by every app."""

import sys

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.generic import RedirectView

from .exceptions import ApplicationError, error_body
from .middleware import API_PATH_PREFIX

# A connection refused, dropped or killed (a restart, a failover, an operator's
# pg_terminate_backend), a lock or statement timeout: the request did not go through, and the same
# request may well succeed in a moment. Every service runs in a transaction, so what it began was
# rolled back with the connection.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


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


def database_unavailable_body() -> dict:
    return error_body(
        "service_unavailable",
        _("The database cannot be reached right now. Try again in a moment."),
    )


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON in the API's error shape on API paths, a page elsewhere.

    It reads nothing from the database (the page is rendered without the request's context,
    which would load the session and the user), so it answers while the database is away.
    """
    body = database_unavailable_body()
    if request.path.startswith(API_PATH_PREFIX):
        response: HttpResponse = JsonResponse(body, status=503)
    else:
        page = loader.get_template("503.html").render({"message": body["error"]["message"]})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an unhandled error is a 500 (JSON on API paths), unless the database was
    unreachable: a 503 that tells the client to try again. Django calls it inside its `except`
    block, so the error is the one being handled."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE_ERRORS):
        return database_unavailable(request)
    if request.path.startswith(API_PATH_PREFIX):  # an error before DRF's own handler ran
        message = _("Something went wrong on our side. Try again later.")
        return JsonResponse(error_body("server_error", message), status=500)
    return defaults.server_error(request)
