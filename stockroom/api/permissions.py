"""Role-based permission for API views, asking the one role policy (accounts.roles)."""

from rest_framework import exceptions, permissions

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stockroom.accounts.roles import Action, role_allows


def required_action(view, request) -> Action:
    """The action a view's current request needs.

    Views declare `action_permissions` ({viewset action: Action}) for exceptions, and
    `read_action` / `write_action` for the rest: safe methods read, everything else writes.
    """
    per_action = getattr(view, "action_permissions", {})
    action = getattr(view, "action", None)
    if action in per_action:
        return per_action[action]
    if request.method in permissions.SAFE_METHODS:
        return getattr(view, "read_action", Action.VIEW)
    return getattr(view, "write_action", None) or getattr(view, "read_action", Action.VIEW)


class HasOrganizationRole(permissions.BasePermission):
    """Authenticated, a member of the active organization, and the role allows the action."""

    message = gettext_lazy("Your role does not allow this action.")

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        membership = getattr(request, "membership", None)
        if membership is None:
            raise exceptions.PermissionDenied(
                _("You are not a member of any organization."), code="no_organization"
            )
        return role_allows(membership.role, required_action(view, request))
