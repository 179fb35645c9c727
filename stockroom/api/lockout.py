"""django-axes' hooks: whose failures are counted together (AXES_USERNAME_CALLABLE), and the
lockout response (AXES_LOCKOUT_CALLABLE): the API's JSON error for /api/ paths, the site's HTML
page everywhere else.

Axes' middleware swaps the view's response for this one whenever a sign-in is refused for too
many failures, so the API's sign-in endpoints need no special case of their own.
"""

from axes.helpers import get_cool_off, get_cool_off_iso8601, get_failure_limit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from stockroom.accounts.models import canonical_email

from .errors import error_body

API_PATH_PREFIX = "/api/"


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a sign-in attempt names, in its canonical spelling, for the web log-in and the
    API's token endpoints alike. Login matches emails case-insensitively, so counting failures
    per raw spelling would let every case variant of an email buy another round of guesses."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return None
    return canonical_email(username)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    # Axes' async path passes (request, credentials): only `request` is relied on here.
    status = settings.AXES_HTTP_RESPONSE_CODE
    cool_off = get_cool_off(request)
    if request.path_info.startswith(API_PATH_PREFIX):
        response = JsonResponse(
            error_body("account_locked", _("Too many failed sign-ins. Try again later.")),
            status=status,
        )
        if cool_off:
            response["Retry-After"] = str(int(cool_off.total_seconds()))
        return response
    context = {"failure_limit": get_failure_limit(request, credentials)}
    if cool_off:
        context.update(cooloff_time=get_cool_off_iso8601(cool_off), cooloff_timedelta=cool_off)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=status)
