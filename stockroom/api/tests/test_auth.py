"""JWT flows: obtain, refresh with rotation, blacklist on logout, expired and tampered tokens,
and the organization claim checked against memberships."""

from datetime import timedelta

import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from django.utils import timezone

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

OBTAIN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
VERIFY = "/api/v1/auth/token/verify/"
LOGOUT = "/api/v1/auth/logout/"
DRF_TOKEN = "/api/v1/auth/drf-token/"
ME = "/api/v1/organizations/"


def _obtain(api_client, membership, **extra):
    body = {"email": membership.user.email, "password": TEST_PASSWORD, **extra}
    return api_client.post(OBTAIN, body, format="json")


def _refresh(api_client, tokens):
    """Trade the refresh token of an obtained pair for a new pair."""
    return api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")


def _bearer(api_client, access):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return api_client


def test_obtain_returns_tokens_with_first_organization_claim(api_client, owner):
    response = _obtain(api_client, owner)

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh", "organization_id"}
    assert response.json()["organization_id"] == owner.organization_id
    assert AccessToken(response.json()["access"])["org"] == owner.organization_id


def test_obtain_with_chosen_organization(api_client, owner, other_organization):
    second = MembershipFactory(user=owner.user, organization=other_organization, role=Role.VIEWER)

    response = _obtain(api_client, owner, organization=other_organization.pk)

    assert response.status_code == 200
    assert AccessToken(response.json()["access"])["org"] == second.organization_id
    listing = _bearer(api_client, response.json()["access"]).get("/api/v1/members/")
    assert [row["role"] for row in listing.json()["results"]] == ["viewer"]


def test_obtain_refuses_an_organization_the_user_does_not_belong_to(
    api_client, owner, other_organization
):
    response = _obtain(api_client, owner, organization=other_organization.pk)

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "organization": ["You are not a member of this organization."]
    }


def test_obtain_with_wrong_password_is_401_json(api_client, owner):
    response = api_client.post(
        OBTAIN, {"email": owner.user.email, "password": "nope"}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_refresh_rotates_and_refuses_the_old_refresh_token(api_client, owner):
    first = _obtain(api_client, owner).json()

    rotated = _refresh(api_client, first)
    replayed = _refresh(api_client, first)

    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != first["refresh"]
    assert AccessToken(rotated.json()["access"])["org"] == owner.organization_id
    assert replayed.status_code == 401
    assert replayed.json()["error"]["code"] == "token_not_valid"


def test_logout_blacklists_the_refresh_token(api_client, owner):
    tokens = _obtain(api_client, owner).json()

    logout = api_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json")
    refresh = _refresh(api_client, tokens)

    assert logout.status_code == 204
    assert refresh.status_code == 401
    assert refresh.json()["error"]["code"] == "token_not_valid"


def test_verify_accepts_a_fresh_token(api_client, owner):
    tokens = _obtain(api_client, owner).json()

    assert api_client.post(VERIFY, {"token": tokens["access"]}, format="json").status_code == 200


def test_access_token_authenticates(api_client, owner):
    tokens = _obtain(api_client, owner).json()

    response = _bearer(api_client, tokens["access"]).get(ME)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [owner.organization_id]


def test_expired_access_token_is_401(api_client, owner):
    token = AccessToken.for_user(owner.user)
    token.set_exp(from_time=timezone.now() - timedelta(hours=1), lifetime=timedelta(minutes=1))

    response = _bearer(api_client, str(token)).get(ME)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_tampered_access_token_is_401(api_client, owner):
    token = str(AccessToken.for_user(owner.user))
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"

    response = _bearer(api_client, tampered).get(ME)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"


def test_refresh_token_cannot_be_used_as_access_token(api_client, owner):
    refresh = str(RefreshToken.for_user(owner.user))

    assert _bearer(api_client, refresh).get(ME).status_code == 401


def test_anonymous_request_is_401_json(api_client):
    response = api_client.get("/api/v1/products/")

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
            "fields": {},
        }
    }


def test_token_claim_for_an_organization_left_since_is_403(api_client, owner):
    tokens = _obtain(api_client, owner).json()
    owner.delete()

    response = _bearer(api_client, tokens["access"]).get("/api/v1/products/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "organization_forbidden"


def test_header_naming_another_organization_is_403(owner_client, other_organization):
    response = owner_client.get("/api/v1/products/", HTTP_X_ORGANIZATION=str(other_organization.pk))

    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "organization_forbidden",
        "message": "You are not a member of this organization.",
        "fields": {},
    }


