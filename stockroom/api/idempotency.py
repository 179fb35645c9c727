"""`Idempotency-Key` on creating POSTs: a retry returns the first response and creates nothing.

The first 2xx response is stored in the same transaction as the write it describes, so either
both exist or neither does. A concurrent duplicate loses on the unique constraint, rolls back its
own write, and replays the winner's response.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.response import Response

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stockroom.core.exceptions import ConflictError

from .models import IdempotencyRecord

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 100
# 1 to 100 printable ASCII characters, no space at either end (HTTP strips those anyway). The
# API schema documents this same pattern (IDEMPOTENCY_PARAMETER below).
KEY_PATTERN = rf"^[!-~](?:[ -~]{{0,{MAX_KEY_LENGTH - 2}}}[!-~])?$"
_KEY = re.compile(KEY_PATTERN)
# How long a key protects a retry. Older records are purged daily (api.tasks) and ignored, so a
# key may be reused for a new request once this has passed.
RECORD_LIFETIME = timedelta(hours=24)

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=IDEMPOTENCY_HEADER,
    type={"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN},
    location=OpenApiParameter.HEADER,
    required=False,
    description="Send a unique key (1 to 100 printable ASCII characters) to make a retry safe: "
    "the same key and body return the first response and create nothing; the same key with "
    "another body is a 409. Keys are your own: another user's key never replays your request.",
)


def idempotency_key(request) -> str | None:
    raw = request.headers.get(IDEMPOTENCY_HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not _KEY.fullmatch(key):
        raise serializers.ValidationError(
            {IDEMPOTENCY_HEADER: [_("Send a key of 1 to 100 printable ASCII characters.")]}
        )
    return key


def request_fingerprint(request) -> str:
    data = request.data
    if hasattr(data, "lists"):
        data = dict(data.lists())
    body = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise ConflictError(
            _("This Idempotency-Key was already used for a different request."),
            code="idempotency_conflict",
        )
    return Response(
        record.response_body, status=record.status_code, headers={REPLAYED_HEADER: "true"}
    )


def _expired(record: IdempotencyRecord) -> bool:
    return record.created_at < timezone.now() - RECORD_LIFETIME


def run_once(request, key: str | None, run: Callable[[], Response]) -> Response:
    """Run `run()` once per key; without a key it just runs."""
    if key is None:
        return run()
    fingerprint = request_fingerprint(request)
    records = IdempotencyRecord.objects.filter(
        organization=request.organization, user=request.user, key=key
    )
    # Looked up before running, so a retry (often sent because the server was slow) costs one
    # query, not a whole write rolled back.
    if (record := records.first()) is not None:
        if not _expired(record):
            return _replay(record, fingerprint)
        # The key is free again; its old record would block the new one on the unique constraint.
        records.filter(pk=record.pk).delete()
    try:
        with transaction.atomic():
            response = run()
            if 200 <= response.status_code < 300:
                IdempotencyRecord.objects.create(
                    organization=request.organization,
                    user=request.user,
                    key=key,
                    fingerprint=fingerprint,
                    status_code=response.status_code,
                    response_body=response.data,
                )
    except IntegrityError:
        record = records.first()
        if record is None:
            raise
        return _replay(record, fingerprint)
    return response


def idempotency_records_purge(*, now: datetime | None = None) -> int:
    """Delete the records older than RECORD_LIFETIME; returns how many went."""
    cutoff = (now or timezone.now()) - RECORD_LIFETIME
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
