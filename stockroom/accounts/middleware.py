"""Resolves the request's active organization from the session and scopes tenant queries."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from stockroom.core.tenancy import organization_scope, scopes_disabled

from .selectors import active_membership_among, memberships_for_user

ACTIVE_ORGANIZATION_SESSION_KEY = "active_organization_id"


class ActiveOrganizationMiddleware:
    """Sets `request.membership`, `request.organization` and `request.memberships` (all of the
    user's, by organization name) and activates the tenant scope.

    The session only names a preference; it is always checked against the user's memberships,
    so a stale or forged id falls back to another organization the user really belongs to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership, memberships = None, []
        if request.user.is_authenticated:
            # All of them in one query: the organization switcher on every page lists them too
            # (request.memberships), which cost a second query.
            memberships = list(memberships_for_user(request.user))
            preferred = request.session.get(ACTIVE_ORGANIZATION_SESSION_KEY)
            membership = active_membership_among(memberships, preferred)
        request.memberships = memberships
        request.membership = membership
        request.organization = membership.organization if membership else None
        if request.organization is not None:
            # Dates and times on pages show in the organization's time zone.
            timezone.activate(request.organization.time_zone)
        try:
            with self._tenant_scope(request):
                return self.get_response(request)
        finally:
            timezone.deactivate()

    @staticmethod
    def _tenant_scope(request):
        if request.organization is not None:
            return organization_scope(request.organization.pk)
        if request.user.is_superuser and request.path_info.startswith(reverse("admin:index")):
            # Crosses tenants: superusers (platform operators) with no organization of their
            # own administer users and organizations in /admin/, whose pages list memberships
            # of every organization; TenantAdmin still shows tenant rows only inside one.
            return scopes_disabled()
        # No organization: tenant queries raise instead of reading every organization's rows.
        return organization_scope(None)


class UserLanguageMiddleware:
    """A signed-in user sees the language saved on their account, on every device.

    Runs after LocaleMiddleware (which reads the cookie or Accept-Language for everyone) and
    after AuthenticationMiddleware. The switcher and the profile page save `User.language`;
    the cookie is kept equal to it, so after logging out the login page stays in that language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._user_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # After a log-in (request.user changed during the view) the next page follows the user.
        language = self._user_language(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    @staticmethod
    def _user_language(request) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        try:
            return translation.get_supported_language_variant(user.language)
        except LookupError:
            return None
