"""Celery options shared by the apps' tasks."""

from django.db import OperationalError

# For tasks that reload by primary key and are safe to run twice: acknowledged only once done
# (a killed worker's task runs again), retried with jittered backoff while the database or the
# broker is briefly unreachable.
RETRY_ON_TRANSIENT_ERRORS = {
    "acks_late": True,
    "autoretry_for": (OperationalError, ConnectionError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}
