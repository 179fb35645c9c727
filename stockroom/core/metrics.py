"""Application metrics beside django-prometheus's request metrics: queue length and sockets."""

import logging

from prometheus_client import Counter, Gauge

from django.conf import settings

logger = logging.getLogger(__name__)

WEBSOCKET_CONNECTIONS = Gauge(
    "stockroom_websocket_connections",
    "Open WebSocket connections in this process",
    multiprocess_mode="livesum",
)
CELERY_QUEUE_LENGTH = Gauge(
    "stockroom_celery_queue_length", "Messages waiting in the Celery queue", ["queue"]
)


def refresh_celery_queue_length(queue: str = "celery") -> None:
    """Read the broker's queue length (Redis list length); leave the gauge alone without one."""
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis"):
        return
    import redis

    try:
        client = redis.Redis.from_url(broker, socket_timeout=1)
        CELERY_QUEUE_LENGTH.labels(queue=queue).set(int(client.llen(queue)))  # type: ignore[arg-type]
    except redis.RedisError as exc:
        logger.warning("could not read the Celery queue length: %s", exc)


CACHE_UNAVAILABLE = Counter(
    "stockroom_cache_unavailable_total",
    "Cache operations answered without the cache because Redis could not be reached",
    ["operation"],
)
POST_COMMIT_FAILURES = Counter(
    "stockroom_post_commit_failures_total",
    "Work queued to run after a commit (cache bumps, live events, tasks) that raised",
    ["hook"],
)
