"""The fault suite: real outages, real kills, and what the user and the ledger see afterwards.

- Redis stopped (a redis-server this module starts and stops): pages, reads, movements, the
  token endpoint and login keep working; a write that committed is answered as committed.
- A database connection killed in the middle of a request: nothing of it is written.
- A process SIGKILLed in the middle of a bulk post: all or nothing, and the ledger verifies.

Each test is bounded to a few seconds beyond the database setup.
"""

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from decimal import Decimal

import psycopg
import pytest
from kombu import pools as kombu_pools
from prometheus_client import REGISTRY

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from config.celery import app as celery_app
from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import TEST_PASSWORD, MembershipFactory
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory import services
from stockroom.inventory.models import StockLevel, StockMovement
from stockroom.inventory.selectors import ledger_mismatches, product_total_mismatches
from stockroom.inventory.tests.factories import LocationFactory

D = Decimal
# Ports of this suite's own redis-servers, apart from any Redis the developer runs.
REDIS_PORTS = range(6390, 6400)
STARTUP_SECONDS = 5


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    for port in REDIS_PORTS:
        if not _listening(port):
            return port
    pytest.fail(f"no free port for a redis-server in {REDIS_PORTS}")


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _drop_broker_connections() -> None:
    """Close Celery's pooled broker connections; the next publish connects to `broker_url`."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None
    # kombu keeps producer pools per connection in a process-wide registry; one of them would
    # still hold the closed pool, and even eager tasks acquire a producer from it.
    kombu_pools.reset()


@pytest.fixture
def stopped_redis(settings):
    """Point the cache, the channel layer and the Celery broker at a redis-server of this test
    (so the test can warm them up), and stop the server when the test calls the fixture."""
    if shutil.which("redis-server") is None:
        pytest.fail("the fault suite starts its own redis-server: install it (apt redis-server)")
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    argv = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
    server = subprocess.Popen(  # noqa: S603 - fixed argv
        [*argv, "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while not _listening(port):
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.05)

    # The configured backends (whatever config/settings chose for REDIS_URL), on this server.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}
    layer = settings.CHANNEL_LAYERS["default"]
    settings.CHANNEL_LAYERS = {"default": {**layer, "CONFIG": {**layer["CONFIG"], "hosts": [url]}}}
    broker = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    _drop_broker_connections()  # an earlier test's pool would still publish to the real broker
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False

    def stop() -> None:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=STARTUP_SECONDS)

    try:
        yield stop
    finally:
        if server.poll() is None:
            stop()
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = broker
        _drop_broker_connections()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_every_path_answers_and_a_receipt_commits_once(stopped_redis, client):
    clerk = MembershipFactory(role=Role.CLERK)
    organization = clerk.organization
    # Below its reorder point: the API's shipment also queues a low-stock task (broker down).
    product = ProductFactory(organization=organization, sku="BOLT", reorder_point=D("100"))
    bin_a = LocationFactory(organization=organization, code="A")
    client.post(reverse("accounts:login"), {"username": clerk.user.email, "password": "x"})
    client.get(reverse("reports:dashboard"))  # warm the cache while Redis is up
    unavailable_before = _sample("stockroom_cache_unavailable_total", operation="get")
    failures_before = _sample("stockroom_post_commit_failures_total", hook="low_stock")

    stopped_redis()

    login = client.post(
        reverse("accounts:login"), {"username": clerk.user.email, "password": TEST_PASSWORD}
    )
    assert login.status_code == 302
    receipt = client.post(
        reverse("inventory:movement_receive"),
        {
            "product": product.pk,
            "location": bin_a.pk,
            "quantity": "5",
            "reference": "DN-1",
            "reason": "",
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    assert receipt.status_code == 302
    assert receipt["Location"] == reverse("catalog:product_detail", args=[product.pk])
    assert list(StockMovement.unscoped.values_list("kind", "quantity")) == [("receipt", D("5"))]

    for name, args in [
        ("reports:dashboard", []),
        ("reports:index", []),
        ("reports:report", ["valuation"]),
        ("catalog:product_list", []),
        ("catalog:product_detail", [product.pk]),
        ("inventory:movement_list", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name

    token = client.post(
        "/api/v1/auth/token/",
        {"email": clerk.user.email, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 200
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token.json()['access']}"}
    posted = client.post(
        "/api/v1/movements/",
        {"kind": "shipment", "product": product.pk, "location": bin_a.pk, "quantity": "2"},
        content_type="application/json",
        **bearer,
    )
    assert posted.status_code == 201
    listed = client.get("/api/v1/movements/", **bearer)
    assert listed.status_code == 200
    assert len(listed.json()["results"]) == 2

    assert StockLevel.unscoped.get(product=product, location=bin_a).on_hand == D("3")
    assert ledger_mismatches() == []
    assert product_total_mismatches() == []
    # The outage is visible: cache misses and failed post-commit work are counted.
    assert _sample("stockroom_cache_unavailable_total", operation="get") > unavailable_before
    assert _sample("stockroom_post_commit_failures_total", hook="low_stock") > failures_before


def _stocked(organization, count: int) -> tuple[list, object]:
    """`count` products with one unit each in bin A: a ledger for the faults to break."""
    location = LocationFactory(organization=organization, code="A")
    products = [
        ProductFactory(organization=organization, sku=f"P-{number}") for number in range(count)
    ]
    for product in products:
        services.stock_receive(
            organization=organization, product=product, location=location, quantity=D("1")
        )
    return products, location


def _ledger_verifies() -> None:
    assert ledger_mismatches() == []
    assert product_total_mismatches() == []
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)
    assert out.getvalue().startswith("Ledger verified")


def _post_transfer(client, via: str, owner, product, source, target):
    """A transfer of one unit from `source` to `target`, through the API or the web form."""
    if via == "api":
        token = client.post(
            "/api/v1/auth/token/",
            {"email": owner.user.email, "password": TEST_PASSWORD},
            content_type="application/json",
        ).json()["access"]
        return lambda: client.post(
            "/api/v1/movements/",
            {
                "kind": "transfer",
                "product": product.pk,
                "from_location": source.pk,
                "to_location": target.pk,
                "quantity": "1",
            },
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    client.force_login(owner.user)
    return lambda: client.post(
        reverse("inventory:movement_transfer"),
        {
            "product": product.pk,
            "from_location": source.pk,
            "to_location": target.pk,
            "quantity": "1",
            "idempotency_key": str(uuid.uuid4()),
        },
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("via", ["api", "web"])
def test_a_database_connection_killed_mid_request_leaves_nothing_half_written(client, via):
    owner = MembershipFactory(role=Role.OWNER)
    (product,), bin_a = _stocked(owner.organization, 1)
    bin_b = LocationFactory(organization=owner.organization, warehouse=bin_a.warehouse, code="B")
    post_transfer = _post_transfer(client, via, owner, product, bin_a, bin_b)
    db = connection.settings_dict
    killer = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    )
    killed: list[int] = []

    def kill_after_first_stock_write(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not killed and sql.startswith(("UPDATE", "INSERT")) and "inventory_" in sql:
            # What a database restart or an operator does: the request's next statement fails.
            pid = context["connection"].connection.info.backend_pid
            killer.execute("SELECT pg_terminate_backend(%s)", [pid])
            killed.append(pid)
        return result

    client.raise_request_exception = False
    try:
        with connection.execute_wrapper(kill_after_first_stock_write):
            response = post_transfer()
    finally:
        killer.close()
        connection.close()  # the killed connection: the checks below open a new one

    assert killed, (response.status_code, response.content[:300])
    # Refused, not claimed done, and not a bug: the client is told to try again.
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    if via == "api":
        assert response.json()["error"]["code"] == "service_unavailable"
    else:
        assert "Temporarily unavailable" in response.content.decode()
    assert StockMovement.unscoped.filter(kind="transfer").count() == 0
    assert list(
        StockLevel.unscoped.filter(product=product).values_list("location__code", "on_hand")
    ) == [("A", D("1"))]
    _ledger_verifies()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_killed_connection_before_the_view_is_a_503_page_not_a_500(client):
    """The session and the user are read by middleware, before any view: Django's own error
    handling answers there, through handler500."""
    owner = MembershipFactory(role=Role.OWNER)
    client.force_login(owner.user)
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    ) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    client.raise_request_exception = False
    try:
        page = client.get(reverse("catalog:product_list"))
    finally:
        connection.close()
    assert page.status_code == 503
    assert "Temporarily unavailable" in page.content.decode()


BULK_POST = """
import sys, time
from decimal import Decimal

