"""Reads of users, organizations and memberships."""

from django.db.models import QuerySet

from .models import Invitation, Membership, Organization, User, hash_invitation_token


def memberships_for_user(user: User) -> QuerySet[Membership]:
    """Every organization the user belongs to, with the organization loaded."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )


def active_membership_for(user: User, organization_id: int | None) -> Membership | None:
    """The membership for `organization_id`, else the user's first one, else None."""
    memberships = memberships_for_user(user)
    if organization_id is not None:
        membership = memberships.filter(organization_id=organization_id).first()
        if membership is not None:
            return membership
    return memberships.first()


def membership_role(membership_id: int) -> str | None:
    """The membership's role as stored now; None once it is gone."""
    return Membership.objects.filter(pk=membership_id).values_list("role", flat=True).first()


def active_membership_among(
    memberships: list[Membership], organization_id: int | None
) -> Membership | None:
    """As `active_membership_for`, from the user's memberships already loaded (in order)."""
    if organization_id is not None:
        for membership in memberships:
            if membership.organization_id == organization_id:
                return membership
    return memberships[0] if memberships else None


def organization_members(organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__email")
    )


def pending_invitations(organization: Organization) -> QuerySet[Invitation]:
    return (
        Invitation.objects.pending()
        .filter(organization=organization)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_by_token(raw_token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization")
        .filter(token_hash=hash_invitation_token(raw_token))
        .first()
    )
