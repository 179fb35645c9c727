"""Resolves the request's active organization from the session and scopes tenant queries."""

from django.utils import timezone

from stockroom.core.tenancy import organization_scope

from .selectors import active_membership_for

ACTIVE_ORGANIZATION_SESSION_KEY = "active_organization_id"


class ActiveOrganizationMiddleware:
    """Sets `request.membership` and `request.organization` and activates the tenant scope.

    The session only names a preference; it is always checked against the user's memberships,
    so a stale or forged id falls back to another organization the user really belongs to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = None
        if request.user.is_authenticated:
            preferred = request.session.get(ACTIVE_ORGANIZATION_SESSION_KEY)
            membership = active_membership_for(request.user, preferred)
        request.membership = membership
        request.organization = membership.organization if membership else None
        if request.organization is not None:
            # Dates and times on pages show in the organization's time zone.
            timezone.activate(request.organization.time_zone)
        try:
            with organization_scope(request.organization.pk if request.organization else None):
                return self.get_response(request)
        finally:
            timezone.deactivate()
