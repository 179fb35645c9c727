"""The request's active organization for API views, checked against the user's memberships.

Chosen by, in order: the `X-Organization` header (an organization id), the JWT's `org` claim,
else the user's first membership. A named organization the user does not belong to is a 403,
never a silent fallback: an API client that names a tenant must get that tenant or an error.
"""

from rest_framework import exceptions

from django.utils.translation import gettext as _

from stockroom.accounts.models import Membership
from stockroom.accounts.selectors import memberships_for_user
from stockroom.core.tenancy import organization_scope

ORGANIZATION_HEADER = "X-Organization"
ORGANIZATION_CLAIM = "org"
MAX_ID = 2**63 - 1  # the largest primary key a database can hold; larger ids name nobody


class OrganizationForbidden(exceptions.PermissionDenied):
    default_detail = _("You are not a member of this organization.")
    default_code = "organization_forbidden"


def requested_organization_id(request) -> int | None:
    """The organization id the request names (header first, then token claim), if any."""
    raw = request.headers.get(ORGANIZATION_HEADER)
    if raw in (None, ""):
        token = request.auth
        raw = token.get(ORGANIZATION_CLAIM) if hasattr(token, "get") else None
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise OrganizationForbidden(
            _("The X-Organization header must be an organization id.")
        ) from None
    if not 0 < value <= MAX_ID:
        raise OrganizationForbidden()
    return value


def resolve_membership(request) -> Membership | None:
    """The membership the request acts through; raises OrganizationForbidden for a non-member."""
    if not request.user or not request.user.is_authenticated:
        return None
    organization_id = requested_organization_id(request)
    memberships = memberships_for_user(request.user)
    if organization_id is None:
        return memberships.first()
    membership = memberships.filter(organization_id=organization_id).first()
    if membership is None:
        raise OrganizationForbidden()
    return membership


class ActiveOrganizationMixin:
    """For API views over one organization's data.

    Resolves the membership once per request (right after authentication, before permissions
    run), exposes it as `request.membership` / `request.organization`, and activates the tenant
    scope for the rest of the request; `finalize_response` lifts it again.
    """

    def initial(self, request, *args, **kwargs):
        self._organization_scope = None
        super().initial(request, *args, **kwargs)

    def perform_authentication(self, request):
        # DRF's initial() authenticates, then checks permissions; the membership must be known
        # in between, so it is resolved here, as the last step of authentication.
        super().perform_authentication(request)
        membership = resolve_membership(request)
        organization = membership.organization if membership else None
        for target in (request, request._request):
            target.membership = membership
            target.organization = organization
        self._organization_scope = organization_scope(organization.pk if organization else None)
        self._organization_scope.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        scope = getattr(self, "_organization_scope", None)
        if scope is not None:
            self._organization_scope = None
            scope.__exit__(None, None, None)
        return super().finalize_response(request, response, *args, **kwargs)
