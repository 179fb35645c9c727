"""Security headers on every kind of response: pages, JSON endpoints and static files."""

import pytest

from django.urls import reverse

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/healthz", "/static/css/app.css", "/does-not-exist/"],
    ids=["page", "json", "static", "not-found"],
)
def test_security_headers_everywhere(client, db, path):
    response = client.get(path)
    for header, value in EXPECTED.items():
        assert response.headers.get(header) == value, header
    assert "camera=(self)" in response.headers["Permissions-Policy"]
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp


def test_metrics_from_loopback(client, db):
    client.get(reverse("healthz"))
    response = client.get(reverse("metrics"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method" in body
    assert "stockroom_websocket_connections" in body


def test_metrics_require_the_token_when_set(client, db, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    assert client.get(reverse("metrics")).status_code == 403
    allowed = client.get(reverse("metrics"), headers={"Authorization": "Bearer scrape-secret"})
    assert allowed.status_code == 200


def test_metrics_refuse_other_addresses(client, db):
    response = client.get(reverse("metrics"), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_replica_router_reads_from_the_replica_only_when_configured(settings):
    from stockroom.core.db_router import ReplicaRouter

    router = ReplicaRouter()
    assert router.db_for_read(None) == "default"
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    assert router.db_for_read(None) == "replica"
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("replica", "catalog") is False
