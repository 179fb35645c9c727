"""The accounts forms as people use them: each submitted once refused and once accepted through
the browser, with the result (or that nothing was written) read back from the server's
database. Every test makes its own people and organizations (accounts_helpers)."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from .accounts_helpers import (
    PASSWORD,
    create_account,
    memberships,
    organization_state,
    run_json,
    unique,
    user_state,
)
from .conftest import field, log_in
from .navigation import expand_navigation
from .server import Server, message_text

NewContext = Callable[..., BrowserContext]


def signed_in(new_context: NewContext, email: str, password: str = PASSWORD) -> Page:
    page = new_context().new_page()
    log_in(page, email, password)
    return page


def submit(page: Page, name: str) -> None:
    page.locator("main").get_by_role("button", name=name, exact=True).click()


def expect_refusal(page: Page) -> None:
    """The form's error summary or an error message is shown."""
    expect(page.locator("[data-error-summary], [data-message-level=error]").first).to_be_visible()


def expect_message(page: Page, text: str) -> None:
    expect(page.locator("[data-message-level]").filter(has_text=text).first).to_be_visible()


def open_menu(page: Page, button_id: str) -> None:
    expand_navigation(page)
    page.locator(f"#{button_id}").click()


def session_organizations(server: Server, email: str) -> list[int | None]:
    """The active organization id of each open session of the user (none once logged out)."""
    return run_json(
        server,
        f"""
import json
from django.contrib.sessions.models import Session
from django.utils import timezone
from stockroom.accounts.models import User
user = User.objects.get(email={email!r})
found = []
for session in Session.objects.filter(expire_date__gt=timezone.now()):
    data = session.get_decoded()
    if data.get("_auth_user_id") == str(user.pk):
        found.append(data.get("active_organization_id"))
print(json.dumps(found))
""",
    )


def organization_id(server: Server, name: str) -> int:
    return run_json(
        server,
        f"""
import json
from stockroom.accounts.models import Organization
print(json.dumps(Organization.objects.get(name={name!r}).pk))
""",
    )


# --- log in, log out, sign up ---------------------------------------------------------------


def test_login_refused_then_accepted_and_logout(server: Server, new_context: NewContext) -> None:
    email = f"{unique('login')}@accounts.test"
    create_account(server, email, organizations={unique("Login Co"): "owner"})
    page = new_context().new_page()
    page.goto("/accounts/login/")
    field(page, "Email").fill(email)
    field(page, "Password").fill("not-the-password")
    submit(page, "Log in")
    expect_refusal(page)
    assert session_organizations(server, email) == []

    field(page, "Password").fill(PASSWORD)
    submit(page, "Log in")
    expect(page).to_have_url(re.compile(r"/$"))
    assert len(session_organizations(server, email)) == 1

    open_menu(page, "user-menu")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert session_organizations(server, email) == []


def test_signup_refused_for_differing_passwords_and_a_taken_email(
    server: Server, new_context: NewContext
) -> None:
    taken = f"{unique('taken')}@accounts.test"
    create_account(server, taken, organizations={unique("Taken Co"): "owner"})
    fresh = f"{unique('fresh')}@accounts.test"
    company = unique("Never Made")
    page = new_context().new_page()
    page.goto("/accounts/signup/")
    field(page, "Your name").fill("Pat Mismatch")
    field(page, "Work email").fill(fresh)
    field(page, "Company name").fill(company)
    field(page, "Password").fill(PASSWORD)
    field(page, "Repeat password").fill(PASSWORD + "x")
    submit(page, "Sign up")
    expect_refusal(page)
    assert user_state(server, fresh) is None

    field(page, "Work email").fill(taken.upper())
    field(page, "Password").fill(PASSWORD)
    field(page, "Repeat password").fill(PASSWORD)
    submit(page, "Sign up")
    expect_refusal(page)
    assert organization_state(server, company) is None
    assert len(memberships(server, taken)) == 1


# --- passwords -------------------------------------------------------------------------------


