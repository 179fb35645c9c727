"""Every endpoint × role × own/other organization, generated from the table in endpoints.py."""

import pytest

from stockroom.accounts.tests.factories import MembershipFactory

from .endpoints import ENDPOINTS, ROLES

pytestmark = pytest.mark.django_db

CASES = [pytest.param(e, r, id=f"{e.name}-{r}") for e in ENDPOINTS for r in ROLES]
WRITABLE = [e for e in ENDPOINTS if e.create_body]
WRITE_CASES = [pytest.param(e, r, id=f"{e.name}-{r}") for e in WRITABLE for r in ROLES]
DETAIL_WRITES = [e for e in WRITABLE if e.update_body]
# Roles against the status each gets from an action only an owner may take.
OWNERS_ONLY = [
    pytest.param("owner", 200, id="owner"),
    pytest.param("manager", 403, id="manager"),
    pytest.param("clerk", 403, id="clerk"),
    pytest.param("viewer", 403, id="viewer"),
]


@pytest.fixture
def as_role(organization, client_for):
    def build(role):
        return client_for(MembershipFactory(organization=organization, role=role))

    return build


@pytest.mark.parametrize(("endpoint", "role"), CASES)
def test_list_shows_only_the_own_organization(
    endpoint, role, as_role, organization, other_organization
):
    own = endpoint.make(organization)
    endpoint.make(other_organization)
    client = as_role(role)

    response = client.get(endpoint.url)

    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    if endpoint.name == "members":
        expected = set(organization.memberships.values_list("pk", flat=True))
    else:
        expected = {own.pk}
    assert ids == expected


@pytest.mark.parametrize(("endpoint", "role"), CASES)
def test_retrieve_own_is_200_and_other_organization_is_404(
    endpoint, role, as_role, organization, other_organization
):
    own = endpoint.make(organization)
    other = endpoint.make(other_organization)
    client = as_role(role)

    own_response = client.get(endpoint.detail(own.pk))
    other_response = client.get(endpoint.detail(other.pk))

    assert own_response.status_code == 200
    assert own_response.json()["id"] == own.pk
    assert other_response.status_code == 404
    assert other_response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(("endpoint", "role"), WRITE_CASES)
def test_create_is_allowed_by_role(endpoint, role, as_role, organization):
    client = as_role(role)

    response = client.post(endpoint.url, endpoint.create_body(organization), format="json")

    expected = 201 if role in endpoint.writers else 403
    assert response.status_code == expected, response.json()
    if expected == 403:
        assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("endpoint", "role"),
    [pytest.param(e, r, id=f"{e.name}-{r}") for e in DETAIL_WRITES for r in ROLES],
)
def test_update_is_allowed_by_role(endpoint, role, as_role, organization):
    own = endpoint.make(organization)
    client = as_role(role)

    response = client.patch(endpoint.detail(own.pk), endpoint.update_body, format="json")

    expected = 200 if role in endpoint.writers else 403
    assert response.status_code == expected, response.json()
    if expected == 200:
        for key, value in endpoint.update_body.items():
            assert response.json()[key] == value


@pytest.mark.parametrize(
    ("endpoint", "role"),
    [pytest.param(e, r, id=f"{e.name}-{r}") for e in WRITABLE if e.deletable for r in ROLES],
)
def test_delete_is_allowed_by_role(endpoint, role, as_role, organization):
    own = endpoint.make(organization)
    client = as_role(role)

    response = client.delete(endpoint.detail(own.pk))

    expected = 204 if role in endpoint.writers else 403
    assert response.status_code == expected


@pytest.mark.parametrize("endpoint", WRITABLE, ids=str)
def test_writes_to_another_organizations_object_are_404(endpoint, owner_client, other_organization):
    other = endpoint.make(other_organization)

    patch = owner_client.patch(endpoint.detail(other.pk), endpoint.update_body, format="json")
    delete = owner_client.delete(endpoint.detail(other.pk))

    assert patch.status_code == (404 if endpoint.update_body else 405)
    assert delete.status_code == (404 if endpoint.deletable else 405)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_anonymous_is_401(endpoint, api_client, organization):
    own = endpoint.make(organization)

    for response in (api_client.get(endpoint.url), api_client.get(endpoint.detail(own.pk))):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_movements_are_never_changed_or_deleted(method, owner_client, organization):
    from .endpoints import make_movement

    movement = make_movement(organization)

    response = getattr(owner_client, method)(f"/api/v1/movements/{movement.pk}/", {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(("role", "expected"), OWNERS_ONLY)
def test_member_role_change_is_for_owners(role, expected, as_role, organization):
    member = MembershipFactory(organization=organization, role="viewer")
    MembershipFactory(organization=organization, role="owner")

    response = as_role(role).post(f"/api/v1/members/{member.pk}/role/", {"role": "clerk"})

    assert response.status_code == expected
    if expected == 200:
        assert response.json()["role"] == "clerk"


@pytest.mark.parametrize(("role", "expected"), OWNERS_ONLY)
def test_organization_update_is_for_owners(role, expected, as_role, organization):
    response = as_role(role).patch(
        f"/api/v1/organizations/{organization.pk}/", {"name": "Renamed Co"}, format="json"
    )

    assert response.status_code == expected
    if expected == 200:
        assert response.json()["name"] == "Renamed Co"
        assert response.json()["role"] == "owner"


def test_organizations_lists_only_the_users_own(owner, owner_client, other_organization):
    response = owner_client.get("/api/v1/organizations/")
    other = owner_client.get(f"/api/v1/organizations/{other_organization.pk}/")

    assert [(row["id"], row["role"]) for row in response.json()["results"]] == [
        (owner.organization_id, "owner")
    ]
    assert other.status_code == 404


def test_last_owner_cannot_leave(owner, owner_client):
    response = owner_client.delete(f"/api/v1/members/{owner.pk}/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "last_owner"
