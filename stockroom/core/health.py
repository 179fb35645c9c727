"""Liveness and readiness probes for load balancers and orchestrators."""

import asyncio
import logging
import secrets
import uuid

from asgiref.sync import sync_to_async
from django_prometheus.exports import ExportToDjangoView

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .metrics import refresh_celery_queue_length

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3


@never_cache
def healthz(request):
    """Liveness: the process answers. Touches no dependency on purpose."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    # This runs in an executor thread that no request cycle ever cleans up: a connection kept
    # there outlives a database restart, and reusing it kept the probe failing long after the
    # database was back. A fresh connection each poll (closed after it) recovers at the first
    # poll, and proves what readiness should: that a new connection can be opened.
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()


async def _check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    await cache.aset(key, "1", timeout=10)
    if await cache.aget(key) != "1":
        raise RuntimeError("cache did not return the value just written")
    await cache.adelete(key)


def _check_broker() -> None:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=CHECK_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1)


async def _run_check(check) -> str:
    try:
        if asyncio.iscoroutinefunction(check):
            await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
        else:
            await asyncio.wait_for(
                sync_to_async(check, thread_sensitive=False)(), CHECK_TIMEOUT_SECONDS
            )
    except Exception as exc:  # a probe reports any failure instead of raising
        logger.warning("readiness check %s failed: %s", check.__name__, exc)
        return "fail"
    return "ok"


@never_cache
async def readyz(request):
    """Readiness: the database answers. The cache and (when configured) the Celery broker are
    checked and reported too, as "degraded", without failing the probe: the site serves without
    them (see core/cache_backends.py and core/events.py), and an orchestrator that took every
    replica out of service over a Redis outage would turn it into a full one."""
    checks = {
        "database": await _run_check(_check_database),
        "cache": await _run_check(_check_cache),
    }
    if settings.CELERY_BROKER_URL and not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = await _run_check(_check_broker)
    if checks["database"] != "ok":
        status = "fail"
    elif all(result == "ok" for result in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "fail" else 200
    )


def _may_scrape(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        return secrets.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}")
    return request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS


@never_cache
def metrics(request):
    """Prometheus exposition: request latency and counts (django-prometheus), database and cache
    metrics, the Celery queue length and the open WebSocket connections. Scrapers only: a bearer
    token when METRICS_TOKEN is set, otherwise the addresses in METRICS_ALLOWED_IPS."""
    if not _may_scrape(request):
        return JsonResponse({"error": {"code": "forbidden", "message": "Forbidden"}}, status=403)
    refresh_celery_queue_length()
    return ExportToDjangoView(request)
