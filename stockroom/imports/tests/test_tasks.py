"""The import task: idempotent, all-or-nothing under crashes, retried then failed."""

from unittest import mock

import pytest

from django.db import OperationalError

from stockroom.catalog.models import Category, Product
from stockroom.imports import services, tasks
from stockroom.imports.models import ImportPhase, JobStatus
from stockroom.imports.services import jobs, products
from stockroom.imports.signals import job_progress
from stockroom.imports.tests.factories import (
    PRODUCT_HEADER,
    ImportJobFactory,
    csv_bytes,
    job_errors,
)

pytestmark = pytest.mark.django_db

ROWS = [PRODUCT_HEADER] + [
    [f"SKU-{n}", f"Product {n}", "Tools/Hand tools", "each", "1", "2", "0", "0", "", "", "", ""]
    for n in range(1, 2501)
]


@pytest.fixture
def job(organization, owner):
    return ImportJobFactory(
        organization=organization, created_by=owner.user, content=csv_bytes(ROWS)
    )


def _crash_after_first_batch(real):
    calls = {"count": 0}

    def bulk_create(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == 2:  # the first batch of 1,000 rows is already inserted
            raise RuntimeError("worker crashed")
        return real(*args, **kwargs)

    return bulk_create


def test_crash_in_the_write_phase_writes_nothing_and_fails_the_job(organization, job):
    real = Product.objects.bulk_create
    with mock.patch.object(Product.objects, "bulk_create", _crash_after_first_batch(real)):
        tasks.run_import_job.delay(job.organization_id, job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert job_errors(job) == [
        (0, "", "An unexpected error stopped the import. Nothing was written.")
    ]
    assert Product.objects.for_organization(organization).count() == 0
    assert Category.objects.for_organization(organization).count() == 0


def test_database_error_in_the_write_phase_leaves_the_job_retryable(organization, job):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    with (
        mock.patch.object(Product.objects, "bulk_create", locked),
        pytest.raises(OperationalError),
    ):
        services.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.phase, job.attempts) == (JobStatus.RUNNING, ImportPhase.WRITING, 1)
    assert Product.objects.for_organization(organization).count() == 0

    tasks.run_import_job.delay(job.organization_id, job.pk)  # the redelivered message

    job.refresh_from_db()
    assert (job.status, job.attempts, job.created_count) == (JobStatus.SUCCEEDED, 2, 2500)
    assert Product.objects.for_organization(organization).count() == 2500


def test_task_retries_a_transient_error_until_it_succeeds(organization, job):
    real = Product.objects.bulk_create
    failures = iter([OperationalError("deadlock detected")])

    def flaky(*args, **kwargs):
        error = next(failures, None)
        if error:
            raise error
        return real(*args, **kwargs)

    with mock.patch.object(Product.objects, "bulk_create", flaky):
        tasks.run_import_job.delay(job.organization_id, job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    assert Product.objects.for_organization(organization).count() == 2500


def test_redelivery_after_a_killed_worker_runs_from_scratch(organization, job):
    # A worker died mid-job: the job says running, its transaction was rolled back.
    job.status, job.phase, job.attempts, job.processed_rows = (
        JobStatus.RUNNING,
        ImportPhase.WRITING,
        1,
        1200,
    )
    job.save()

    tasks.run_import_job.delay(job.organization_id, job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.processed_rows) == (JobStatus.SUCCEEDED, 2, 2500)
    assert Product.objects.for_organization(organization).count() == 2500


def test_job_interrupted_too_often_is_failed(organization, job):
    job.status, job.attempts = JobStatus.RUNNING, services.MAX_ATTEMPTS
    job.save()

    tasks.run_import_job.delay(job.organization_id, job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error_report[0]["message"] == (
        "The import was interrupted 3 times and has stopped. Nothing was written; upload the "
        "file again to retry."
    )
    assert Product.objects.for_organization(organization).count() == 0


def test_rerunning_a_succeeded_job_applies_nothing_twice(organization, job):
    tasks.run_import_job.delay(job.organization_id, job.pk)
    Product.objects.for_organization(organization).filter(sku="SKU-1").update(name="Edited since")

    tasks.run_import_job.delay(job.organization_id, job.pk)
    services.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.created_count) == (JobStatus.SUCCEEDED, 1, 2500)
    assert Product.objects.for_organization(organization).count() == 2500
    assert Product.objects.for_organization(organization).get(sku="SKU-1").name == "Edited since"


def test_write_phase_skips_a_job_another_run_finished(organization, job):
    # Another worker committed while this one was validating: the locked job row is the gate.
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    stale_plan = products.ProductPlan(rows=[{"sku": "X"}], existing_skus={}, categories={})

    with mock.patch.object(products, "write_products") as write:
        jobs._write(job, stale_plan)

    write.assert_not_called()
    assert Product.objects.for_organization(organization).count() == 2500


def test_persistent_database_errors_fail_the_job_after_max_attempts(organization, job):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    with mock.patch.object(Product.objects, "bulk_create", locked):
        tasks.run_import_job.delay(job.organization_id, job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, services.MAX_ATTEMPTS)
    assert Product.objects.for_organization(organization).count() == 0


def test_progress_is_reported_every_2_percent_in_both_phases(organization, owner, job):
    events = []

    def listen(sender, **kwargs):
        events.append((kwargs["status"], kwargs["processed"], kwargs["total"]))

    job_progress.connect(listen)
    try:
        tasks.run_import_job.delay(job.organization_id, job.pk)
    finally:
        job_progress.disconnect(listen)

    # 2 % of 2,500 rows is 50: validation 50..2500, then writing 0 and 50..2500, then done.
    validating = [("running", n, 2500) for n in range(50, 2501, 50)]
    writing = [("running", 0, 2500)] + [("running", n, 2500) for n in range(50, 2501, 50)]
    assert events == validating + writing + [("succeeded", 2500, 2500)]
