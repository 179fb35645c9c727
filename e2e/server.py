"""The application as a real process for the browser tests.

Migrates a fresh database, loads the demo organization, and serves config.asgi with uvicorn on
a free loopback port. Embedded defaults (SQLite, in-memory channel layer, eager Celery) unless
DATABASE_URL / REDIS_URL are set: then a throw-away PostgreSQL database is created (and dropped
at the end) and a real Celery worker runs beside the web process on a dedicated Redis database.
Email goes to files (django-environ's filemail backend) so a test can read the invitation link.
"""

from __future__ import annotations

import contextlib
import email
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
# The Redis database the e2e server uses (flushed at start): distinct from the test runs' ones.
E2E_REDIS_DB = int(os.environ.get("E2E_REDIS_DB", "6"))
DEMO_OWNER = "owner@demo.stockroom.dev"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


@dataclass
class Server:
    url: str
    workdir: Path
    env: dict[str, str]
    processes: list[tuple[str, subprocess.Popen, object]] = field(default_factory=list)
    pg_admin_url: str = ""
    pg_database: str = ""
    runner: subprocess.Popen | None = None

    @classmethod
    def from_workdir(cls, workdir: Path) -> Server:
        env = json.loads((workdir / "env.json").read_text())
        return cls(url=(workdir / "url").read_text().strip(), workdir=workdir, env=env)

    @property
    def mail_dir(self) -> Path:
        return self.workdir / "mail"

    def manage(self, *args: str) -> None:
        subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def python(self, code: str) -> str:
        """Run `code` in the server's Django (its database, its settings) and return what it
        printed: the browser tests assert stock and documents where they live, not on screen.
        One long-lived process runs every snippet (e2e/django_runner.py)."""
        runner = self._django_runner()
        assert runner.stdin is not None and runner.stdout is not None
        runner.stdin.write(json.dumps({"code": code}) + "\n")
        runner.stdin.flush()
        line = runner.stdout.readline()
        if not line:
            raise RuntimeError(f"the Django runner exited:\n{self.log_tail('django-runner')}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise RuntimeError(f"server.python failed:\n{answer['error'][-3000:]}")
        return answer["output"].strip()

    def _django_runner(self) -> subprocess.Popen:
        if self.runner is None or self.runner.poll() is not None:
            log = open(self.workdir / "django-runner.log", "a")  # noqa: SIM115 - lives with it
            self.runner = subprocess.Popen(  # noqa: S603
                [PYTHON, "-m", "e2e.django_runner"],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        return self.runner

    def spawn(self, name: str, args: list[str]) -> None:
        log = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append((name, process, log))

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process, _log in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited early:\n{self.log_tail(name)}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response,  # noqa: S310
            ):
                if response.status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer on {self.url}:\n{self.log_tail('web')}")

    def log_tail(self, name: str, size: int = 4000) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace")[-size:] if path.exists() else ""

    def stop(self) -> None:
        if self.runner is not None:
            # End of input ends its loop; it holds no work of its own.
            if self.runner.stdin is not None:
                self.runner.stdin.close()
            try:
                self.runner.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.runner.kill()
            self.runner = None
        for name, process, log in reversed(self.processes):
            started = time.monotonic()
            if process.poll() is None:
                # The tests are over, nothing is in flight: the worker may stop cold (its warm
                # shutdown took the whole 15 s here); uvicorn stops promptly on SIGTERM.
                process.send_signal(signal.SIGQUIT if name == "worker" else signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
            log.close()
            print(f"[e2e] stopped {name} in {time.monotonic() - started:.1f}s", file=sys.stderr)
        self.processes.clear()
        if self.pg_database:
            _pg_execute(
                self.pg_admin_url, f'DROP DATABASE IF EXISTS "{self.pg_database}" WITH (FORCE)'
            )

    def emails_to(self, address: str) -> list[email.message.Message]:
        """Messages the server wrote for `address` (the filebased backend: one file per
        connection, messages separated by a line of dashes)."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in re.split(r"\n-{79}\n", path.read_text()):
                if not chunk.strip():
                    continue
                message = email.message_from_string(chunk.lstrip("\n"))
                if address in (message.get("To") or ""):
                    found.append(message)
        return found


def message_text(message: email.message.Message) -> str:
    """The decoded text/plain body (quoted-printable soft breaks undone)."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def _pg_execute(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql)


def _environment(workdir: Path, port: int) -> tuple[dict[str, str], str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_", "COV_CORE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="True",
        DEBUG_TOOLBAR="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        MEDIA_ROOT=str(workdir / "media"),
        EMAIL_URL=f"filemail:///{workdir / 'mail'}",
        # Emailed links (the invitation's) are built on SITE_URL, so it is this server.
        SITE_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    admin_url = database = ""
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        # A throw-away database beside the configured one, dropped in Server.stop().
        database = f"stockroom_e2e_{secrets.token_hex(4)}"
        admin_url = _with_path(database_url, "/postgres")
        _pg_execute(admin_url, f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = _with_path(database_url, f"/{database}")
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'e2e.sqlite3'}"
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        redis_url = _with_path(redis_url, f"/{E2E_REDIS_DB}")
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        env.update(REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url)
    else:
        env.pop("CELERY_BROKER_URL", None)
    return env, admin_url, database


def start_server() -> Server:
    workdir = Path(tempfile.mkdtemp(prefix="stockroom-e2e-"))
    (workdir / "mail").mkdir()
    port = free_port()
    env, admin_url, database = _environment(workdir, port)
    server = Server(
        url=f"http://127.0.0.1:{port}",
        workdir=workdir,
        env=env,
        pg_admin_url=admin_url,
        pg_database=database,
    )
    try:
        server.manage("migrate", "--noinput")
        server.manage("seed_demo")
        subprocess.run(  # noqa: S603
            [PYTHON, "e2e/demo_documents.py", DEMO_OWNER],
            cwd=ROOT,
            env=server.env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        uvicorn = str(BIN / "uvicorn")
        server.spawn(
            "web",
            [
                *(uvicorn, "config.asgi:application", "--host", "127.0.0.1", "--port", str(port)),
                *("--lifespan", "off", "--no-access-log"),
            ],
        )
        if env.get("REDIS_URL"):
            server.spawn(
                "worker",
                [
                    *(str(BIN / "celery"), "-A", "config", "worker", "--pool", "solo"),
                    *("--loglevel", "WARNING", "--without-gossip", "--without-mingle"),
                ],
            )
        server.wait_until_up()
        (workdir / "env.json").write_text(json.dumps(env))
        (workdir / "url").write_text(server.url)
    except BaseException:
        server.stop()
        raise
    return server


def remove_workdir(server: Server) -> None:
    shutil.rmtree(server.workdir, ignore_errors=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    # Serve until interrupted; tests reuse it with E2E_REUSE_WORKDIR=<the printed directory>.
    signal.signal(signal.SIGTERM, _interrupt)
    running = start_server()
    print(f"{running.url}  E2E_REUSE_WORKDIR={running.workdir}", flush=True)
    try:
        while True:
            signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
        remove_workdir(running)
