"""Scale-out proof without Docker: the production process layout on loopback, driven end to end.

Starts nginx (TLS, self-signed) in front of two web processes (gunicorn + uvicorn workers, prod
settings), one Celery worker, on this machine's PostgreSQL and Redis; then signs in through
nginx, posts a stock movement on web process A and checks that a WebSocket client connected to
web process B receives it (through Redis), and that the Celery worker's low-stock notification
reaches the socket too. Everything is shut down and the database dropped at the end.

    .venv/bin/python deploy/scaleout_check.py          (or: make scaleout)

Needs: nginx, openssl and the PostgreSQL client tools from Debian's packages; PostgreSQL on
127.0.0.1:5432 (user postgres, trust) and Redis on 127.0.0.1:6379 (override with PG_URL and
SCALEOUT_REDIS_URL).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "stockroom_scaleout"
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/4")
NGINX_PORT, WEB_PORTS = 18443, (18001, 18002)
PUBLIC = f"https://localhost:{NGINX_PORT}"
OWNER_EMAIL, OWNER_PASSWORD = "owner@scaleout.test", "Scale-Out-Check-42"


def log(message: str) -> None:
    print(f"[scaleout] {message}", flush=True)


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": PUBLIC,
        "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
        "OWNER_PASSWORD": OWNER_PASSWORD,
        "EMAIL_URL": "consolemail://",
    }


def run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def psql(sql: str) -> None:
    subprocess.run(  # noqa: S603
        [shutil.which("psql") or "psql", f"{PG_URL}/postgres", "-q", "-c", sql],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def nginx_config(workdir: Path) -> Path:
    """deploy/nginx.conf with loopback upstreams, local paths and TLS: the same directives."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    upstreams = "\n".join(f"        server 127.0.0.1:{port};" for port in WEB_PORTS)
    text = text.replace("        server web:8000 max_fails=3 fail_timeout=10s;", upstreams)
    text = text.replace(
        "        listen 80;",
        f"        listen 127.0.0.1:{NGINX_PORT} ssl;\n"
        f"        ssl_certificate {workdir}/cert.pem;\n"
        f"        ssl_certificate_key {workdir}/key.pem;",
    )
    text = text.replace("/app/staticfiles/", f"{ROOT}/staticfiles/")
    text = text.replace("/app/media/", f"{workdir}/media/")
    text = text.replace("worker_processes auto;", f"worker_processes 2;\npid {workdir}/nginx.pid;")
    text = text.replace(
        "    sendfile      on;",
        f"    sendfile      on;\n    access_log {workdir}/access.log;\n"
        f"    error_log {workdir}/error.log warn;",
    )
    path = workdir / "nginx.conf"
    path.write_text(text)
    return path


class Layout:
    """The running processes; stops all of them whatever happens."""

    def __init__(self, workdir: Path, env: dict[str, str]):
        self.workdir, self.env, self.processes = workdir, env, []

    def start(self, name: str, args: list[str]) -> None:
        out = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
        )
        self.processes.append((name, process, out))
        log(f"started {name} (pid {process.pid})")

    def stop(self) -> None:
        for name, process, out in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
            out.close()
            log(f"stopped {name}")

    def dump_logs(self) -> None:
        for name, _process, _out in self.processes:
            text = (self.workdir / f"{name}.log").read_text()[-3000:]
            print(f"----- {name}.log -----\n{text}")


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, verify=False, timeout=2).status_code == 200:  # noqa: S501
                return
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up")


def sign_in(client: httpx.Client) -> str:
    """Log in through nginx with the real form (CSRF and all); return the session cookie."""
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    response = client.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": OWNER_EMAIL, "password": OWNER_PASSWORD},
        headers={"Referer": f"{PUBLIC}/accounts/login/"},
    )
    assert response.status_code == 302, f"login failed: {response.status_code}"
    dashboard = client.get("/")
    assert dashboard.status_code == 200 and "Scale-Out Co" in dashboard.text
    static = re.search(r'href="(/static/css/app\.[0-9a-f]+\.css)"', dashboard.text)
    assert static, "hashed static file not referenced"
    assert client.get(static[1]).status_code == 200
    return client.cookies["sessionid"]


def api_setup(client: httpx.Client) -> tuple[str, dict]:
    token = client.post(
        "/api/v1/auth/token/", json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD}
    ).json()["access"]
    headers = {"Authorization": f"Bearer {token}"}

    def post(path: str, payload: dict) -> dict:
        response = client.post(path, json=payload, headers=headers)
        assert response.status_code == 201, f"{path}: {response.status_code} {response.text}"
        return response.json()

    warehouse = post("/api/v1/warehouses/", {"code": "MAIN", "name": "Main warehouse"})
    location = post(
        "/api/v1/locations/", {"warehouse": warehouse["id"], "code": "A-01", "name": "Aisle 1"}
    )
    product = post(
        "/api/v1/products/",
        {
            "sku": "SCALE-1",
            "name": "Scale-out widget",
            "unit": "each",
            "reorder_point": "100",
            "reorder_quantity": "50",
        },
    )
    return token, {"location": location["id"], "product": product["id"]}


