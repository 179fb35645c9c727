"""The API's one error shape and the exception handler that produces it.

Every error answers `{"error": {"code": ..., "message": ..., "fields": {name: [messages]}}}`.
Nested field errors (bulk items, nested serializers) are flattened to dotted names such as
`items.3.sku`, so a client always finds a flat map of field → messages.
"""

import logging

from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _

from stockroom.core.exceptions import ApplicationError, error_body
from stockroom.core.views import (
    DATABASE_UNAVAILABLE_ERRORS,
    RETRY_AFTER_SECONDS,
    database_unavailable_body,
)

logger = logging.getLogger(__name__)

NON_FIELD = "non_field_errors"


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `invalid`.")
    message = serializers.CharField(help_text="A human-readable summary.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field; nested inputs use dotted names (`items.3.sku`).",
    )


class ErrorSerializer(serializers.Serializer):
    """The shape of every error response."""

    error = ErrorBodySerializer()


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into {"a.b.0.c": ["message", ...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            if detail:
                flat[prefix or NON_FIELD] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    name = f"{prefix}.{index}" if prefix else str(index)
                    flat.update(flatten_errors(item, name))
    else:
        flat[prefix or NON_FIELD] = [str(detail)]
    return flat


def _first_code(detail) -> str | None:
    if isinstance(detail, dict):
        for value in detail.values():
            if code := _first_code(value):
                return code
    elif isinstance(detail, list):
        for value in detail:
            if code := _first_code(value):
                return code
    else:
        return getattr(detail, "code", None)
    return None


def _validation_response(detail) -> Response:
    fields = flatten_errors(detail)
    non_field = fields.get(NON_FIELD)
    message = non_field[0] if non_field and len(fields) == 1 else _("Check the fields in error.")
    code = _first_code(detail) if len(fields) == 1 else None
    # A lone non-field error keeps its own code (e.g. `invalid_credentials`).
    return Response(
        error_body(code or "invalid", message, fields), status=status.HTTP_400_BAD_REQUEST
    )


def application_error_response(exc: ApplicationError) -> Response:
    """A domain refusal: its class gives the status (core/exceptions.py)."""
    fields = {exc.field: [exc.message]} if exc.field else {}
    return Response(error_body(exc.code, exc.message, fields), status=exc.status_code)


def api_exception_handler(exc, context) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error in the one JSON shape, never an HTML page."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, ApplicationError):
        return application_error_response(exc)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        return _validation_response(detail)
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(exc.detail)
    if isinstance(exc, RequestDataTooBig):
        # Raised when DRF reads the body, inside the view: Django's own 400 never sees it.
        return Response(
            error_body("request_too_large", _("The request body is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, SuspiciousOperation):
        # Too many form fields or files, a malformed multipart body: the request, not a bug.
        logger.warning("Suspicious request answered as a bad request: %s", exc)
        return Response(
            error_body("bad_request", _("The request could not be read.")),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IntegrityError):
        # A constraint the validation did not foresee (usually a concurrent duplicate).
        logger.warning("Integrity error answered as a conflict: %s", exc)
        return Response(
            error_body("conflict", _("The change conflicts with existing data.")),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        detail = exc.detail
        if isinstance(detail, dict | list):
            # simplejwt puts {"detail", "code", "messages"} into its exceptions.
            message = detail.get("detail", "") if isinstance(detail, dict) else ""
            code = (detail.get("code") if isinstance(detail, dict) else None) or exc.default_code
            return Response(
                error_body(str(code), message or exc.default_detail),
                status=exc.status_code,
                headers=headers,
            )
        return Response(
            error_body(getattr(detail, "code", None) or exc.default_code, detail),
            status=exc.status_code,
            headers=headers,
        )
    if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
        logger.error("Database unavailable during an API request", exc_info=exc)
        return Response(
            database_unavailable_body(),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    # Anything else is a bug, not bad input: log it with its traceback, answer in the shape.
    logger.error("Unhandled API error", exc_info=exc)
    return Response(
        error_body("server_error", _("Something went wrong on our side. Try again later.")),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
