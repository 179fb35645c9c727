"""API housekeeping tasks. Safe to run twice: a second run finds nothing left to delete."""

from celery import shared_task

from .idempotency import idempotency_records_purge


@shared_task
def purge_idempotency_records() -> int:
    """Forget Idempotency-Key records past their lifetime (daily, from Celery beat)."""
    return idempotency_records_purge()
