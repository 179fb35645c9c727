"""Organization-scoped, versioned cache keys, computed by one worker at a time.

Every key carries the organization and its current cache version. A stock movement bumps the
version (after commit), which orphans every cached aggregate of that organization at once: no
key listing, no stale page after a change the user just made. Old entries expire on their own.

A bump makes every web worker miss the same keys at once. So that one computes while the others
don't repeat the work (a stampede that once kept the dashboard of a large organization from
answering at all), a miss first takes a short lock key with `cache.add` (atomic in Redis and in
the local memory cache). The others wait for its result. They never fall back to the previous
version's value: the request that waits may come from the member whose movement caused the bump
(or from the live dashboard refreshing because of it), and must see that change.
"""

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from prometheus_client import Counter

from django.core.cache import cache

T = TypeVar("T")
CACHE_LOOKUPS = Counter(
    "stockroom_cache_lookups_total",
    "Organization-scoped cache lookups by cached value and result",
    ["name", "result"],
)
DEFAULT_TIMEOUT = 300
_VERSION_TIMEOUT = 60 * 60 * 24 * 30
# Longer than any value we cache takes to compute; frees the lock of a worker that died.
LOCK_TIMEOUT = 120
# A waiting worker polls this often for the computing worker's result.
WAIT_STEP = 0.05
# After this long, a worker stops waiting for a computation that seems stuck and computes.
WAIT_TIMEOUT = 15.0


def _version_key(organization_id: int) -> str:
    return f"org:{int(organization_id)}:cache-version"


def organization_cache_version(organization_id: int) -> int:
    version = cache.get(_version_key(organization_id))
    if version is None:
        cache.add(_version_key(organization_id), 1, _VERSION_TIMEOUT)
        version = cache.get(_version_key(organization_id), 1)
    return int(version)


def bump_organization_cache(organization_id: int) -> None:
    """Invalidate every cached value of the organization (atomic in Redis)."""
    key = _version_key(organization_id)
    try:
        cache.incr(key)
    except ValueError:  # no version yet: start above the implicit 1
        cache.set(key, 2, _VERSION_TIMEOUT)


def _suffix(parts: tuple[object, ...]) -> str:
    return ":".join(str(part) for part in parts)


def organization_cache_key(organization_id: int, name: str, *parts: object) -> str:
    version = organization_cache_version(organization_id)
    return f"org:{int(organization_id)}:v{version}:{name}:{_suffix(parts)}"


def _compute_and_store(
    key: str, compute: Callable[[], T], timeout: int, lock: tuple[str, str] | None
) -> T:
    try:
        value = compute()
        cache.set(key, value, timeout)
    finally:
        if lock is not None:
            lock_key, token = lock
            # Only our own lock: if it expired and another worker took it, leave theirs.
            if cache.get(lock_key) == token:
                cache.delete(lock_key)
    return value


def cached_for_organization(
    organization_id: int,
    name: str,
    compute: Callable[[], T],
    *parts: object,
    timeout: int = DEFAULT_TIMEOUT,
) -> T:
    """The cached value of `compute()` for this organization and version, computing on a miss.

    On a miss only the worker that takes the lock computes; the others return its value once
    it is stored (or compute themselves if the holder seems stuck past `WAIT_TIMEOUT`).
    """
    key = organization_cache_key(organization_id, name, *parts)
    sentinel = object()
    value = cache.get(key, sentinel)
    if value is not sentinel:
        CACHE_LOOKUPS.labels(name=name, result="hit").inc()
        return value

    lock_key = f"{key}:computing"
    token = uuid.uuid4().hex
    started = time.monotonic()
    while True:
        if cache.add(lock_key, token, LOCK_TIMEOUT):
            # The previous holder may have stored the value and let go since we last looked.
            value = cache.get(key, sentinel)
            if value is not sentinel:
                cache.delete(lock_key)
                CACHE_LOOKUPS.labels(name=name, result="shared").inc()
                return value
            CACHE_LOOKUPS.labels(name=name, result="miss").inc()
            return _compute_and_store(key, compute, timeout, (lock_key, token))
        if time.monotonic() - started >= WAIT_TIMEOUT:
            break
        time.sleep(WAIT_STEP)
        value = cache.get(key, sentinel)
        if value is not sentinel:
            CACHE_LOOKUPS.labels(name=name, result="shared").inc()
            return value
    # The lock holder is taking far longer than any computation should: answer anyway.
    CACHE_LOOKUPS.labels(name=name, result="miss").inc()
    return _compute_and_store(key, compute, timeout, None)
