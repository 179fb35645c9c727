"""`make bench`: Stockroom under load in its production process layout, next to two ceilings
measured in the same run (a bare Django view, pgbench TPC-B), with the ledger verified after
the writes and the slowest scenario profiled. See BENCHMARKS.md.

    .venv/bin/python -m bench.run [--products 100000 --movements 1000000 --warehouses 20]
        [--duration 20] [--clients 8] [--write-clients 16] [--scenario NAME ...] [--reseed]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/stockroom_bench),
Redis (REDIS_URL, default redis://127.0.0.1:6379/12) and pgbench. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import httpx

from . import report
from .loadgen import Credentials, run_scenario
from .processes import (
    PYTHON,
    ROOT,
    Database,
    WebTier,
    in_process,
    log,
    manage,
    memory_of,
    pgbench,
    production_environment,
)
from .scenarios import BY_NAME, CEILING, SCENARIOS
from .seeding import ORGANIZATION_SLUG, prepare_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/stockroom_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
RESULTS = ROOT / "bench" / "results"
MAX_STEPS = 500_000  # per scenario: a bound on count besides the bound on time


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--warehouses", type=int, default=20)
    parser.add_argument("--reseed", action="store_true", help="drop and seed again")
    parser.add_argument("--duration", type=float, default=20, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds first")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--write-clients", type=int, default=16, help="movement scenario")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--scenario", action="append", choices=[s.name for s in SCENARIOS], help="repeatable"
    )
    parser.add_argument("--skip-references", action="store_true", help="no ceiling, no pgbench")
    parser.add_argument("--pgbench-scale", type=int, default=10)
    parser.add_argument("--profile", default="slowest", help="scenario name, slowest or none")
    parser.add_argument("--profile-requests", type=int, default=300)
    parser.add_argument(
        "--profile-cold", action="store_true", help="clear the bench cache before each request"
    )
    parser.add_argument("--output", default=str(RESULTS / "latest.json"))
    parser.add_argument("--label", default="", help="free text stored with the results")
    parser.add_argument("--keep-workdir", action="store_true")
    return parser.parse_args()


def machine(database: Database, redis_url: str) -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    meminfo = Path("/proc/meminfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    total = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE)
    import redis

    def git(*args: str) -> str:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            return subprocess.run(
                [shutil.which("git") or "git", *args], cwd=ROOT, capture_output=True,
                text=True, check=True,
            ).stdout.strip()  # fmt: skip
        return ""

    def version(package: str) -> str:
        with contextlib.suppress(metadata.PackageNotFoundError):
            return metadata.version(package)
        return ""

    return {
        "cpu_model": model[1].strip() if model else platform.processor(),
        "cores": os.cpu_count(),
        "ram_gib": round(int(total[1]) / 1024 / 1024, 1) if total else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": database.server.psql("SHOW server_version"),
        "redis": redis.Redis.from_url(redis_url).info("server")["redis_version"],
        "packages": {
            name: version(name)
            for name in ("django", "gunicorn", "uvicorn", "uvicorn-worker", "psycopg", "httpx")
        },
        "git_commit": git("rev-parse", "HEAD"),
        "git_worktree_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def sign_in(base_url: str, email: str, password: str) -> str:
    """The login form, CSRF and all, as a browser behind nginx; returns the Cookie header."""
    secure = {"X-Forwarded-Proto": "https"}
    jar: dict[str, str] = {}

    def keep(response: httpx.Response) -> None:
        # Cookies are Secure (production): kept by hand, since a cookie jar would not send them
        # back over the plain-HTTP loopback hop that nginx's upstream connection is.
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]

    with httpx.Client(base_url=base_url, timeout=30) as client:
        page = client.get("/accounts/login/", headers=secure)
        keep(page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        response = client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": email, "password": password},
            headers={
                **secure,
                "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
                "Referer": f"https://127.0.0.1:{base_url.rsplit(':', 1)[1]}/accounts/login/",
            },
        )
        keep(response)
        if response.status_code != 302 or "sessionid" not in jar:
            raise RuntimeError(f"sign-in failed: {response.status_code} {response.text[:300]}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def api_token(base_url: str, email: str, password: str) -> str:
    response = httpx.post(
        f"{base_url}/api/v1/auth/token/",
        json={"email": email, "password": password},
        headers={"X-Forwarded-Proto": "https"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access"]


def purge_task_queue(env: dict[str, str]) -> None:
    """No Celery worker runs during the bench (the web tier is measured): the tasks the requests
    queue (alerts) are dropped from the bench's Redis database before and after."""
    subprocess.run(
        [PYTHON, "-m", "celery", "-A", "config", "purge", "-f"],
        cwd=ROOT, env=env, check=False, capture_output=True,
    )  # fmt: skip


