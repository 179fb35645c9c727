"""The request's active organization for API views, checked against the user's memberships.

Chosen by, in order: the `X-Organization` header (an organization id), the JWT's `org` claim,
else the user's first membership. A named organization the user does not belong to is a 403,
never a silent fallback: an API client that names a tenant must get that tenant or an error.
"""

from rest_framework import exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stockroom.accounts.models import Membership
from stockroom.accounts.selectors import memberships_for_user
from stockroom.core.tenancy import organization_scope

ORGANIZATION_HEADER = "X-Organization"
ORGANIZATION_CLAIM = "org"
MAX_ID = 2**63 - 1  # the largest primary key a database can hold; larger ids name nobody
# Where MembershipJWTAuthentication leaves the membership it loaded with the user.
_PRELOADED_MEMBERSHIP = "_stockroom_preloaded_membership"


class OrganizationForbidden(exceptions.PermissionDenied):
    default_detail = gettext_lazy("You are not a member of this organization.")
    default_code = "organization_forbidden"


def _named_organization_id(header: str | None, token) -> int | None:
    raw = header
    if raw in (None, ""):
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


def requested_organization_id(request) -> int | None:
    """The organization id the request names (header first, then token claim), if any."""
    return _named_organization_id(request.headers.get(ORGANIZATION_HEADER), request.auth)


def _membership_with_user(user_id: int, organization_id: int | None) -> Membership | None:
    """The membership of `organization_id` (else the first, in memberships_for_user's order),
    with its user and organization, in one query."""
    memberships = Membership.objects.filter(user_id=user_id).select_related("user", "organization")
    if organization_id is None:
        return memberships.order_by("organization__name").first()
    try:
        # (user, organization) is unique: get() drops the model's ordering (organization name,
        # user email), which made up about a quarter of this query's CPU time.
        return memberships.get(organization_id=organization_id)
    except Membership.DoesNotExist:
        return None


class MembershipJWTAuthentication(JWTAuthentication):
    """JWT authentication that reads the user together with the membership the request acts
    through: one query where the user lookup and `resolve_membership` took one each.

    The library's own user lookup and checks still decide whenever this shortcut cannot: no
    membership for the named organization, an inactive user, revoked-token checks.
    """

    def authenticate(self, request):
        self._request = request
        return super().authenticate(request)

    def get_user(self, validated_token):
        request = self._request
        user_id = validated_token.get(jwt_settings.USER_ID_CLAIM)
        if jwt_settings.USER_ID_FIELD != "id" or user_id is None:
            return super().get_user(validated_token)
        try:
            organization_id = _named_organization_id(
                request.headers.get(ORGANIZATION_HEADER), validated_token
            )
        except OrganizationForbidden:
            # Refused by resolve_membership once authentication is done, as for any request.
            return super().get_user(validated_token)
        membership = _membership_with_user(user_id, organization_id)
        if membership is None:
            return super().get_user(validated_token)
        setattr(request._request, _PRELOADED_MEMBERSHIP, (organization_id, membership))
        user = membership.user
        if not user.is_active or not _issued_under_current_password(validated_token, user):
            return super().get_user(validated_token)  # refuses it, with the library's error
        return user


def _issued_under_current_password(validated_token, user) -> bool:
    """CHECK_REVOKE_TOKEN's test, on the user already loaded with the membership."""
    if not jwt_settings.CHECK_REVOKE_TOKEN:
        return True
    claim = validated_token.get(jwt_settings.REVOKE_TOKEN_CLAIM)
    return claim == get_md5_hash_password(user.password)


def resolve_membership(request) -> Membership | None:
    """The membership the request acts through; raises OrganizationForbidden for a non-member."""
    if not request.user or not request.user.is_authenticated:
        return None
    organization_id = requested_organization_id(request)
    preloaded = getattr(request._request, _PRELOADED_MEMBERSHIP, None)
    if preloaded is not None:
        named, membership = preloaded
        if named == organization_id and membership.user_id == request.user.pk:
            return membership
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

    def get_authenticators(self):
        # The settings choose the authenticators and their order; the plain JWT one is swapped
        # for the variant that loads the membership with the user.
        return [
            MembershipJWTAuthentication()
            if type(authenticator) is JWTAuthentication
            else authenticator
            for authenticator in super().get_authenticators()
        ]

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