def test_drf_token_authenticates(api_client, owner):
    response = api_client.post(
        DRF_TOKEN, {"email": owner.user.email, "password": TEST_PASSWORD}, format="json"
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    assert response.status_code == 200
    assert api_client.get("/api/v1/products/").status_code == 200


def test_session_authenticates_for_the_browsable_api(client, owner):
    client.force_login(owner.user)

    response = client.get("/api/v1/products/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_auth_endpoints_are_throttled(api_client, owner, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth": "2/min",
        },
    }
    body = {"email": owner.user.email, "password": "wrong"}

    codes = [api_client.post(OBTAIN, body, format="json").status_code for _ in range(3)]
    last = api_client.post(OBTAIN, body, format="json")

    assert codes == [401, 401, 429]
    assert last.json()["error"]["code"] == "throttled"
    assert "Retry-After" in last


def test_lockout_after_repeated_failures_is_json(api_client, owner, settings):
    body = {"email": owner.user.email, "password": "wrong"}

    codes = [
        api_client.post(OBTAIN, body, format="json").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT + 1)
    ]
    locked = api_client.post(
        OBTAIN, {"email": owner.user.email, "password": TEST_PASSWORD}, format="json"
    )

    assert codes[-1] == 429
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked.json()["error"]["code"] == "account_locked"


def test_inactive_user_with_a_membership_is_401(api_client, owner):
    tokens = _obtain(api_client, owner).json()
    owner.user.is_active = False
    owner.user.save(update_fields=["is_active"])

    response = _bearer(api_client, tokens["access"]).get("/api/v1/products/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "user_inactive"


def test_deleted_user_is_401(api_client, owner):
    tokens = _obtain(api_client, owner).json()
    owner.user.delete()

    response = _bearer(api_client, tokens["access"]).get("/api/v1/products/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "user_not_found"


@pytest.mark.parametrize(
    ("named", "expected_status"),
    [
        pytest.param(None, 403, id="token-claim-viewer"),
        pytest.param("owner", 201, id="header-owner"),
        pytest.param("viewer", 403, id="header-viewer"),
    ],
)
def test_the_role_is_the_one_in_the_named_organization(
    api_client, organization, other_organization, named, expected_status
):
    """The membership read with the user is the one the header (else the token) names."""
    viewer = MembershipFactory(organization=organization, role=Role.VIEWER)
    owner = MembershipFactory(organization=other_organization, user=viewer.user, role=Role.OWNER)
    access = _obtain(api_client, viewer, organization=organization.pk).json()["access"]
    headers = {}
    if named is not None:
        membership = owner if named == "owner" else viewer
        headers["HTTP_X_ORGANIZATION"] = str(membership.organization_id)

    response = _bearer(api_client, access).post(
        "/api/v1/customers/", {"name": "Acme"}, format="json", **headers
    )

    assert response.status_code == expected_status


def test_without_header_or_claim_the_first_organization_by_name_is_active(api_client):
    later = MembershipFactory(organization__name="Zeta", role=Role.OWNER)
    MembershipFactory(organization__name="Alpha", user=later.user, role=Role.VIEWER)
    access = AccessToken.for_user(later.user)  # no `org` claim

    response = _bearer(api_client, str(access)).post(
        "/api/v1/customers/", {"name": "Acme"}, format="json"
    )

    assert response.status_code == 403  # a viewer in Alpha, the first by name


def test_a_malformed_organization_header_is_403(owner_client):
    response = owner_client.get("/api/v1/products/", HTTP_X_ORGANIZATION="abc")

    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "The X-Organization header must be an organization id."
    )


def test_refusals_declared_on_classes_speak_the_requests_language(
    owner_client, other_organization, viewer, client_for
):
    """Messages set as class attributes are lazy: built per request, not once at import."""
    foreign = owner_client.get(
        "/api/v1/products/",
        HTTP_X_ORGANIZATION=str(other_organization.pk),
        HTTP_ACCEPT_LANGUAGE="es",
    )
    below_role = client_for(viewer).post(
        "/api/v1/warehouses/", {"code": "X", "name": "X"}, format="json", HTTP_ACCEPT_LANGUAGE="es"
    )

    assert foreign.json()["error"]["message"] == "No es miembro de esta organización."
    assert below_role.status_code == 403
    assert below_role.json()["error"]["message"] == "Su rol no permite esta acción."
