"""django-axes lockouts: the API's JSON error under /api/, the HTML page on the site."""

import pytest

from django.test import RequestFactory
from django.urls import reverse

from stockroom.accounts.tests.factories import TEST_PASSWORD, MembershipFactory
from stockroom.api.lockout import lockout_response, lockout_username

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


@pytest.fixture
def brute_target(organization):
    return MembershipFactory(organization=organization, user__email="authbrute@example.com")


def _web_login(client, email: str, password: str):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_site_lockout_holds_for_every_case_of_the_email(client, brute_target, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _web_login(client, "authbrute@example.com", "wrong")

    variant = _web_login(client, "AuthBrute@Example.com", TEST_PASSWORD)

    assert variant.status_code == 429
    assert "_auth_user_id" not in client.session


def test_case_variants_share_one_failure_count(client, brute_target, settings):
    variants = ["AuthBrute@example.com", "AUTHBRUTE@EXAMPLE.COM", "authBrute@Example.com"]
    codes = [
        _web_login(client, variants[n % len(variants)], "wrong").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]

    after = _web_login(client, "aUTHBRUTE@example.com", TEST_PASSWORD)

    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert after.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/api/v1/auth/token/", id="jwt"),
        pytest.param("/api/v1/auth/drf-token/", id="drf-token"),
    ],
)
def test_site_and_api_share_one_failure_count(client, api_client, brute_target, settings, url):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _web_login(client, "AuthBrute@example.com", "wrong")

    response = api_client.post(
        url, {"email": "authbrute@example.com", "password": TEST_PASSWORD}, format="json"
    )

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "account_locked"


@pytest.mark.parametrize(
    ("credentials", "expected"),
    [
        pytest.param({"username": " AuthBrute@Example.COM "}, "authbrute@example.com", id="case"),
        pytest.param({"username": "ａｕｔｈ@example.com"}, "auth@example.com", id="fullwidth"),
        pytest.param({"username": None}, None, id="missing"),
        pytest.param({"password": "x"}, None, id="absent"),
    ],
)
def test_lockout_username_is_the_canonical_email(credentials, expected):
    request = RequestFactory().post("/accounts/login/")

    assert lockout_username(request, credentials) == expected
