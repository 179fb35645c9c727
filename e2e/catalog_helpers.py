"""Shared by the catalog, inventory, imports/exports and labels/scan browser tests: a signed-in
page, reading the server's database as JSON, and the small gestures the forms need."""

from __future__ import annotations

import json
import re
import secrets
import textwrap
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Locator, Page, expect

from .conftest import DEMO_PASSWORD, field, log_in
from .server import DEMO_OWNER, Server

ORGANIZATION = "demo-trading"
ERROR_SUMMARY = "[data-error-summary]"


def db(server: Server, body: str) -> Any:
    """Run `body` (ORM code that assigns `result`) in the demo organization's scope on the
    server's database and return `result`, through JSON."""
    code = f"""
import json
from stockroom.accounts.models import Organization
from stockroom.core.tenancy import organization_scope
organization = Organization.objects.get(slug={ORGANIZATION!r})
with organization_scope(organization.pk):
{textwrap.indent(textwrap.dedent(body).strip(), "    ")}
print(json.dumps(result, default=str))
"""
    return json.loads(server.python(code))


def suffix() -> str:
    """Unique per test run: tests share one server and may run in any order."""
    return secrets.token_hex(3).upper()


def sign_in_owner(new_context: Callable[..., BrowserContext]) -> Page:
    """A page of a new session signed in as the demo owner (each test module's `owner_page`
    fixture: a fixture imported from here would be shadowed by its own parameter name)."""
    page = new_context().new_page()
    log_in(page, DEMO_OWNER, DEMO_PASSWORD)
    # Destructive buttons ask window.confirm first (data-confirm): a person says yes.
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def main(page: Page) -> Locator:
    return page.locator("main")


def click_button(page: Page, name: str) -> None:
    main(page).get_by_role("button", name=name, exact=True).click()


def choose(select: Locator, text: str) -> None:
    """Pick the option of `select` whose text contains `text`."""
    option = select.locator("option", has_text=text).first
    expect(option).to_be_attached()
    select.select_option(value=option.get_attribute("value"))


def expect_success(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator(".alert-success, .messages .alert").filter(has_text=text)).to_be_visible()


def expect_refused(page: Page, text: str | re.Pattern[str] | None = None) -> None:
    """The page shows the refusal: the error summary, a field's error or an alert."""
    errors = page.locator(f"{ERROR_SUMMARY}, .invalid-feedback, .alert-danger, .errorlist")
    if text is None:
        expect(errors.first).to_be_visible()
    else:
        expect(errors.filter(has_text=text).first).to_be_visible()


__all__ = [
    "ERROR_SUMMARY",
    "ORGANIZATION",
    "choose",
    "click_button",
    "db",
    "expect_refused",
    "expect_success",
    "field",
    "main",
    "sign_in_owner",
    "suffix",
]
