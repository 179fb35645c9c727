"""A real Celery worker, over Redis, processes the low-stock task against PostgreSQL."""

import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal

import pytest

from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.alerts.models import Notification
from stockroom.alerts.tasks import low_stock_alert
from stockroom.catalog.tests.factories import ProductFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_queue():
    """Start a worker on a private queue, pointed at the test database; stop it afterwards."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    inherited = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    worker = subprocess.Popen(  # noqa: S603 - fixed argv
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = eager
        worker.terminate()
        worker.wait(timeout=20)


def test_worker_processes_the_low_stock_task(worker_queue):
    owner = MembershipFactory(role=Role.OWNER)
    product = ProductFactory(organization=owner.organization, reorder_point=Decimal("5"))
    low_stock_alert.apply_async((owner.organization_id, product.pk), queue=worker_queue)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if Notification.unscoped.filter(recipient=owner.user).exists():
            break
        time.sleep(0.25)
    notification = Notification.unscoped.get(recipient=owner.user)
    assert notification.kind == "low_stock"
    assert notification.title == f"Low stock: {product.sku} {product.name}"
    assert notification.emailed_at is not None
