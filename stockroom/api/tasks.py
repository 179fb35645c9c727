"""API housekeeping tasks. Safe to run twice: a second run finds nothing left to delete."""

from celery import shared_task

from stockroom.core.task_options import BEAT_FAN_OUT

from .idempotency import idempotency_records_purge


# Crosses tenants: housekeeping of every organization's expired records at once.
@shared_task(**BEAT_FAN_OUT)
def purge_idempotency_records() -> int:
    """Forget Idempotency-Key records past their lifetime (daily, from Celery beat)."""
    return idempotency_records_purge()
