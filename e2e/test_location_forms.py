"""Bins in fewer round trips, as a manager lays out a warehouse: a range of bins typed into the
range form (refused when codes are taken, then created), and single bins one after another with
"Save and add another". Each step is read back from the server's database."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import DEMO_PASSWORD, SCREENSHOTS, field, log_in
from .server import DEMO_OWNER, Server

ORGANIZATION = "demo-trading"
PHONE = {"width": 390, "height": 844}


def locations(server: Server, warehouse: str, prefix: str) -> dict[str, list]:
    """{code: [name, parent code]} of the warehouse's locations whose code starts with prefix."""
    code = f"""
import json
from stockroom.accounts.models import Organization
from stockroom.core.tenancy import organization_scope
from stockroom.inventory.models import Location
organization = Organization.objects.get(slug={ORGANIZATION!r})
with organization_scope(organization.pk):
    rows = Location.objects.filter(
        warehouse__code={warehouse!r}, code__startswith={prefix!r}
    ).select_related("parent")
    print(json.dumps({{row.code: [row.name, row.parent.code if row.parent else None]
                      for row in rows}}))
"""
    return json.loads(server.python(code))


def choose(select, text: str) -> None:
    option = select.locator("option", has_text=text).first
    expect(option).to_be_attached()
    select.select_option(value=option.get_attribute("value"))


def choose_warehouse(page: Page, code: str, fields: str) -> None:
    # The warehouse redraws the fields (htmx) with its locations as parents: wait for that.
    with page.expect_response(lambda response: response.request.method == "GET"):
        choose(field(page, "Warehouse"), code)
    expect(page.locator(fields).get_by_text("Choose the warehouse first.")).to_have_count(0)


@pytest.fixture
def manager_page(new_context: Callable[..., BrowserContext]) -> Page:
    page = new_context().new_page()
    log_in(page, DEMO_OWNER, DEMO_PASSWORD)
    return page


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_range_of_bins_refused_then_created(server: Server, manager_page: Page) -> None:
    page = manager_page
    page.goto("/inventory/locations/")
    page.get_by_role("link", name="Range of locations").click()
    expect(page.get_by_role("heading", name="New locations in a range")).to_be_visible()

    choose_warehouse(page, "NORTH", "#range-fields")
    choose(field(page, "Parent location"), "NORTH/C")
    field(page, "Code prefix").press_sequentially("c-")
    field(page, "From").fill("1")
    field(page, "To").press_sequentially("12")
    field(page, "Digits").fill("2")
    field(page, "Name prefix").press_sequentially("Bay")
    preview = page.locator("#range-preview")
    expect(preview).to_have_text("Creates 12 locations: C-01 … C-12.")

    # C-01 ... C-06 already exist in NORTH: refused by name, nothing written.
    page.get_by_role("button", name="Create locations").click()
    error = page.locator(".invalid-feedback", has_text="already has these codes")
    expect(error).to_have_text(
        "This warehouse already has these codes: C-01, C-02, C-03, C-04, C-05, C-06. "
        "Nothing was created."
    )
    assert sorted(locations(server, "NORTH", "C-")) == [f"C-{n:02d}" for n in range(1, 7)]

    field(page, "From").fill("7")
    field(page, "To").fill("18")
    expect(preview).to_have_text("Creates 12 locations: C-07 … C-18.")
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "location-range-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=SCREENSHOTS / "location-range.png", full_page=True)
    page.get_by_role("button", name="Create locations").click()

    expect(page.get_by_text("12 locations created: NORTH/C-07 to NORTH/C-18.")).to_be_visible()
    created = locations(server, "NORTH", "C-")
    assert sorted(created) == [f"C-{n:02d}" for n in range(1, 19)]
    assert created["C-07"] == ["Bay 07", "C"]
    assert created["C-18"] == ["Bay 18", "C"]


def test_save_and_add_another_keeps_the_place(server: Server, manager_page: Page) -> None:
    page = manager_page
    page.goto("/inventory/locations/new/")
    choose_warehouse(page, "MAIN", "#location-fields")
    choose(field(page, "Parent location"), "MAIN/B-01")
    field(page, "Code").press_sequentially("b-01-a")
    field(page, "Name").press_sequentially("Top shelf")
    page.get_by_role("button", name="Save and add another").click()

    expect(page.get_by_text("Location MAIN/B-01-A created.")).to_be_visible()
    expect(page.get_by_role("heading", name="New location")).to_be_visible()
    expect(field(page, "Code")).to_have_value("")
    warehouse = field(page, "Warehouse")
    expect(warehouse.locator("option:checked")).to_contain_text("MAIN")
    expect(field(page, "Parent location").locator("option:checked")).to_have_text(
        re.compile(r"^MAIN/B-01( ·.*)?$")
    )

    # An invalid one keeps the user on the form with the field named.
    page.get_by_role("button", name="Save and add another").click()
    expect(page.locator(".invalid-feedback").first).to_have_text("This field is required.")

    field(page, "Code").press_sequentially("b-01-b")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("B-01-B")

    assert locations(server, "MAIN", "B-01-") == {
        "B-01-A": ["Top shelf", "B-01"],
        "B-01-B": ["", "B-01"],
    }
