"""The one role policy: which role may do what. Views, the admin and the API all ask here."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    CLERK = "clerk", _("Clerk")
    VIEWER = "viewer", _("Viewer")


class Action(StrEnum):
    VIEW = "view"
    EXPORT_REPORTS = "export_reports"
    VIEW_REPORTS = "view_reports"
    MANAGE_CATALOG = "manage_catalog"
    MANAGE_WAREHOUSES = "manage_warehouses"
    MANAGE_ORDERS = "manage_orders"
    POST_MOVEMENTS = "post_movements"
    RECEIVE_PURCHASE_ORDERS = "receive_purchase_orders"
    SHIP_SALES_ORDERS = "ship_sales_orders"
    ENTER_COUNTS = "enter_counts"
    APPROVE_COUNTS = "approve_counts"
    INVITE_MEMBERS = "invite_members"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_ORGANIZATION = "manage_organization"
    DELETE_ORGANIZATION = "delete_organization"


_READ = {Action.VIEW, Action.VIEW_REPORTS, Action.EXPORT_REPORTS}
_FLOOR = {
    Action.POST_MOVEMENTS,
    Action.RECEIVE_PURCHASE_ORDERS,
    Action.SHIP_SALES_ORDERS,
    Action.ENTER_COUNTS,
}
_MANAGEMENT = {
    Action.MANAGE_CATALOG,
    Action.MANAGE_WAREHOUSES,
    Action.MANAGE_ORDERS,
    Action.APPROVE_COUNTS,
    Action.INVITE_MEMBERS,
}

POLICY: dict[str, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.MANAGER: frozenset(_READ | _FLOOR | _MANAGEMENT),
    Role.CLERK: frozenset(_READ | _FLOOR),
    Role.VIEWER: frozenset(_READ),
}

# Who may invite whom. A manager brings in floor staff and read-only users, not peers.
INVITABLE_ROLES: dict[str, tuple[str, ...]] = {
    Role.OWNER: (Role.OWNER, Role.MANAGER, Role.CLERK, Role.VIEWER),
    Role.MANAGER: (Role.CLERK, Role.VIEWER),
    Role.CLERK: (),
    Role.VIEWER: (),
}


def role_allows(role: str | None, action: Action | str) -> bool:
    """True when `role` may perform `action`; an unknown or missing role may do nothing."""
    if role is None:
        return False
    return Action(action) in POLICY.get(role, frozenset())


def invitable_roles(role: str | None) -> tuple[str, ...]:
    return INVITABLE_ROLES.get(role, ()) if role else ()
