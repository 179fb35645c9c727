"""Stored first responses of POSTs sent with an `Idempotency-Key` header."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class IdempotencyRecord(models.Model):
    """The first successful response to (organization, user, key), replayed on retries.

    `fingerprint` hashes the method, path and body, so reusing a key for a different request
    is recognised and refused instead of silently replaying an unrelated response.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "key"], name="api_idempotency_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"
