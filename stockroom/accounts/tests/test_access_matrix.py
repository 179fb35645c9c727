"""Role × page matrix for the account pages, and organization isolation (404 for B's rows)."""

import pytest

from django.urls import reverse

from stockroom.accounts.models import Invitation
from stockroom.accounts.roles import Role

from .factories import MembershipFactory

ROLES = [Role.OWNER, Role.MANAGER, Role.CLERK, Role.VIEWER]


def _page(name, method="get", data=None, allowed=(), target=None):
    return {
        "name": name,
        "method": method,
        "data": data or {},
        "allowed": allowed,
        "target": target,
    }


ALL = tuple(ROLES)
PAGES = {
    "dashboard": _page("reports:dashboard", allowed=ALL),
    "members": _page("accounts:members", allowed=ALL),
    "profile": _page("accounts:profile", allowed=ALL),
    "invite": _page(
        "accounts:invite",
        "post",
        {"email": "x@example.com", "role": Role.VIEWER},
        allowed=(Role.OWNER, Role.MANAGER),
    ),
    "change-role": _page(
        "accounts:member_role", "post", {"role": Role.VIEWER}, (Role.OWNER,), target="peer"
    ),
    "remove-member": _page("accounts:member_remove", "post", {}, (Role.OWNER,), target="peer"),
    "revoke-invitation": _page(
        "accounts:invitation_revoke", "post", {}, (Role.OWNER, Role.MANAGER), target="invitation"
    ),
    "organization-settings": _page("accounts:organization_settings", allowed=(Role.OWNER,)),
    "organization-settings-save": _page(
        "accounts:organization_settings",
        "post",
        {"name": "Renamed", "time_zone": "UTC", "currency": "EUR"},
        (Role.OWNER,),
    ),
}


def _target_kwargs(page, organization):
    if page["target"] == "peer":
        return {"pk": MembershipFactory(organization=organization, role=Role.CLERK).pk}
    if page["target"] == "invitation":
        return {
            "pk": Invitation.objects.create(
                organization=organization,
                email="pending@example.com",
                role=Role.CLERK,
                token_hash=f"hash-{organization.pk}",
                expires_at="2999-01-01T00:00:00Z",
            ).pk
        }
    return {}


def _request(client, page, kwargs):
    url = reverse(page["name"], kwargs=kwargs)
    return getattr(client, page["method"])(url, page["data"])


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("page_id", list(PAGES))
def test_each_role_gets_exactly_its_access(page_id, role, organization, member_client):
    page = PAGES[page_id]
    MembershipFactory(organization=organization, role=Role.OWNER)  # never the last owner
    client = member_client(MembershipFactory(organization=organization, role=role))
    response = _request(client, page, _target_kwargs(page, organization))
    if role in page["allowed"]:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("page_id", [p for p, spec in PAGES.items() if spec["target"]])
def test_another_organizations_rows_are_not_found(
    page_id, organization, other_organization, member_client
):
    page = PAGES[page_id]
    client = member_client(MembershipFactory(organization=organization, role=Role.OWNER))
    response = _request(client, page, _target_kwargs(page, other_organization))
    assert response.status_code == 404


@pytest.mark.parametrize("page_id", list(PAGES))
def test_anonymous_users_are_sent_to_login(page_id, client, organization):
    page = PAGES[page_id]
    response = _request(client, page, _target_kwargs(page, organization))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
