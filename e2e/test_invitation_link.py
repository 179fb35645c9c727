"""An owner without email set up invites a teammate and sends the link by chat: the Team page shows
the link once with "Copy link", the teammate opens the copied link in their own browser and joins,
and the membership is read back from the server's database."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from .conftest import DEMO_PASSWORD, field, log_in
from .server import DEMO_OWNER, Server

ORGANIZATION = "demo-trading"


def membership_role(server: Server, email: str) -> str | None:
    code = f"""
import json
from stockroom.accounts.models import Membership, Organization
from stockroom.core.tenancy import organization_scope
organization = Organization.objects.get(slug={ORGANIZATION!r})
with organization_scope(organization.pk):
    membership = Membership.objects.filter(user__email={email!r}).first()
print(json.dumps(membership.role if membership else None))
"""
    return json.loads(server.python(code))


def test_invitation_link_copied_once_and_accepted_elsewhere(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    email = f"chat-{uuid.uuid4().hex[:8]}@example.com"
    owner = new_context(permissions=["clipboard-read", "clipboard-write"]).new_page()
    log_in(owner, DEMO_OWNER, DEMO_PASSWORD)
    owner.goto("/accounts/members/")
    invite = owner.locator("form", has=owner.get_by_role("button", name="Send invitation"))
    field(invite, "Email").fill(email)
    invite.get_by_label(re.compile("^Role")).select_option(label="Clerk")
    invite.get_by_role("button", name="Send invitation").click()

    shown = owner.locator("#invitation-link")
    expect(shown).to_contain_text(email)
    owner.get_by_role("button", name="Copy link").click()
    expect(owner.get_by_role("button", name="Copied")).to_be_visible()
    link = owner.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(r"https?://[^/]+/accounts/invitations/[^/\s]+/", link), link
    assert link == field(owner, "Invitation link").input_value()

    # Shown once: the next load of the Team page no longer carries it.
    owner.reload()
    expect(owner.locator("main .list-group")).to_contain_text(email)
    expect(owner.locator("#invitation-link")).to_have_count(0)
    assert link.rsplit("/", 2)[1] not in owner.content()

    teammate = new_context().new_page()
    teammate.goto(link)
    expect(teammate.get_by_role("heading", level=1)).to_have_text(re.compile("^Join "))
    field(teammate, "Your name").fill("Chat Clerk")
    field(teammate, "Password").fill("Kettle-Harbour-93")
    field(teammate, "Repeat password").fill("Kettle-Harbour-93")
    teammate.get_by_role("button", name="Create account and join").click()
    expect(teammate.locator("main")).to_contain_text("You are signed in as Clerk.")
    assert membership_role(server, email) == "clerk"
