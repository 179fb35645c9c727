"""handler500: which error is answered how. Django calls it inside its `except` block; so do
these tests. The database-down cases through a real killed connection are in test_faults.py."""

import json

import pytest

from django.db import OperationalError

from stockroom.core.views import server_error


def _answer(request, error: Exception):
    try:
        raise error
    except Exception:
        return server_error(request)


@pytest.mark.parametrize("path", ["/api/v1/products/", "/catalog/products/"])
def test_an_unreachable_database_is_a_503_with_retry_after(rf, path):
    response = _answer(rf.get(path), OperationalError("connection refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_a_bug_on_an_api_path_is_a_json_500_in_the_error_shape(rf):
    response = _answer(rf.get("/api/v1/products/"), RuntimeError("a bug"))
    assert response.status_code == 500
    assert json.loads(response.content)["error"]["code"] == "server_error"


def test_a_bug_on_a_page_is_the_500_page(rf):
    response = _answer(rf.get("/catalog/products/"), RuntimeError("a bug"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
