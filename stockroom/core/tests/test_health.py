import pytest

from django.urls import reverse


def test_liveness_answers_without_touching_dependencies(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_reports_each_dependency(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_readiness_reports_an_unreachable_cache_as_degraded_not_unready(client, settings):
    # A real Redis client pointed at a closed port: the failure is real, not simulated.
    # (Changing CACHES through the settings fixture rebuilds Django's cache handler.)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "fail"},
    }


@pytest.mark.django_db
def test_readiness_reports_an_unreachable_broker_as_degraded_not_unready(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["broker"] == "fail"


@pytest.mark.postgres
@pytest.mark.django_db
def test_readiness_recovers_at_the_first_poll_after_the_database_drops_its_connections(rf):
    """As under uvicorn: one event loop whose executor threads outlive each poll. The database
    then kills the probe's backend (what a restart does to every connection); the very next
    poll must find the database ready again."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    from stockroom.core.health import readyz

    loop = asyncio.new_event_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=1))

    def poll() -> int:
        return loop.run_until_complete(readyz(rf.get("/readyz"))).status_code

    try:
        assert poll() == 200
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        assert poll() == 200
    finally:
        # Leave no connection behind in the executor thread (the test database is dropped).
        loop.run_until_complete(loop.run_in_executor(None, lambda: connections["default"].close()))
        loop.close()
