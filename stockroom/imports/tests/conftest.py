import pytest

from stockroom.imports import services
from stockroom.imports.tests.factories import ImportJobFactory


@pytest.fixture
def run_import(organization, owner):
    """`run_import(content, kind=..., fmt=...)` stores a job of the owner and runs it inline."""

    def run(content: bytes, *, kind: str = "products", fmt: str = "csv", user=None):
        job = ImportJobFactory(
            organization=organization,
            created_by=user or owner.user,
            kind=kind,
            format=fmt,
            content=content,
        )
        services.import_job_run(job_id=job.pk)
        job.refresh_from_db()
        return job

    return run
