"""Accounts made and read in the server's own database, so each browser test has its own people
and organizations and never depends on another test's changes."""

from __future__ import annotations

import json
import secrets
from typing import Any

from .server import Server

# Random and long: Django's similarity validator refuses passwords resembling the address.
PASSWORD = secrets.token_urlsafe(18)


def run_json(server: Server, code: str) -> Any:
    """Run `code` in the server's Django; it prints one JSON value, returned decoded."""
    return json.loads(server.python(code))


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def create_account(
    server: Server,
    email: str,
    *,
    organizations: dict[str, str] | None = None,
    password: str = PASSWORD,
    full_name: str = "",
) -> None:
    """A user with `password`, member of each organization named (created when missing, the
    user its first owner) with the role given: {"Org name": "owner" | "manager" | ...}."""
    code = f"""
import json
from stockroom.accounts import services
from stockroom.accounts.models import Membership, Organization
user = services.user_create(email={email!r}, password={password!r}, full_name={full_name!r})
for name, role in {organizations or {}!r}.items():
    organization = Organization.objects.filter(name=name).first()
    if organization is None:
        membership = services.organization_create(name=name, owner=user)
        membership.role = role
        membership.save(update_fields=["role"])
    else:
        Membership.objects.create(user=user, organization=organization, role=role)
print(json.dumps(user.pk))
"""
    run_json(server, code)


def memberships(server: Server, email: str) -> dict[str, str]:
    """Organization name → role of the user with `email`."""
    return run_json(
        server,
        f"""
import json
from stockroom.accounts.models import Membership
print(json.dumps(dict(
    Membership.objects.filter(user__email={email!r}).values_list("organization__name", "role")
)))
""",
    )


def user_state(server: Server, email: str, password: str = PASSWORD) -> dict | None:
    """Name, language and whether `password` is the user's password; None when no such user."""
    return run_json(
        server,
        f"""
import json
from stockroom.accounts.models import User
user = User.objects.filter(email={email!r}).first()
print(json.dumps(user and {{
    "full_name": user.full_name,
    "language": user.language,
    "password_ok": user.check_password({password!r}),
}}))
""",
    )


def organization_state(server: Server, name: str) -> dict | None:
    """Name, time zone, currency and pending invitations of the organization, None if gone."""
    return run_json(
        server,
        f"""
import json
from stockroom.accounts.models import Invitation, Organization
organization = Organization.objects.filter(name={name!r}).first()
print(json.dumps(organization and {{
    "time_zone": str(organization.time_zone),
    "currency": organization.currency,
    "dismissed": organization.getting_started_dismissed_at is not None,
    "invitations": sorted(
        Invitation.objects.filter(organization=organization, accepted_at=None, revoked_at=None)
        .values_list("email", flat=True)
    ),
}}))
""",
    )