def test_password_change_refused_then_accepted(server: Server, new_context: NewContext) -> None:
    email = f"{unique('change')}@accounts.test"
    create_account(server, email, organizations={unique("Change Co"): "owner"})
    page = signed_in(new_context, email)
    open_menu(page, "user-menu")
    page.get_by_role("link", name="Change password").click()
    new_password = PASSWORD[::-1] + "!9"
    field(page, "Old password").fill("wrong-" + PASSWORD)
    field(page, "New password").fill(new_password)
    field(page, "New password confirmation").fill(new_password)
    submit(page, "Continue")
    expect_refusal(page)
    assert user_state(server, email)["password_ok"] is True

    field(page, "Old password").fill(PASSWORD)
    field(page, "New password").fill(new_password)
    field(page, "New password confirmation").fill(new_password)
    submit(page, "Continue")
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    assert user_state(server, email, new_password)["password_ok"] is True


def test_password_reset_by_email(server: Server, new_context: NewContext) -> None:
    email = f"{unique('reset')}@accounts.test"
    create_account(server, email, organizations={unique("Reset Co"): "owner"})
    page = new_context().new_page()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    field(page, "Email").fill("not an address")
    submit(page, "Continue")
    expect_refusal(page)
    assert server.emails_to(email) == []

    field(page, "Email").fill(email)
    submit(page, "Continue")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    (mail,) = server.emails_to(email)
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message_text(mail))
    assert link, message_text(mail)

    page.goto(link[0])
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    new_password = "Reset-" + PASSWORD[::-1]
    field(page, "New password").fill(new_password)
    field(page, "New password confirmation").fill(new_password + "x")
    submit(page, "Continue")
    expect_refusal(page)
    assert user_state(server, email)["password_ok"] is True

    field(page, "New password").fill(new_password)
    field(page, "New password confirmation").fill(new_password)
    submit(page, "Continue")
    expect(page.get_by_role("heading", name="Password reset")).to_be_visible()
    assert user_state(server, email, new_password)["password_ok"] is True
    log_in(page, email, new_password)


# --- profile and organization ----------------------------------------------------------------


def test_profile_saved(server: Server, new_context: NewContext) -> None:
    email = f"{unique('profile')}@accounts.test"
    create_account(server, email, organizations={unique("Profile Co"): "owner"})
    page = signed_in(new_context, email)
    open_menu(page, "user-menu")
    page.get_by_role("link", name="Profile").click()
    field(page, "Full name").fill("Robin Renamed")
    submit(page, "Save")
    expect_message(page, "Your profile was saved.")
    assert user_state(server, email)["full_name"] == "Robin Renamed"


def test_organization_settings_delete_and_a_new_organization(
    server: Server, new_context: NewContext
) -> None:
    email = f"{unique('settings')}@accounts.test"
    name = unique("Settings Co")
    create_account(server, email, organizations={name: "owner"})
    page = signed_in(new_context, email)
    open_menu(page, "org-switcher")
    page.get_by_role("link", name="Organization settings").click()

    settings = page.locator("form", has=page.get_by_role("button", name="Save"))
    field(settings, "Name").fill("")
    field(settings, "Currency").select_option("EUR")
    submit(page, "Save")
    expect_refusal(page)
    assert organization_state(server, name)["currency"] == "USD"

    settings = page.locator("form", has=page.get_by_role("button", name="Save"))
    field(settings, "Name").fill(name)
    field(settings, "Currency").select_option("EUR")
    submit(page, "Save")
    expect_message(page, "Organization settings saved.")
    assert organization_state(server, name)["currency"] == "EUR"

    confirm = "Type the organization's name to confirm"
    field(page, confirm).fill(name + " typo")
    submit(page, "Delete for good")
    expect_refusal(page)
    assert organization_state(server, name) is not None

    field(page, confirm).fill(name)
    submit(page, "Delete for good")
    # Without an organization the user is asked to start one.
    expect(page.get_by_role("heading", name="Start a new organization")).to_be_visible()
    assert organization_state(server, name) is None
    assert memberships(server, email) == {}

    submit(page, "Create")
    expect_refusal(page)
    assert memberships(server, email) == {}

    second = unique("Second Start")
    field(page, "Company name").fill(second)
    submit(page, "Create")
    expect(page.get_by_role("heading", level=1)).to_have_text(second)
    assert memberships(server, email) == {second: "owner"}


