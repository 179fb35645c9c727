import threading
import time

import pytest

from django.core.cache import cache

from stockroom.core import cache as core_cache
from stockroom.core.cache import (
    CACHE_LOOKUPS,
    bump_organization_cache,
    cached_for_organization,
    organization_cache_key,
    organization_cache_version,
)


def test_cache_keys_are_scoped_and_versioned(organization, other_organization):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_for_organization(organization.pk, "probe", compute) == 1
    assert cached_for_organization(organization.pk, "probe", compute) == 1
    assert cached_for_organization(other_organization.pk, "probe", compute) == 2
    version = organization_cache_version(organization.pk)
    bump_organization_cache(organization.pk)
    assert organization_cache_version(organization.pk) == version + 1
    assert cached_for_organization(organization.pk, "probe", compute) == 3


def cache_hit_ratio() -> dict[str, float]:
    """Hit ratio per cached value name in this process, from the lookup counters (a lookup
    that got another worker's result counts as a hit: it computed nothing)."""
    totals: dict[str, dict[str, float]] = {}
    for metric in CACHE_LOOKUPS.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                entry = totals.setdefault(sample.labels["name"], {"hit": 0.0, "miss": 0.0})
                result = "miss" if sample.labels["result"] == "miss" else "hit"
                entry[result] += sample.value
    return {
        name: counts["hit"] / (counts["hit"] + counts["miss"])
        for name, counts in totals.items()
        if counts["hit"] + counts["miss"]
    }


def test_cache_lookups_are_counted(organization):
    assert cache_hit_ratio().get("ratio-probe") is None
    for _ in range(4):
        cached_for_organization(organization.pk, "ratio-probe", lambda: 1)
    assert cache_hit_ratio()["ratio-probe"] == 0.75


ORGANIZATION_ID = 4242  # cache keys need no organization row


def test_concurrent_misses_compute_once_and_all_get_the_value():
    workers = 8
    calls = []
    barrier = threading.Barrier(workers)
    results = [None] * workers

    def compute():
        calls.append(1)
        time.sleep(0.3)  # long enough for every other thread to miss meanwhile
        return {"value": 42}

    def request(index):
        barrier.wait()
        results[index] = cached_for_organization(ORGANIZATION_ID, "stampede", compute)

    threads = [threading.Thread(target=request, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(calls) == 1
    assert results == [{"value": 42}] * workers


def _computing_elsewhere(name: str, value: str, *, seconds: float) -> threading.Thread:
    """Another worker starts computing `name`, which gives `value` after `seconds`; returns its
    thread once the computation has begun."""
    computing, release = threading.Event(), threading.Event()

    def slow_compute():
        computing.set()
        release.wait(5)
        return value

    holder = threading.Thread(
        target=cached_for_organization, args=(ORGANIZATION_ID, name, slow_compute)
    )
    holder.start()
    assert computing.wait(5)
    threading.Timer(seconds, release.set).start()
    return holder


def test_after_a_bump_the_others_wait_for_the_new_value_never_the_previous_one():
    """The member whose movement bumped the version must see it, even while another worker
    is still computing the new value."""
    assert cached_for_organization(ORGANIZATION_ID, "figures", lambda: "before") == "before"
    bump_organization_cache(ORGANIZATION_ID)
    holder = _computing_elsewhere("figures", "after", seconds=1.5)

    def must_not_run():
        raise AssertionError("a second worker computed the same value")

    assert cached_for_organization(ORGANIZATION_ID, "figures", must_not_run) == "after"
    holder.join()


def test_without_a_previous_value_the_others_wait_for_the_result():
    holder = _computing_elsewhere("cold", "fresh", seconds=0.2)

    assert cached_for_organization(ORGANIZATION_ID, "cold", lambda: "second") == "fresh"
    holder.join()


def test_a_failed_computation_frees_the_lock():
    def broken():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        cached_for_organization(ORGANIZATION_ID, "fragile", broken)
    # The next request computes at once instead of waiting for a lock nobody holds.
    started = time.monotonic()
    assert cached_for_organization(ORGANIZATION_ID, "fragile", lambda: "ok") == "ok"
    assert time.monotonic() - started < 1.0


def test_a_stuck_computation_is_not_waited_for_forever(monkeypatch):
    monkeypatch.setattr(core_cache, "WAIT_TIMEOUT", 0.2)
    assert cache.add(
        organization_cache_key(ORGANIZATION_ID, "stuck") + ":computing", "dead", 60
    )  # a worker that died holding the lock
    assert cached_for_organization(ORGANIZATION_ID, "stuck", lambda: "computed") == "computed"


def test_shared_answers_count_as_hits():
    computing, release = threading.Event(), threading.Event()

    def slow_compute():
        computing.set()
        release.wait(5)
        return 1

    holder = threading.Thread(
        target=cached_for_organization, args=(ORGANIZATION_ID, "ratio-shared", slow_compute)
    )
    holder.start()  # the miss
    assert computing.wait(5)
    threading.Timer(0.2, release.set).start()
    assert cached_for_organization(ORGANIZATION_ID, "ratio-shared", lambda: 2) == 1  # shared
    holder.join()
    assert cache_hit_ratio()["ratio-shared"] == 0.5
