"""FailSoftRedisCache against a real Redis client whose server is unreachable (a closed port):
every operation answers as a cache without the key would, is counted, and never raises."""

import logging

import pytest
from prometheus_client import REGISTRY

from django.urls import reverse

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import TEST_PASSWORD, MembershipFactory
from stockroom.core import ratelimit
from stockroom.core.cache_backends import FailSoftRedisCache
from stockroom.reports.services import stock_value_snapshots_request

UNREACHABLE = "redis://127.0.0.1:1/0"


@pytest.fixture
def unreachable_cache() -> FailSoftRedisCache:
    return FailSoftRedisCache(UNREACHABLE, {})


def _unavailable(operation: str) -> float:
    labels = {"operation": operation}
    return REGISTRY.get_sample_value("stockroom_cache_unavailable_total", labels) or 0.0


@pytest.mark.parametrize(
    ("operation", "args", "answer"),
    [
        pytest.param("get", ("k", "fallback"), "fallback", id="get-returns-the-default"),
        pytest.param("add", ("k", 1), True, id="add-acts-as-first"),
        pytest.param("set", ("k", 1), None, id="set-stores-nothing"),
        pytest.param("touch", ("k",), False, id="touch"),
        pytest.param("delete", ("k",), False, id="delete"),
        pytest.param("get_many", (["a", "b"],), {}, id="get-many-misses"),
        pytest.param("has_key", ("k",), False, id="has-key"),
        pytest.param("incr", ("k", 3), 3, id="incr-starts-again"),
        pytest.param("set_many", ({"a": 1, "b": 2},), ["a", "b"], id="set-many-fails-all"),
        pytest.param("delete_many", (["a"],), None, id="delete-many"),
        pytest.param("clear", (), False, id="clear"),
    ],
)
def test_an_unreachable_redis_answers_as_an_empty_cache(unreachable_cache, operation, args, answer):
    before = _unavailable(operation)
    assert getattr(unreachable_cache, operation)(*args) == answer
    assert _unavailable(operation) == before + 1


def test_the_outage_is_logged_once_per_interval(unreachable_cache, caplog, monkeypatch):
    monkeypatch.setattr(FailSoftRedisCache, "_last_logged", float("-inf"))
    monkeypatch.setattr(FailSoftRedisCache, "_suppressed", 0)
    with caplog.at_level(logging.WARNING, logger="stockroom.core.cache_backends"):
        for _ in range(3):
            unreachable_cache.get("k")
    assert [record.getMessage().split(":")[0] for record in caplog.records] == [
        "cache unavailable, get answered without it (0 more since the last report)"
    ]


def test_rate_limits_fail_open_without_the_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "stockroom.core.cache_backends.FailSoftRedisCache",
            "LOCATION": UNREACHABLE,
        }
    }
    assert [ratelimit.hit("t", "x", limit=1, window_seconds=60) for _ in range(3)] == [True] * 3


@pytest.mark.django_db
def test_login_and_the_token_endpoint_work_without_the_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "stockroom.core.cache_backends.FailSoftRedisCache",
            "LOCATION": UNREACHABLE,
        }
    }
    clerk = MembershipFactory(role=Role.CLERK)
    token = client.post(
        "/api/v1/auth/token/",
        {"email": clerk.user.email, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 200
    login = client.post(
        reverse("accounts:login"), {"username": clerk.user.email, "password": TEST_PASSWORD}
    )
    assert login.status_code == 302
    assert client.get(reverse("reports:dashboard")).status_code == 200
    # The outage shows where operators look (the test client's address is allowed to scrape).
    scraped = client.get(reverse("metrics")).content.decode()
    assert 'stockroom_cache_unavailable_total{operation="get"}' in scraped


@pytest.mark.django_db
def test_the_dashboard_queues_no_ledger_replay_per_view_without_the_cache(settings, organization):
    assert stock_value_snapshots_request(organization=organization) is True  # once an hour
    assert stock_value_snapshots_request(organization=organization) is False
    settings.CACHES = {
        "default": {
            "BACKEND": "stockroom.core.cache_backends.FailSoftRedisCache",
            "LOCATION": UNREACHABLE,
        }
    }
    assert stock_value_snapshots_request(organization=organization) is False
