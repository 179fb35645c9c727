"""Two real ASGI servers on loopback share PostgreSQL and Redis: a movement posted through the
API of server A reaches a browser socket held by server B (through the Redis channel layer), and
a socket of another organization on B hears nothing.

The servers are separate uvicorn processes on the test database pytest-django created; the data
the test writes is committed (transactional test) so they can read it.
"""

import asyncio
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from urllib.parse import quote

import httpx
import pytest
import websockets

from django.conf import settings
from django.db import connection

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import TEST_PASSWORD, MembershipFactory
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory.tests.factories import LocationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# Generous: two Django processes importing everything on a loaded two-core machine.
STARTUP_TIMEOUT = 90
EVENT_TIMEOUT = 10
# How long the other organization's socket must stay silent after A's event arrived on B.
SILENCE_WINDOW = 1.5


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_environment() -> dict[str, str]:
    """The test process's settings, pointed at the test database (not the one in DATABASE_URL)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    # xdist's worker id would move REDIS_URL again in the child; it gets the moved one instead.
    inherited = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"}
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{credentials}@{host}:{port}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        # A connection kept open past the test would block the flush that ends it.
        "CONN_MAX_AGE": "0",
    }


class Servers:
    """Uvicorn processes serving config.asgi:application; stopped whatever happens."""

    def __init__(self) -> None:
        self.processes: list[tuple[subprocess.Popen, object]] = []
        self.ports: list[int] = []

    def start(self, count: int) -> None:
        env = _server_environment()
        for _ in range(count):
            port = _free_port()
            log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
            process = subprocess.Popen(  # noqa: S603 - fixed argv
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "config.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--lifespan",
                    "off",
                    "--log-level",
                    "warning",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.processes.append((process, log))
            self.ports.append(port)

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        for (process, _log), port in zip(self.processes, self.ports, strict=True):
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"server on {port} exited:\n{self.output()}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server on {port} never answered:\n{self.output()}")
                time.sleep(0.25)

    def output(self) -> str:
        texts = []
        for process, log in self.processes:
            log.seek(0)
            tail = log.read().decode(errors="replace")[-3000:]
            texts.append(f"--- pid {process.pid} ---\n{tail}")
        return "\n".join(texts)

    def stop(self) -> None:
        for process, _log in self.processes:
            if process.poll() is None:
                process.terminate()
        for process, log in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
            log.close()


@pytest.fixture
def two_servers(transactional_db):
    """Ports of two ASGI servers; they are stopped before the test database is flushed."""
    servers = Servers()
    try:
        servers.start(2)
        servers.wait_until_ready()
        yield servers.ports
    finally:
        servers.stop()


def _sign_in(base_url: str, email: str) -> str:
    """Log in with the real form (CSRF and all) and return the session id."""
    with httpx.Client(base_url=base_url, timeout=15) as client:
        page = client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        response = client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": email, "password": TEST_PASSWORD},
            headers={"Referer": f"{base_url}/accounts/login/"},
        )
        assert response.status_code == 302, response.text[:500]
        return client.cookies["sessionid"]


def _api_token(base_url: str, email: str) -> str:
    response = httpx.post(
        f"{base_url}/api/v1/auth/token/",
        json={"email": email, "password": TEST_PASSWORD},
        timeout=15,
    )
    assert response.status_code == 200, response.text
    return response.json()["access"]


async def _hello(base_url: str, session_id: str):
    ws_url = base_url.replace("http://", "ws://") + "/ws/events/"
    socket_ = await websockets.connect(
        ws_url,
        additional_headers={"Cookie": f"sessionid={session_id}", "Origin": base_url},
        open_timeout=15,
    )
    hello = json.loads(await asyncio.wait_for(socket_.recv(), timeout=EVENT_TIMEOUT))
    return socket_, hello


async def _next_event(socket_, timeout: float, kind: str | None = None) -> dict | None:
    """The next message (of `kind`, if given) within `timeout` seconds, or None."""
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            message = json.loads(await asyncio.wait_for(socket_.recv(), timeout=remaining))
        except TimeoutError:
            return None
        if kind is None or message["type"] == kind:
            return message
    return None


def test_movement_posted_on_one_server_reaches_a_socket_on_another(two_servers):
    clerk = MembershipFactory(role=Role.CLERK)
    stranger = MembershipFactory(role=Role.OWNER)
    product = ProductFactory(organization=clerk.organization, sku="XPROC-1", name="Cross widget")
    location = LocationFactory(organization=clerk.organization)
    server_a, server_b = (f"http://127.0.0.1:{port}" for port in two_servers)

    clerk_session = _sign_in(server_a, clerk.user.email)  # signed in on A, used on B
    stranger_session = _sign_in(server_b, stranger.user.email)
    token = _api_token(server_a, clerk.user.email)

    async def scenario():
        on_b, hello = await _hello(server_b, clerk_session)
        stranger_on_b, stranger_hello = await _hello(server_b, stranger_session)
        try:
            assert hello == {"type": "hello", "organization": clerk.organization_id}
            assert stranger_hello == {"type": "hello", "organization": stranger.organization_id}
            async with httpx.AsyncClient(base_url=server_a, timeout=15) as api:
                response = await api.post(
                    "/api/v1/movements/",
                    json={
                        "kind": "receipt",
                        "product": product.pk,
                        "location": location.pk,
                        "quantity": "7",
                        "unit_cost": "3.50",
                    },
                    headers={"Authorization": f"Bearer {token}"},
                )
            assert response.status_code == 201, response.text
            # The clerk may also get a notification (low stock); the movement event is the point.
            event = await _next_event(on_b, EVENT_TIMEOUT, kind="stock.changed")
            heard_by_stranger = await _next_event(stranger_on_b, SILENCE_WINDOW)
            return response.json(), event, heard_by_stranger
        finally:
            await on_b.close()
            await stranger_on_b.close()

    created, event, heard_by_stranger = asyncio.run(scenario())
    assert event is not None, "no event reached the socket on server B"
    assert event["type"] == "stock.changed"
    assert (event["movement_id"], event["sku"], event["kind"]) == (
        created["id"],
        "XPROC-1",
        "receipt",
    )
    assert Decimal(event["quantity"]) == Decimal("7")
    assert heard_by_stranger is None
