"""The active organization middleware: one query for the active membership and the switcher."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stockroom.accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def memberships(owner):
    """The owner of "Company N" is also a clerk of two organizations named to sort around it."""
    for name in ("Aardvark Ltd", "Zebra Ltd"):
        MembershipFactory(
            user=owner.user, organization=OrganizationFactory(name=name), role=Role.CLERK
        )
    return owner


@pytest.mark.parametrize(
    ("preferred", "active"),
    [("own", "Company"), ("stale", "Aardvark Ltd"), ("none", "Aardvark Ltd")],
    ids=["preferred", "not-a-member-falls-back", "no-preference-first-by-name"],
)
def test_the_active_membership_and_the_switcher_come_from_one_query(
    client, memberships, organization, preferred, active
):
    client.force_login(memberships.user)
    session = client.session
    if preferred == "own":
        session[ACTIVE_ORGANIZATION_SESSION_KEY] = organization.pk
    elif preferred == "stale":
        session[ACTIVE_ORGANIZATION_SESSION_KEY] = OrganizationFactory().pk
    session.save()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("inventory:warehouse_list"))

    membership_queries = [q for q in queries if 'FROM "accounts_membership"' in q["sql"]]
    assert len(membership_queries) == 1
    assert [m.organization.name for m in response.context["user_memberships"]] == [
        "Aardvark Ltd",
        organization.name,
        "Zebra Ltd",
    ]
    assert response.context["active_organization"].name.startswith(active)
    assert response.context["active_membership"].role == (
        Role.OWNER if preferred == "own" else Role.CLERK
    )
