"""A Redis cache that degrades to "no cache" while Redis cannot be reached.

The cache holds nothing that is not also in the database (report figures, rendered fragments,
rate-limit counters), so an outage should cost speed, not requests: every page and API call
that merely reads or fills the cache keeps answering. Each operation that could not reach Redis
is logged and counted in `stockroom_cache_unavailable_total`, so the outage is visible.

What an unreachable cache answers:
- reads: a miss (the caller's default, `{}`, `False`);
- writes and deletes: nothing is stored;
- `add`: True, as though the key were new. The callers use it to take a compute lock (each
  worker then computes for itself, which is correct, only slower) or to count a first hit in a
  rate limit (which then fails open rather than locking everyone out);
- `incr`: `delta`, as a counter that starts again.

Only connection failures and timeouts are absorbed: any other Redis error is a bug and raises.
"""

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from .metrics import CACHE_UNAVAILABLE

logger = logging.getLogger(__name__)

T = TypeVar("T")
UNAVAILABLE_ERRORS = (RedisConnectionError, RedisTimeoutError)
# During an outage every request touches the cache several times: log the first failure and
# then at most one line per interval (the counter still counts each one).
LOG_INTERVAL_SECONDS = 10.0


class FailSoftRedisCache(RedisCache):
    _last_logged: float = float("-inf")
    _suppressed: int = 0

    def _unavailable(self, operation: str, exc: Exception) -> None:
        CACHE_UNAVAILABLE.labels(operation=operation).inc()
        now = time.monotonic()
        cls = type(self)
        if now - cls._last_logged < LOG_INTERVAL_SECONDS:
            cls._suppressed += 1
            return
        logger.warning(
            "cache unavailable, %s answered without it (%s more since the last report): %s",
            operation,
            cls._suppressed,
            exc,
        )
        cls._last_logged = now
        cls._suppressed = 0

    def _soft(self, fallback: T, method: Callable[..., T], *args: Any) -> T:
        try:
            return method(*args)
        except UNAVAILABLE_ERRORS as exc:
            self._unavailable(method.__name__, exc)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._soft(True, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None) -> Any:
        return self._soft(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._soft(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._soft(False, super().touch, key, timeout, version)

    def delete(self, key, version=None) -> bool:
        return self._soft(False, super().delete, key, version)

    def get_many(self, keys, version=None) -> dict:
        return self._soft({}, super().get_many, keys, version)

    def has_key(self, key, version=None) -> bool:
        return self._soft(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None) -> int:
        return self._soft(delta, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        # Django's contract: the keys that were not stored, here all of them.
        return self._soft(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None) -> None:
        self._soft(None, super().delete_many, keys, version)

    # Django's RedisCache answers flushdb's bool, though BaseCache (and its stubs) say None.
    def clear(self) -> bool:  # type: ignore[override]
        return self._soft(False, super().clear)  # type: ignore[arg-type]
