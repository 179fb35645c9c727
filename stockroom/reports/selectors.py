"""Reads behind the dashboard and reports."""

from django.db.models import Count, Q

from stockroom.accounts.models import Invitation, Organization


def organization_overview(organization: Organization) -> dict[str, int]:
    """Headline counts of the organization's team, in one query each."""
    members = organization.memberships.aggregate(
        total=Count("pk"),
        managers=Count("pk", filter=Q(role__in=["owner", "manager"])),
    )
    return {
        "member_count": members["total"],
        "manager_count": members["managers"],
        "pending_invitation_count": Invitation.objects.pending()
        .filter(organization=organization)
        .count(),
    }