def test_organization_switch_and_a_stale_menu(server: Server, new_context: NewContext) -> None:
    email = f"{unique('switch')}@accounts.test"
    home, other, gone = unique("Home Co"), unique("Other Co"), unique("Gone Co")
    create_account(server, email, organizations={home: "owner", other: "clerk", gone: "viewer"})
    page = signed_in(new_context, email)
    open_menu(page, "org-switcher")
    page.get_by_role("button", name=re.compile(f"^{other}")).click()
    expect_message(page, f"Switched to {other}.")
    assert session_organizations(server, email) == [organization_id(server, other)]

    # Removed from an organization while the menu still lists it: refused, nothing switched.
    open_menu(page, "org-switcher")
    run_json(
        server,
        f"""
from stockroom.accounts.models import Membership
Membership.objects.filter(user__email={email!r}, organization__name={gone!r}).delete()
print(1)
""",
    )
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name=re.compile(f"^{gone}")).click()
    assert answer.value.status == 404
    assert session_organizations(server, email) == [organization_id(server, other)]


# --- the team: roles, removal, invitations --------------------------------------------------


def member_row(page: Page, email: str):
    return page.locator("main tbody tr", has_text=email)


def test_member_role_change_and_removal(server: Server, new_context: NewContext) -> None:
    company = unique("Team Co")
    owner, clerk = f"{unique('owner')}@accounts.test", f"{unique('clerk')}@accounts.test"
    create_account(server, owner, organizations={company: "owner"})
    create_account(server, clerk, organizations={company: "clerk"})
    page = signed_in(new_context, owner)
    page.goto("/accounts/members/")

    # The only owner may not step down: refused, still owner.
    mine = member_row(page, owner)
    mine.get_by_label("Role").select_option(label="Manager")
    mine.get_by_role("button", name="Change").click()
    expect_refusal(page)
    assert memberships(server, owner) == {company: "owner"}

    theirs = member_row(page, clerk)
    theirs.get_by_label("Role").select_option(label="Manager")
    theirs.get_by_role("button", name="Change").click()
    expect_message(page, f"{clerk} is now Manager.")
    assert memberships(server, clerk) == {company: "manager"}

    # Nor leave: refused after the confirmation, still a member.
    page.once("dialog", lambda dialog: dialog.accept())
    member_row(page, owner).get_by_role("button", name="Leave").click()
    expect_refusal(page)
    assert memberships(server, owner) == {company: "owner"}

    page.once("dialog", lambda dialog: dialog.accept())
    member_row(page, clerk).get_by_role("button", name="Remove").click()
    expect_message(page, f"{clerk} was removed.")
    assert memberships(server, clerk) == {}


def test_invitation_create_and_revoke(server: Server, new_context: NewContext) -> None:
    company = unique("Invite Co")
    owner = f"{unique('inviter')}@accounts.test"
    invitee = f"{unique('invitee')}@accounts.test"
    create_account(server, owner, organizations={company: "owner"})
    page = signed_in(new_context, owner)
    page.goto("/accounts/members/")
    invite = page.locator("form", has=page.get_by_role("button", name="Send invitation"))
    field(invite, "Email").fill("invitee at example")
    invite.get_by_role("button", name="Send invitation").click()
    expect_refusal(page)
    assert organization_state(server, company)["invitations"] == []

    invite = page.locator("form", has=page.get_by_role("button", name="Send invitation"))
    field(invite, "Email").fill(invitee)
    invite.get_by_label(re.compile("^Role")).select_option(label="Viewer")
    invite.get_by_role("button", name="Send invitation").click()
    expect_message(page, f"Invitation sent to {invitee}.")
    assert organization_state(server, company)["invitations"] == [invitee]

    # A second tab still shows the invitation after the first revoked it.
    stale = page.context.new_page()
    stale.goto("/accounts/members/")
    pending = page.locator("main .list-group-item", has_text=invitee)
    pending.get_by_role("button", name="Revoke").click()
    expect_message(page, f"The invitation to {invitee} was revoked.")
    assert organization_state(server, company)["invitations"] == []

    with stale.expect_response(lambda response: response.request.method == "POST") as answer:
        stale.locator("main .list-group-item", has_text=invitee).get_by_role(
            "button", name="Revoke"
        ).click()
    assert answer.value.status == 404
    assert organization_state(server, company)["invitations"] == []