async def watch_and_move(session: str, token: str, ids: dict) -> list[dict]:
    """Sockets on web B and through nginx; the movement is posted to web A directly."""
    headers = {"Cookie": f"sessionid={session}", "Origin": PUBLIC}
    on_b = await websockets.connect(
        f"ws://127.0.0.1:{WEB_PORTS[1]}/ws/events/", additional_headers=headers
    )
    assert json.loads(await on_b.recv())["type"] == "hello"
    headers_a = {
        "Authorization": f"Bearer {token}",
        "X-Forwarded-Proto": "https",
        "Host": "localhost",
    }
    receipt = {"kind": "receipt", "quantity": "5", "unit_cost": "2.50"}
    issue = {"kind": "shipment", "quantity": "1"}  # leaves 4 ≤ reorder point 100: low stock
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{WEB_PORTS[0]}") as web_a:
        for body in (receipt, issue):
            response = await web_a.post(
                "/api/v1/movements/",
                json={**body, "product": ids["product"], "location": ids["location"]},
                headers=headers_a,
            )
            assert response.status_code == 201, f"movement: {response.status_code} {response.text}"
    events = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len({e["type"] for e in events}) < 2:
        with contextlib.suppress(TimeoutError):
            events.append(json.loads(await asyncio.wait_for(on_b.recv(), timeout=1)))
    await on_b.close()
    return events


def main() -> int:
    if not shutil.which("nginx"):
        log("nginx is not installed (Debian: apt-get install nginx-light)")
        return 2
    env = environment()
    workdir = Path(tempfile.mkdtemp(prefix="stockroom-scaleout-"))
    (workdir / "media").mkdir()
    subprocess.run(  # noqa: S603
        [shutil.which("openssl") or "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-days", "1", "-subj", "/CN=localhost", "-keyout", str(workdir / "key.pem"),
         "-out", str(workdir / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    psql(f"CREATE DATABASE {DB_NAME}")
    layout = Layout(workdir, env)
    ok = False
    try:
        manage = [PYTHON, "manage.py"]
        run([*manage, "vendor_assets"], env)
        run([*manage, "migrate", "--noinput"], env)
        run([*manage, "collectstatic", "--noinput"], env)
        run(
            [*manage, "create_owner", "--email", OWNER_EMAIL, "--organization", "Scale-Out Co"], env
        )
        gunicorn = [PYTHON, "-m", "gunicorn", "config.asgi:application", "-c",
                    "deploy/gunicorn.conf.py"]  # fmt: skip
        for index, port in enumerate(WEB_PORTS):
            layout.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
            layout.start(f"web{index + 1}", gunicorn)
        layout.env = env
        layout.start("worker", [PYTHON, "-m", "celery", "-A", "config", "worker",
                                "--concurrency=1", "--loglevel=WARNING"])  # fmt: skip
        layout.start("nginx", [shutil.which("nginx"), "-p", str(workdir), "-c",
                               str(nginx_config(workdir)), "-g", "daemon off;"])  # fmt: skip
        for port in WEB_PORTS:
            wait_until_up(f"http://127.0.0.1:{port}/healthz")
        wait_until_up(f"{PUBLIC}/healthz")
        with httpx.Client(base_url=PUBLIC, verify=False, timeout=10) as client:  # noqa: S501
            ready = client.get("/readyz").json()
            assert ready == {
                "status": "ok",
                "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
            }, ready
            log(f"readyz through nginx: {ready['checks']}")
            session = sign_in(client)
            log("signed in through nginx (login form, CSRF, secure cookies, hashed static)")
            token, ids = api_setup(client)
            log("catalog and places created through the API")
        events = asyncio.run(watch_and_move(session, token, ids))
        kinds = [event["type"] for event in events]
        assert "stock.changed" in kinds, f"no stock event on web B: {events}"
        log("movement posted on web A reached the socket on web B (Redis channel layer)")
        assert "notification" in kinds, f"no low-stock notification from the worker: {events}"
        log("the Celery worker's low-stock notification reached the socket on web B")
        ok = True
    except Exception as exc:
        log(f"FAILED: {exc!r}")
        layout.dump_logs()
    finally:
        layout.stop()
        with contextlib.suppress(subprocess.CalledProcessError):
            psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)
    log("PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
