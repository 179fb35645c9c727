"""Import and export tasks. They take a job's primary key, reload it and run one service.

Both are safe to run twice: a finished job is left alone, and an import commits its rows and its
"succeeded" status in the same transaction. `acks_late` with `reject_on_worker_lost` puts the
message back when a worker dies mid-job; the next run starts over (the dead run wrote nothing)
until the job's attempts run out, when it is marked failed.
"""

import logging
from collections.abc import Callable

from celery import Task, shared_task

from django.db import OperationalError

from stockroom.core.task_options import OrganizationTask, retry_countdown

from . import services

logger = logging.getLogger(__name__)

JOB_TASK = {
    "base": OrganizationTask,
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    # The services stop a job after MAX_ATTEMPTS runs, before Celery gives up on it.
    "max_retries": services.MAX_ATTEMPTS + 2,
}


def _run_with_retries(task: Task, run: Callable, job_id: int):
    """Retry transient database errors (locks, deadlocks, a lost connection) with backoff on a
    worker. Inline (eager, no broker) nothing would redeliver the task, so it retries at once;
    each run counts an attempt, so the job fails after MAX_ATTEMPTS and the loop ends."""
    for _attempt in range(services.MAX_ATTEMPTS + 1):
        try:
            return run(job_id=job_id)
        except OperationalError as exc:
            if not task.request.is_eager:
                countdown = retry_countdown(task.request.retries)
                raise task.retry(exc=exc, countdown=countdown) from exc
            logger.warning("job %s hit a database error, retrying inline: %s", job_id, exc)
    return run(job_id=job_id)


@shared_task(**JOB_TASK)
def run_import_job(self, organization_id: int, job_id: int) -> str | None:
    job = _run_with_retries(self, services.import_job_run, job_id)
    return job.status if job else None


@shared_task(**JOB_TASK)
def run_export_job(self, organization_id: int, job_id: int) -> str | None:
    job = _run_with_retries(self, services.export_job_run, job_id)
    return job.status if job else None