def invitation_link(server: Server, company: str, email: str, role: str = "clerk") -> str:
    return run_json(
        server,
        f"""
import json
from urllib.parse import urlsplit
from stockroom.accounts import services
from stockroom.accounts.models import Membership, Organization
organization = Organization.objects.get(name={company!r})
actor = Membership.objects.get(organization=organization, role="owner")
invitation = services.invitation_create(actor=actor, email={email!r}, role={role!r})
print(json.dumps(urlsplit(invitation.accept_url).path))
""",
    )


def test_invitation_accept_refused_then_accepted(server: Server, new_context: NewContext) -> None:
    company = unique("Join Co")
    owner = f"{unique('host')}@accounts.test"
    newcomer = f"{unique('newcomer')}@accounts.test"
    create_account(server, owner, organizations={company: "owner"})
    page = new_context().new_page()
    page.goto(invitation_link(server, company, newcomer))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {company}")
    field(page, "Your name").fill("Nia Newcomer")
    field(page, "Password").fill(PASSWORD)
    field(page, "Repeat password").fill(PASSWORD + "x")
    page.get_by_role("button", name="Create account and join").click()
    expect_refusal(page)
    assert user_state(server, newcomer) is None

    # Someone with an account already joins with one button.
    member = f"{unique('member')}@accounts.test"
    create_account(server, member, organizations={unique("Own Co"): "owner"})
    joiner = signed_in(new_context, member)
    joiner.goto(invitation_link(server, company, member, role="viewer"))
    joiner.get_by_role("button", name="Accept invitation").click()
    expect_message(joiner, f"You joined {company}.")
    assert memberships(server, member)[company] == "viewer"


# --- notifications and the getting-started checklist ----------------------------------------


def test_notification_marked_read(server: Server, new_context: NewContext) -> None:
    email = f"{unique('reader')}@accounts.test"
    company = unique("Inbox Co")
    create_account(server, email, organizations={company: "owner"})
    title = unique("Low stock on TEST")
    state = f"""
import json
from stockroom.accounts.models import Organization, User
from stockroom.alerts.models import Notification
from stockroom.core.tenancy import organization_scope
organization = Organization.objects.get(name={company!r})
with organization_scope(organization.pk):
    notification, _ = Notification.objects.get_or_create(
        organization=organization, recipient=User.objects.get(email={email!r}),
        dedupe_key={title!r}, defaults={{"kind": "low_stock", "title": {title!r}}},
    )
print(json.dumps(notification.read_at is not None))
"""
    assert run_json(server, state) is False
    page = signed_in(new_context, email)
    page.get_by_role("link", name="Notifications").click()
    row = page.locator("main").locator("li, .list-group-item, tr", has_text=title).last
    row.get_by_role("button", name="Mark read").click()
    expect_message(page, "1 notifications marked read.")
    assert run_json(server, state) is True


def test_getting_started_hidden_only_by_an_owner(server: Server, new_context: NewContext) -> None:
    email = f"{unique('starter')}@accounts.test"
    company = unique("Checklist Co")
    create_account(server, email, organizations={company: "owner"})
    page = signed_in(new_context, email)
    checklist = page.get_by_role("region", name="Getting started")
    expect(checklist).to_be_visible()
    # Made a manager by another owner while the dashboard is open: the button is refused.
    run_json(
        server,
        f"""
from stockroom.accounts.models import Membership
Membership.objects.filter(user__email={email!r}).update(role="manager")
print(1)
""",
    )
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        checklist.get_by_role("button", name="Hide this checklist").click()
    assert answer.value.status == 403
    assert organization_state(server, company)["dismissed"] is False
