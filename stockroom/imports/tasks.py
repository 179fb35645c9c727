"""Import and export tasks. They take a job's primary key, reload it and run one service.

Both are safe to run twice: a finished job is left alone, and an import commits its rows and its
"succeeded" status in the same transaction. `acks_late` with `reject_on_worker_lost` puts the
message back when a worker dies mid-job; the next run starts over (the dead run wrote nothing)
until the job's attempts run out, when it is marked failed.
"""

from celery import shared_task

from django.db import OperationalError

from . import services

JOB_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    # The services stop a job after MAX_ATTEMPTS runs, before Celery gives up on it.
    "max_retries": services.MAX_ATTEMPTS + 2,
}


@shared_task(**JOB_TASK)
def run_import_job(job_id: int) -> str | None:
    job = services.import_job_run(job_id=job_id)
    return job.status if job else None


@shared_task(**JOB_TASK)
def run_export_job(job_id: int) -> str | None:
    job = services.export_job_run(job_id=job_id)
    return job.status if job else None
