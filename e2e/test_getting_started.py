"""The first hour of a new organization: sign up, follow the getting-started checklist to create
a warehouse, see the step ticked; the empty lists say what to do next; the owner hides the
checklist. The database is read back from the server."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from .conftest import SCREENSHOTS, field
from .server import Server
from .test_pages import AXE_RUN

PASSWORD = secrets.token_urlsafe(18)


def organization_state(server: Server, name: str) -> dict:
    code = f"""
import json
from stockroom.accounts.models import Organization
from stockroom.core.tenancy import organization_scope
from stockroom.inventory.models import Warehouse
organization = Organization.objects.get(name={name!r})
with organization_scope(organization.pk):
    warehouses = list(Warehouse.objects.values_list("code", "name"))
print(json.dumps({{
    "warehouses": warehouses,
    "hidden": organization.getting_started_dismissed_at is not None,
}}))
"""
    return json.loads(server.python(code))


def step(page: Page, key: str):
    return page.locator(f"#step-{key}")


def screenshot(page: Page, name: str, axe_source: str) -> None:
    """Both widths: a screenshot, no sideways panning, no serious axe-core violation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.add_script_tag(content=axe_source)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{name} pans sideways at {width} px"
        serious = [
            violation
            for violation in page.evaluate(AXE_RUN)
            if violation["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{name} at {width} px: {serious}"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_new_organization_follows_its_checklist(
    server: Server, new_context: Callable[..., BrowserContext], axe_source: str
) -> None:
    run = secrets.token_hex(3)
    company = f"First Hour Roasters {run}"
    # CSP is bypassed only so that axe-core can be injected.
    page = new_context(bypass_csp=True).new_page()

    page.goto("/accounts/signup/")
    field(page, "Your name").fill("Fiona First")
    field(page, "Work email").fill(f"first-{run}@journey.test")
    field(page, "Company name").fill(company)
    field(page, "Password").fill(PASSWORD)
    field(page, "Repeat password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(company)

    # A new organization: the checklist, nothing ticked, and no empty charts.
    checklist = page.get_by_role("region", name="Getting started")
    expect(checklist).to_be_visible()
    expect(checklist).to_contain_text("0 of 6 done")
    expect(step(page, "warehouse")).to_have_attribute("data-done", "false")
    expect(page.locator("#charts-placeholder")).to_be_visible()
    expect(page.locator("#chart-stock-value")).to_have_count(0)
    screenshot(page, "getting-started", axe_source)

    # The empty warehouse list says what to do; its action is the same form.
    page.goto("/inventory/warehouses/")
    expect(page.locator("[data-empty-state=empty]")).to_contain_text("No warehouses yet.")
    page.goto("/inventory/warehouses/?q=nothing")
    filtered = page.locator("[data-empty-state=filtered]")
    expect(filtered).to_contain_text("Nothing matches these filters.")
    filtered.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/inventory/warehouses/$"))

    # Create the warehouse from the checklist's link.
    page.goto("/")
    checklist.get_by_role("link", name="Add a warehouse").click()
    expect(page).to_have_url(re.compile(r"/inventory/warehouses/new/$"))
    field(page, "Code").fill("ROAST")
    field(page, "Name").fill("Roastery")
    page.locator("main").get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Roastery")
    assert organization_state(server, company)["warehouses"] == [["ROAST", "Roastery"]]

    page.goto("/")
    expect(step(page, "warehouse")).to_have_attribute("data-done", "true")
    expect(step(page, "locations")).to_have_attribute("data-done", "false")
    expect(checklist).to_contain_text("1 of 6 done")

    # The empty product list offers both ways in.
    page.goto("/catalog/products/")
    empty = page.locator("[data-empty-state=empty]")
    screenshot(page, "empty-products", axe_source)
    expect(empty.get_by_role("link", name="New product")).to_be_visible()
    empty.get_by_role("link", name="Import products").click()
    expect(page).to_have_url(re.compile(r"/imports/new/\?kind=products$"))

    # The owner hides the checklist for the organization.
    page.goto("/")
    checklist.get_by_role("button", name="Hide this checklist").click()
    expect(page.get_by_role("region", name="Getting started")).to_have_count(0)
    assert organization_state(server, company)["hidden"] is True
