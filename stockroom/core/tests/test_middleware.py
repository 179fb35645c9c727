import logging

import pytest

from django.urls import reverse


def test_every_response_carries_a_request_id(client):
    response = client.get(reverse("healthz"))
    assert len(response["X-Request-ID"]) == 32


def test_a_safe_incoming_request_id_is_kept(client):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "edge-1234abcd"})
    assert response["X-Request-ID"] == "edge-1234abcd"


@pytest.mark.parametrize(
    "incoming",
    ["short", "bad id with spaces", "x" * 65, "inject\nline"],
    ids=["too-short", "spaces", "too-long", "newline"],
)
def test_an_unsafe_incoming_request_id_is_replaced(client, incoming):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_one_access_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="stockroom.access"):
        response = client.get(reverse("healthz"))
    records = [r for r in caplog.records if r.name == "stockroom.access"]
    assert len(records) == 1
    record = records[0]
    assert (record.method, record.path, record.status) == ("GET", "/healthz", 200)
    assert record.request_id == response["X-Request-ID"]
    assert record.duration_ms >= 0


def test_access_log_names_user_and_organization(client, clerk, member_client, caplog):
    member_client(clerk)
    with caplog.at_level(logging.INFO, logger="stockroom.access"):
        client.get(reverse("reports:dashboard"))
    record = next(r for r in caplog.records if r.name == "stockroom.access")
    assert (record.user_id, record.organization_id) == (clerk.user_id, clerk.organization_id)


def test_json_log_format_renders_request_id():
    from config.settings.base import build_logging

    config = build_logging("json", "INFO", "")
    assert config["handlers"]["stdout"]["formatter"] == "json"
    assert config["formatters"]["json"]["()"] == "pythonjsonlogger.json.JsonFormatter"


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        pytest.param("search=a%00b", ["search"], id="value"),
        pytest.param("a%00b=1", ["a\\x00b"], id="name"),
        pytest.param("q=%00&sku=x%00", ["q", "sku"], id="two"),
    ],
)
def test_a_nul_in_an_api_query_is_a_400_naming_the_parameter(query, fields, client, db):
    response = client.get(f"/api/v1/products/?{query}")

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "null_characters_not_allowed",
        "message": "Check the fields in error.",
        "fields": {name: ["Null characters are not allowed."] for name in fields},
    }


@pytest.mark.parametrize("url", ["/catalog/products/?q=a%00", "/catalog/products%00/"])
def test_a_nul_in_a_pages_url_is_a_400(url, client, db):
    response = client.get(url)

    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]


def test_a_query_without_nul_passes(client, db):
    response = client.get("/api/v1/products/?search=ab")

    assert response.status_code == 401
