"""Organization-scoped, versioned cache keys.

Every key carries the organization and its current cache version. A stock movement bumps the
version (after commit), which orphans every cached aggregate of that organization at once: no
key listing, no stale page after a change the user just made. Old entries expire on their own.
"""

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


def organization_cache_key(organization_id: int, name: str, *parts: object) -> str:
    version = organization_cache_version(organization_id)
    suffix = ":".join(str(part) for part in parts)
    return f"org:{int(organization_id)}:v{version}:{name}:{suffix}"


def cached_for_organization(
    organization_id: int,
    name: str,
    compute: Callable[[], T],
    *parts: object,
    timeout: int = DEFAULT_TIMEOUT,
) -> T:
    """The cached value of `compute()` for this organization and version, computing on a miss."""
    key = organization_cache_key(organization_id, name, *parts)
    sentinel = object()
    value = cache.get(key, sentinel)
    if value is sentinel:
        CACHE_LOOKUPS.labels(name=name, result="miss").inc()
        value = compute()
        cache.set(key, value, timeout)
    else:
        CACHE_LOOKUPS.labels(name=name, result="hit").inc()
    return value


def cache_hit_ratio() -> dict[str, float]:
    """Hit ratio per cached value name in this process, from the lookup counters."""
    totals: dict[str, dict[str, float]] = {}
    for metric in CACHE_LOOKUPS.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                entry = totals.setdefault(sample.labels["name"], {"hit": 0.0, "miss": 0.0})
                entry[sample.labels["result"]] += sample.value
    return {
        name: counts["hit"] / (counts["hit"] + counts["miss"])
        for name, counts in totals.items()
        if counts["hit"] + counts["miss"]
    }