import django

django.setup()

from django.db import connection

from stockroom.accounts.models import Organization
from stockroom.catalog.models import Product
from stockroom.core.tenancy import organization_scope
from stockroom.inventory.models import Location, StockMovement
from stockroom.inventory.services import ReceiptLine, stock_receive_bulk

TABLE = StockMovement._meta.db_table


def stop_after_first_movements(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if sql.startswith(f'INSERT INTO "{TABLE}"'):
        print(connection.connection.info.backend_pid, flush=True)
        time.sleep(120)  # the test SIGKILLs this process here, inside the transaction
    return result


organization = Organization.objects.get(pk=int(sys.argv[1]))
with organization_scope(organization.pk):  # as a request or task of the organization would
    location = Location.objects.get(pk=int(sys.argv[2]))
    lines = [
        ReceiptLine(product=product, location=location, quantity=Decimal("5"))
        for product in Product.objects.order_by("pk")
    ]
    with connection.execute_wrapper(stop_after_first_movements):
        stock_receive_bulk(organization=organization, lines=lines, batch_size=2)
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_process_killed_mid_bulk_post_writes_all_or_nothing():
    owner = MembershipFactory(role=Role.OWNER)
    _, location = _stocked(owner.organization, 6)
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("PYTEST_XDIST_WORKER", "REDIS_URL")},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    worker = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-c", BULK_POST, str(owner.organization_id), str(location.pk)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The worker prints its backend once the first batch of movements is written.
        line = worker.stdout.readline()
        assert line.strip().isdigit(), worker.stderr.read() if worker.poll() is not None else line
        backend_pid = int(line)
        assert StockMovement.unscoped.count() == 6  # its batch is not visible: not committed
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=STARTUP_SECONDS)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    # PostgreSQL rolls the transaction back as soon as it sees the client gone.
    deadline = time.monotonic() + STARTUP_SECONDS
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend_pid])
            if cursor.fetchone()[0] == 0:
                break
            assert time.monotonic() < deadline, "the killed worker's backend lingers"
            time.sleep(0.05)

    assert StockMovement.unscoped.count() == 6
    assert sorted(StockLevel.unscoped.values_list("on_hand", flat=True)) == [D("1")] * 6
    _ledger_verifies()
