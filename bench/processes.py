"""The processes a benchmark run drives: PostgreSQL databases, Django management commands,
gunicorn web tiers (production layout, loopback only), pgbench, and their memory.

Only standard-library code here: the load generator process never imports Django.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- PostgreSQL --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """One PostgreSQL database named by a URL; the server is reached through its `postgres` DB."""

    url: str

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.lstrip("/")

    def sibling(self, name: str) -> Database:
        parts = urlsplit(self.url)
        return Database(urlunsplit(parts._replace(path=f"/{name}")))

    @property
    def server(self) -> Database:
        return self.sibling("postgres")

    def psql(self, sql: str) -> str:
        result = subprocess.run(
            [shutil.which("psql") or "psql", self.url, "-XqAt", "-v", "ON_ERROR_STOP=1", "-c", sql],
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    def exists(self) -> bool:
        return self.server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{self.name}'") == "1"

    def create(self) -> None:
        self.server.psql(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self.server.psql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    # The seed parameters live in the database's comment: no table outside the migrations, and a
    # dropped or re-created database loses them with its data.
    def seed_marker(self) -> dict | None:
        raw = self.server.psql(
            f"SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            f"WHERE datname = '{self.name}'"
        )
        try:
            return json.loads(raw) if raw else None
        except json.JSONDecodeError:
            return None

    def set_seed_marker(self, marker: dict) -> None:
        text = json.dumps(marker, sort_keys=True).replace("'", "''")
        self.server.psql(f"COMMENT ON DATABASE \"{self.name}\" IS '{text}'")

    def connection_arguments(self) -> list[str]:
        """`-h -p -U` for the client tools that take no URL (pgbench)."""
        parts = urlsplit(self.url)
        arguments = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
        if parts.username:
            arguments += ["-U", parts.username]
        return arguments

    def connection_environment(self) -> dict[str, str]:
        password = urlsplit(self.url).password
        return {"PGPASSWORD": password} if password else {}


# --- Django under production settings -----------------------------------------------------------


def production_environment(*, database_url: str, redis_url: str, workers: int) -> dict[str, str]:
    """config.settings.prod with secrets made for this run and nothing else relaxed, except:

    - the per-user API throttle (1,200/min by default) would turn a load test into a 429 test;
      it is raised, the throttle still runs (one Redis round trip per request, as in production);
    - gunicorn's worker recycling (max_requests) is off, so a worker's peak memory covers the
      whole run and no scenario pays for a restart in the middle of its window.

    HTTPS: production sits behind nginx, which sends `X-Forwarded-Proto: https`. The load
    generator sends the same header from loopback (FORWARDED_ALLOW_IPS=127.0.0.1), so
    SECURE_SSL_REDIRECT, secure cookies and HSTS stay on exactly as deployed, and no request
    is answered with a redirect.
    """
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        # Two bench databases on one Redis (a small and a full run) hold the same organization
        # ids: keys carry the database name so they never read each other's cached figures.
        "CACHE_KEY_PREFIX": f"bench-{urlsplit(database_url).path.lstrip('/')}",
        "CHANNELS_PREFIX": f"bench-{urlsplit(database_url).path.lstrip('/')}",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_MAX_REQUESTS": "0",
        "API_THROTTLE_USER": "1000000/min",
        "EMAIL_URL": "consolemail://",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def manage(
    args: list[str], env: dict[str, str], *, quiet: bool = True
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if quiet else None,
    )


def in_process(command: list[str], env: dict[str, str], *, check: bool = True) -> dict:
    """Run `bench/inprocess.py` (Django loaded) and return the JSON it prints last."""
    result = subprocess.run(
        [PYTHON, "-m", "bench.inprocess", *command],
        cwd=ROOT,
        # Its access log lines would bury the output (and the profile would time the logging).
        env={**env, "LOG_LEVEL": "WARNING"},
        text=True,
        stdout=subprocess.PIPE,
        check=check,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1])


# --- web tiers -----------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class WebTier:
    """gunicorn + uvicorn workers with deploy/gunicorn.conf.py, bound to loopback."""

    name: str
    application: str
    env: dict[str, str]
    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.name}.log"

    def start(self, ready_path: str, timeout: float = 60) -> None:
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        out = self.log_path.open("w")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", self.application, "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        out.close()
        deadline = time.monotonic() + timeout
        workers = int(self.env["WEB_CONCURRENCY"])
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_tail()}")
            try:
                # Ready when every worker is up: ask until as many distinct workers have been seen
                # as configured, or simply when the master reports them all as children.
                if (
                    httpx.get(self.base_url + ready_path, timeout=2).status_code == 200
                    and len(self.worker_pids()) == workers
                ):
                    master = self.process.pid
                    log(f"{self.name}: {workers} workers on {self.base_url} (master {master})")
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not come up: {self.log_tail()}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        return children(self.process.pid)

    def worker_memory(self) -> list[dict]:
        return [{"pid": pid, **memory_of(pid)} for pid in self.worker_pids() if memory_of(pid)]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            log(f"{self.name}: stopped")

    def log_tail(self, size: int = 3000) -> str:
        try:
            return self.log_path.read_text()[-size:]
        except OSError:
            return ""


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields resume after the last ')'.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def memory_of(pid: int) -> dict:
    """Peak (VmHWM) and current (VmRSS) resident memory of a process, in MiB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    values = dict(re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, re.MULTILINE))
    return {
        "peak_mib": round(int(values.get("VmHWM", 0)) / 1024, 1),
        "rss_mib": round(int(values.get("VmRSS", 0)) / 1024, 1),
    }


# --- pgbench -------------------------------------------------------------------------------------


def pgbench(database: Database, *, scale: int, clients: int, duration: int, init: bool) -> dict:
    """TPC-B-like (pgbench's built-in script) on its own database of the same server."""
    binary = shutil.which("pgbench")
    if binary is None:
        raise RuntimeError("pgbench is not installed (Debian: it ships with postgresql-NN)")
    env = {**os.environ, **database.connection_environment()}
    connection = database.connection_arguments()
    if init:
        if not database.exists():
            database.create()
        started = time.monotonic()
        subprocess.run(
            [binary, "-i", "-q", "-s", str(scale), *connection, database.name],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        log(f"pgbench: initialised scale {scale} in {time.monotonic() - started:.1f}s")
    result = subprocess.run(
        [binary, "-c", str(clients), "-j", str(min(clients, os.cpu_count() or 1)),
         "-T", str(duration), "-n", *connection, database.name],
        env=env, check=True, capture_output=True, text=True, timeout=duration + 120,
    )  # fmt: skip
    output = result.stdout
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output)
    latency = re.search(r"latency average = ([\d.]+) ms", output)
    transactions = re.search(r"number of transactions actually processed: (\d+)", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    return {
        "scale": scale,
        "clients": clients,
        "duration_s": duration,
        "tps": float(tps[1]) if tps else None,
        "latency_avg_ms": float(latency[1]) if latency else None,
        "transactions": int(transactions[1]) if transactions else None,
        "failed": int(failed[1]) if failed else 0,
    }
