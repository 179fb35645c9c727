"""The role policy, checked against the table in PRODUCT.md."""

import pytest

from stockroom.accounts.roles import Action, Role, invitable_roles, role_allows

A = Action
EXPECTED = {
    Role.OWNER: set(Action),
    Role.MANAGER: {
        A.VIEW,
        A.VIEW_REPORTS,
        A.EXPORT_REPORTS,
        A.MANAGE_CATALOG,
        A.MANAGE_WAREHOUSES,
        A.MANAGE_ORDERS,
        A.APPROVE_COUNTS,
        A.INVITE_MEMBERS,
        A.POST_MOVEMENTS,
        A.RECEIVE_PURCHASE_ORDERS,
        A.SHIP_SALES_ORDERS,
        A.ENTER_COUNTS,
    },
    Role.CLERK: {
        A.VIEW,
        A.VIEW_REPORTS,
        A.EXPORT_REPORTS,
        A.POST_MOVEMENTS,
        A.RECEIVE_PURCHASE_ORDERS,
        A.SHIP_SALES_ORDERS,
        A.ENTER_COUNTS,
    },
    Role.VIEWER: {A.VIEW, A.VIEW_REPORTS, A.EXPORT_REPORTS},
}


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
@pytest.mark.parametrize("action", list(Action), ids=[a.value for a in Action])
def test_role_allows_exactly_the_documented_actions(role, action):
    assert role_allows(role, action) is (action in EXPECTED[role])


@pytest.mark.parametrize("role", [None, "", "admin"], ids=["none", "empty", "unknown"])
def test_unknown_roles_may_do_nothing(role):
    assert not any(role_allows(role, action) for action in Action)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.OWNER, (Role.OWNER, Role.MANAGER, Role.CLERK, Role.VIEWER)),
        (Role.MANAGER, (Role.CLERK, Role.VIEWER)),
        (Role.CLERK, ()),
        (Role.VIEWER, ()),
    ],
    ids=["owner", "manager", "clerk", "viewer"],
)
def test_invitable_roles(role, expected):
    assert invitable_roles(role) == expected
