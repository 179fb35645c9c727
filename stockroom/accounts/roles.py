"""The one role policy: which role may do what. Views, the admin and the API all ask here."""

from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
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

# What each action means to a person choosing a role (the Team page's table reads these).
ACTION_LABELS: dict[Action, str | Promise] = {
    Action.VIEW: _("See products, stock, orders and counts"),
    Action.VIEW_REPORTS: _("See reports and the dashboard"),
    Action.EXPORT_REPORTS: _("Export lists and reports"),
    Action.POST_MOVEMENTS: _("Receive, issue, transfer and adjust stock"),
    Action.RECEIVE_PURCHASE_ORDERS: _("Receive purchase orders"),
    Action.SHIP_SALES_ORDERS: _("Ship sales orders"),
    Action.ENTER_COUNTS: _("Enter stock counts"),
    Action.MANAGE_CATALOG: _("Edit products, categories, suppliers and customers"),
    Action.MANAGE_WAREHOUSES: _("Edit warehouses and bins"),
    Action.MANAGE_ORDERS: _("Create, send and cancel orders"),
    Action.APPROVE_COUNTS: _("Approve counts (posts their variances)"),
    Action.INVITE_MEMBERS: _("Invite people"),
    Action.MANAGE_MEMBERS: _("Change roles and remove members"),
    Action.MANAGE_ORGANIZATION: _("Change the organization's settings"),
    Action.DELETE_ORGANIZATION: _("Delete the organization"),
}


def role_capabilities() -> list[tuple[str | Promise, list[bool]]]:
    """One row per action: its label and, per role in `Role` order, whether the role may."""
    return [
        (ACTION_LABELS[action], [action in POLICY[role] for role in Role.values])
        for action in Action
    ]


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
