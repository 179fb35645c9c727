"""django-axes lockouts: the API's JSON error under /api/, the HTML page on the site."""

import pytest

from django.test import RequestFactory
from django.urls import reverse

from stockroom.accounts.tests.factories import TEST_PASSWORD
from stockroom.api.lockout import lockout_response

pytestmark = pytest.mark.django_db


def _fail_until_locked(post, settings) -> list[int]:
    return [post().status_code for _ in range(settings.AXES_FAILURE_LIMIT)]


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/api/v1/auth/token/", id="jwt"),
        pytest.param("/api/v1/auth/drf-token/", id="drf-token"),
    ],
)
def test_api_sign_in_lockout_is_a_json_429(api_client, owner, settings, url):
    wrong = {"email": owner.user.email, "password": "wrong"}

    codes = _fail_until_locked(lambda: api_client.post(url, wrong, format="json"), settings)
    locked = api_client.post(
        url, {"email": owner.user.email, "password": TEST_PASSWORD}, format="json"
    )

    assert codes == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert locked.json() == {
        "error": {
            "code": "account_locked",
            "message": "Too many failed sign-ins. Try again later.",
            "fields": {},
        }
    }


def test_site_login_lockout_is_the_html_page(client, owner, settings):
    url = reverse("accounts:login")
    wrong = {"username": owner.user.email, "password": "wrong"}

    _fail_until_locked(lambda: client.post(url, wrong), settings)
    locked = client.post(url, {"username": owner.user.email, "password": TEST_PASSWORD})

    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("text/html")
    assert "Too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        pytest.param("/api/v1/auth/token/", "application/json", id="api"),
        pytest.param("/accounts/login/", "text/html; charset=utf-8", id="site"),
        pytest.param("/apidocs/", "text/html; charset=utf-8", id="not-quite-api"),
    ],
)
def test_lockout_callable_chooses_by_path(path, content_type):
    request = RequestFactory().post(path)

    response = lockout_response(request, None, {"username": "someone@example.com"})

    assert (response.status_code, response["Content-Type"]) == (429, content_type)
