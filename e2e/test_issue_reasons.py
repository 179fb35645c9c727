"""An issue's reason code as a clerk gives it, and the owner's demand setting: each submitted
through the pages, the result read back from the server's database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .catalog_helpers import click_button, db, expect_refused, expect_success, field, sign_in_owner
from .server import Server
from .test_consistency import choose_location, stocked_kilo_product
from .test_movement_forms import pick


@pytest.fixture
def owner_page(new_context: Callable[..., BrowserContext]) -> Page:
    return sign_in_owner(new_context)


def issues(server: Server, sku: str) -> list[list[str]]:
    return db(
        server,
        f"""
from stockroom.inventory.models import StockMovement
rows = StockMovement.objects.filter(product__sku={sku!r}, kind="issue").order_by("pk")
result = [[row.reason_code, f"{{row.quantity.normalize():f}}"] for row in rows]
""",
    )


def test_an_issue_needs_a_reason_code_and_keeps_it(server: Server, owner_page: Page) -> None:
    page = owner_page
    product = stocked_kilo_product(server, "10")
    page.goto("/inventory/movements/issue/")
    pick(page, product["sku"])
    choose_location(page, "From location", product["bin"])
    field(page, "Quantity").fill("3")
    click_button(page, "Issue")
    expect_refused(page, "Choose why the stock is issued.")
    assert issues(server, product["sku"]) == []

    field(page, "Reason code").select_option(label="Damage")
    click_button(page, "Issue")
    expect_success(page, "Issued 3")
    assert issues(server, product["sku"]) == [["damage", "3"]]

    # The ledger shows the reason and filters by it.
    page.goto(f"/inventory/movements/?q={product['sku']}")
    field(page, "Reason code").select_option(label="Damage")
    rows = page.locator("main table tbody tr", has_text=product["sku"])
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Damage")


def test_the_owner_counts_consumption_as_demand(server: Server, owner_page: Page) -> None:
    page = owner_page
    page.goto("/accounts/organization/settings/")
    checkbox = page.get_by_label("Count consumption as demand")
    # A refused save (no name) changes nothing.
    field(page, "Name").fill("")
    checkbox.check()
    click_button(page, "Save")
    expect_refused(page)
    assert db(server, "result = organization.demand_includes_consumption") is False

    page.goto("/accounts/organization/settings/")
    page.get_by_label("Count consumption as demand").check()
    click_button(page, "Save")
    expect_success(page, "Organization settings saved.")
    assert db(server, "result = organization.demand_includes_consumption") is True

    page.goto("/accounts/organization/settings/")
    page.get_by_label("Count consumption as demand").uncheck()
    click_button(page, "Save")
    expect_success(page, "Organization settings saved.")
    assert db(server, "result = organization.demand_includes_consumption") is False
