"""The owner decides whether consumption issues count as demand: on the settings page and in
the admin (the API is in api/tests/test_issue_reason_codes.py)."""

import pytest

from django.urls import reverse

from stockroom.accounts.models import Organization
from stockroom.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _settings(organization, **changes) -> dict:
    data = {
        "name": organization.name,
        "time_zone": organization.time_zone,
        "currency": organization.currency,
    }
    return data | changes


@pytest.mark.parametrize("ticked", [True, False], ids=["ticked", "unticked"])
def test_owner_sets_it_on_the_settings_page(member_client, owner, organization, ticked):
    organization.demand_includes_consumption = not ticked
    organization.save(update_fields=["demand_includes_consumption"])
    # An unticked checkbox is absent from the posted form.
    changes = {"demand_includes_consumption": "on"} if ticked else {}

    response = member_client(owner).post(
        reverse("accounts:organization_settings"), _settings(organization, **changes)
    )

    assert response.status_code == 302
    assert Organization.objects.get(pk=organization.pk).demand_includes_consumption is ticked


def test_the_settings_page_shows_it(member_client, owner):
    response = member_client(owner).get(reverse("accounts:organization_settings"))

    html = response.content.decode()
    assert 'name="demand_includes_consumption"' in html
    assert "Count consumption as demand" in html


def test_the_admin_changes_it(client, organization):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:accounts_organization_change", args=[organization.pk])

    response = client.post(
        url,
        _settings(organization, slug=organization.slug, demand_includes_consumption="on")
        | {
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Organization.objects.get(pk=organization.pk).demand_includes_consumption is True