def main() -> int:
    options = arguments()
    database = Database(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    env = production_environment(
        database_url=database.url, redis_url=redis_url, workers=options.workers
    )
    workdir = Path(tempfile.mkdtemp(prefix="stockroom-bench-"))
    started = time.monotonic()
    scenarios = [s for s in SCENARIOS if not options.scenario or s.name in options.scenario]
    results: dict = {
        "label": options.label,
        "command": "python -m bench.run " + shlex.join(sys.argv[1:]),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": {
            "database": database.name,
            "redis_url": redis_url,
            "duration_s": options.duration,
            "warmup_s": options.warmup,
            "clients": options.clients,
            "write_clients": options.write_clients,
            "web_workers": options.workers,
            "dataset": {
                "products": options.products,
                "movements": options.movements,
                "warehouses": options.warehouses,
            },
        },
        "machine": machine(database, redis_url),
        "load_average_start": load_average(),
        "scenarios": {},
    }
    log(f"machine: {results['machine']['cpu_model']}, {results['machine']['cores']} cores, "
        f"load average {results['load_average_start']}")  # fmt: skip

    results["seed"] = prepare_database(
        database,
        env,
        products=options.products,
        movements=options.movements,
        warehouses=options.warehouses,
        reseed=options.reseed,
    )
    purge_task_queue(env)
    fixtures = in_process(["prepare"], env)
    fixtures_path = workdir / "fixtures.json"
    fixtures_path.write_text(json.dumps(fixtures))
    log(
        f"fixtures: {fixtures['product_count']} products, {len(fixtures['warehouse_ids'])} "
        f"warehouses, {fixtures['movement_bins_topped_up']} movement bins topped up"
    )

    def drive(scenario, base_url: str, credentials: Credentials, clients: int) -> dict:
        log(f"{scenario.name}: {clients} clients, {options.warmup:g}s warm-up + "
            f"{options.duration:g}s")  # fmt: skip
        outcome = asyncio.run(
            run_scenario(
                scenario,
                base_url=base_url,
                fixtures=fixtures,
                credentials=credentials,
                clients=clients,
                duration=options.duration,
                warmup=options.warmup,
                max_steps=MAX_STEPS,
            )
        )
        log(
            f"{scenario.name}: {outcome['requests_per_s']} req/s, p50 {outcome['p50_ms']} ms, "
            f"p99 {outcome['p99_ms']} ms, {outcome['refused']} refused, {outcome['errors']} errors"
        )
        return outcome

    tiers: list[WebTier] = []
    try:
        if not options.skip_references:
            pg = database.sibling(f"{database.name}_pgbench")
            results["pgbench"] = {}
            for index, clients in enumerate(sorted({options.clients, options.write_clients})):
                log(f"pgbench TPC-B: scale {options.pgbench_scale}, {clients} clients")
                outcome = pgbench(
                    pg,
                    scale=options.pgbench_scale,
                    clients=clients,
                    duration=int(options.duration),
                    init=index == 0,
                )
                results["pgbench"][f"clients_{clients}"] = outcome
                log(f"pgbench: {outcome['tps']} TPS at {clients} clients")
            ceiling_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.ceiling.settings"}
            ceiling = WebTier("ceiling", "bench.ceiling.asgi:application", ceiling_env, workdir)
            tiers.append(ceiling)
            ceiling.start("/healthz")
            outcome = drive(CEILING, ceiling.base_url, Credentials(), options.clients)
            outcome["worker_memory"] = ceiling.worker_memory()
            results["ceiling"] = outcome
            ceiling.stop()

        # The hashed names production pages link to; right before the start, since the tree
        # is shared and a template may have gained a static file since the run began.
        manage(["collectstatic", "--noinput"], env)
        web = WebTier("web", "config.asgi:application", env, workdir)
        tiers.append(web)
        web.start("/healthz")
        cookie = sign_in(web.base_url, fixtures["email"], fixtures["password"])
        for scenario in scenarios:
            credentials = Credentials(
                cookie=cookie,
                jwt=api_token(web.base_url, fixtures["email"], fixtures["password"]),
                organization_id=fixtures["organization_id"],
            )
            clients = options.write_clients if scenario.write_clients else options.clients
            outcome = drive(scenario, web.base_url, credentials, clients)
            # VmHWM is a high-water mark since the worker started (recycling is off for the
            # run): the figure after a scenario covers it and every scenario before it.
            outcome["worker_memory"] = web.worker_memory()
            if scenario.name == "movement_post":
                outcome["ledger"] = verify_ledger(env)
            results["scenarios"][scenario.name] = outcome
        results["web_worker_memory"] = web.worker_memory()
        results["web_master_memory"] = memory_of(web.process.pid)
        web.stop()
    except Exception:
        for tier in tiers:
            print(f"----- {tier.name} log -----\n{tier.log_tail()}", file=sys.stderr)
        raise
    finally:
        for tier in tiers:
            tier.stop()
        purge_task_queue(env)

    log("counting SQL queries per request in-process (Django test Client)")
    counted = in_process(
        ["queries", "--fixtures", str(fixtures_path)]
        + [arg for s in scenarios for arg in ("--scenario", s.name)],
        env,
    )
    for name, figures in counted.items():
        results["scenarios"][name]["queries"] = figures

    profile = pick_profile(options.profile, results["scenarios"])
    cold = options.profile_cold
    if profile:
        log(f"profiling {profile} in-process ({options.profile_requests} requests)")
        results["profile"] = in_process(
            [
                "profile",
                "--fixtures", str(fixtures_path),
                "--scenario", profile,
                "--requests", str(options.profile_requests),
                "--out", str(RESULTS / (f"profile-{profile}" + ("-cold" if cold else ""))),
                *(["--cold"] if cold else []),
            ],
            env,
        )  # fmt: skip
        for key in ("html", "text"):
            results["profile"][key] = str(Path(results["profile"][key]).relative_to(ROOT))
    if "movement_post" in results["scenarios"]:
        results["scenarios"]["movement_post"]["ledger"]["invariants"] = in_process(
            ["invariants"], env
        )

    results["load_average_end"] = load_average()
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    report.evaluate(results)
    output = Path(options.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    table = report.markdown(results)
    output.with_suffix(".md").write_text(table)
    print(table)
    log(f"results written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    if not options.keep_workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    ledger = results["scenarios"].get("movement_post", {}).get("ledger")
    return 1 if ledger and not ledger["passed"] else 0


def verify_ledger(env: dict[str, str]) -> dict:
    started = time.monotonic()
    result = subprocess.run(
        [PYTHON, "manage.py", "verify_ledger", "--organization", ORGANIZATION_SLUG],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    passed = result.returncode == 0
    log(f"verify_ledger: {'PASSED' if passed else 'FAILED'}")
    return {
        "passed": passed,
        "seconds": round(time.monotonic() - started, 1),
        "output": (result.stdout + result.stderr).strip()[-2000:],
    }


def pick_profile(choice: str, scenarios: dict) -> str | None:
    if choice == "none" or not scenarios:
        return None
    if choice != "slowest":
        return choice if choice in BY_NAME else None
    # Slowest = the lowest requests/s: the requests that cost the web tier most. (Latency alone
    # would favour the movement scenario, which runs twice the clients.)
    return min(scenarios, key=lambda name: scenarios[name]["requests_per_s"])


if __name__ == "__main__":
    sys.exit(main())
