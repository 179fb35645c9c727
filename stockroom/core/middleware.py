"""Request id, access log, security headers, and the refusal of NUL characters in URLs."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils.translation import gettext as _

from .logging import request_id_var

access_logger = logging.getLogger("stockroom.access")

REQUEST_ID_HEADER = "X-Request-ID"
# A caller-supplied id is kept only if it is short and plain, so it cannot inject into logs.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id, expose it on the response, and put it on every log line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class AccessLogMiddleware:
    """One structured line per request: method, path, status, duration, user and organization."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        user = getattr(request, "user", None)
        organization = getattr(request, "organization", None)
        access_logger.info(
            "%s %s %s %.2fms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "organization_id": organization.pk if organization is not None else None,
            },
        )
        return response


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware doesn't set: Permissions-Policy on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


API_PATH_PREFIX = "/api/"


class RejectNulMiddleware:
    """A NUL character in the path or a query parameter is a 400 naming the parameter.

    PostgreSQL refuses NUL in any text value, so a search or filter carrying one failed as a
    500 inside whichever query first used it; no page or endpoint has a use for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        names = sorted(
            {
                name
                for name, values in request.GET.lists()
                if "\x00" in name or any("\x00" in value for value in values)
            }
        )
        if names or "\x00" in request.path:
            if request.path.startswith(API_PATH_PREFIX):
                # The API's error shape (stockroom.api.errors; core imports no app).
                message = _("Null characters are not allowed.")
                fields = {name.replace("\x00", "\\x00"): [message] for name in names}
                return JsonResponse(
                    {
                        "error": {
                            "code": "null_characters_not_allowed",
                            "message": _("Check the fields in error.") if fields else message,
                            "fields": fields,
                        }
                    },
                    status=400,
                )
            raise BadRequest(f"NUL character in {', '.join(names) or 'the path'}")
        return self.get_response(request)
