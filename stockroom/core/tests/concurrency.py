"""Test support for real concurrency: jobs started at the same instant, each on its own
database connection (PostgreSQL tests) and each with a copy of the test's context."""

import contextvars
import threading
from collections.abc import Callable

from django.db import connection

from stockroom.core.exceptions import ApplicationError


def run_at_once(jobs: list[Callable[[], object]]) -> list[str]:
    """Start every job at the same instant, each on its own connection (closed at the end of its
    thread); return their outcomes: "ok", "refused:<code>" for an ApplicationError, or
    "error:<type>: <message>" for anything else."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = [""] * len(jobs)

    def work(index, job):
        try:
            barrier.wait(timeout=30)
            job()
            outcomes[index] = "ok"
        except ApplicationError as exc:
            outcomes[index] = f"refused:{exc.code}"
        except Exception as exc:  # any other error fails the caller's assertion, with its name
            outcomes[index] = f"error:{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    # Threads start with an empty context: each takes a copy of the test's (its tenant scope).
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(work, i, job))
        for i, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung (deadlock?)"
    return outcomes
