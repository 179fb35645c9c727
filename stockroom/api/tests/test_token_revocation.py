"""A new password ends what the old one granted: JWT access and refresh tokens, DRF's token,
whichever path set the password (web change, web reset, admin, a service)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from stockroom.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-staple-battery-horse"
OBTAIN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
VERIFY = "/api/v1/auth/token/verify/"
DRF_TOKEN = "/api/v1/auth/drf-token/"
ORGANIZATIONS = "/api/v1/organizations/"


def _change_on_the_site(user) -> None:
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302


def _reset_by_email_link(user) -> None:
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
    )
    form_url = client.get(link)["Location"]  # the token moves into the session
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302


def _set_in_the_admin(user) -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302


def _set_in_code(user) -> None:
    user.set_password(NEW_PASSWORD)
    user.save()


def _assert_revoked_by(api, owner, act) -> None:
    """Issue a JWT pair and a DRF token with the owner's password, `act` on the owner's user,
    then check every use of those credentials is refused and the DRF token is gone."""
    credentials = {"email": owner.user.email, "password": TEST_PASSWORD}
    jwt = api.post(OBTAIN, credentials, format="json").json()
    drf_token = api.post(DRF_TOKEN, credentials, format="json").json()["token"]

    act(owner.user)

    assert _credential_statuses(api, jwt, drf_token) == {
        "access": 401,
        "drf token": 401,
        "refresh": 401,
        "verify": 401,
    }
    assert not Token.objects.filter(user=owner.user).exists()


def _credential_statuses(api, jwt, drf_token) -> dict[str, int]:
    """The status of each use of the credentials: the access token, the DRF token, a refresh
    and a verify of the access token."""
    access_use = APIClient(HTTP_AUTHORIZATION=f"Bearer {jwt['access']}").get(ORGANIZATIONS)
    drf_use = APIClient(HTTP_AUTHORIZATION=f"Token {drf_token}").get(ORGANIZATIONS)
    refreshed = api.post(REFRESH, {"refresh": jwt["refresh"]}, format="json")
    verified = api.post(VERIFY, {"token": jwt["access"]}, format="json")
    return {
        "access": access_use.status_code,
        "drf token": drf_use.status_code,
        "refresh": refreshed.status_code,
        "verify": verified.status_code,
    }


@pytest.fixture(
    params=[
        pytest.param(_change_on_the_site, id="web-change"),
        pytest.param(_reset_by_email_link, id="web-reset"),
        pytest.param(_set_in_the_admin, id="admin"),
        pytest.param(_set_in_code, id="set-password"),
    ]
)
def change_password(request):
    return request.param


def test_a_new_password_revokes_every_api_credential(owner, change_password):
    api = APIClient()
    _assert_revoked_by(api, owner, change_password)

    credentials = {"email": owner.user.email, "password": NEW_PASSWORD}
    fresh = api.post(OBTAIN, credentials, format="json")
    assert fresh.status_code == 200
    fresh_use = APIClient(HTTP_AUTHORIZATION=f"Bearer {fresh.json()['access']}")
    assert fresh_use.get(ORGANIZATIONS).status_code == 200


def _disable_in_the_admin(user) -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "false", "unset-password": "1"},  # the admin's "Disable" button
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.has_usable_password()


def _disable_in_code(user) -> None:
    user.set_unusable_password()
    user.save()


@pytest.mark.parametrize(
    "disable",
    [
        pytest.param(_disable_in_the_admin, id="admin"),
        pytest.param(_disable_in_code, id="set-unusable-password"),
    ],
)
def test_disabling_the_password_revokes_every_api_credential(owner, disable):
    """An operator who turns a person's password off (the admin's "Password-based
    authentication: Disabled") ends their API access too, not only their sign-in."""
    _assert_revoked_by(APIClient(), owner, disable)


def test_a_refresh_token_from_before_the_change_fails_even_unknown_to_the_blacklist(owner):
    """The password claim alone refuses it: the blacklist is not the only guard."""
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    api = APIClient()
    credentials = {"email": owner.user.email, "password": TEST_PASSWORD}
    refresh = api.post(OBTAIN, credentials, format="json").json()["refresh"]
    OutstandingToken.objects.filter(user=owner.user).delete()

    _set_in_code(owner.user)

    response = api.post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "password_changed"


def test_another_users_tokens_keep_working(owner, manager):
    api = APIClient()
    credentials = {"email": manager.user.email, "password": TEST_PASSWORD}
    jwt = api.post(OBTAIN, credentials, format="json").json()
    drf_token = api.post(DRF_TOKEN, credentials, format="json").json()["token"]

    _set_in_code(owner.user)

    assert (
        APIClient(HTTP_AUTHORIZATION=f"Bearer {jwt['access']}").get(ORGANIZATIONS).status_code
        == 200
    )
    assert APIClient(HTTP_AUTHORIZATION=f"Token {drf_token}").get(ORGANIZATIONS).status_code == 200
    assert api.post(REFRESH, {"refresh": jwt["refresh"]}, format="json").status_code == 200
