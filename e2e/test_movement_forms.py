"""The four movement forms as a clerk uses them: opened from the menu, the Movements page and the
Stock levels page, the product typed and picked (once with the keyboard only), the movement
posted, and the stock and ledger read back from the server's database."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import DEMO_PASSWORD, field, log_in
from .navigation import expand_navigation
from .server import DEMO_OWNER, Server

ORGANIZATION = "demo-trading"


def stock(server: Server, sku: str) -> dict[str, Decimal]:
    """Quantity per location code of `sku`, and the number of its ledger rows."""
    code = f"""
import json
from stockroom.accounts.models import Organization
from stockroom.catalog.models import Product
from stockroom.core.tenancy import organization_scope
from stockroom.inventory.models import StockLevel, StockMovement
organization = Organization.objects.get(slug={ORGANIZATION!r})
with organization_scope(organization.pk):
    product = Product.objects.get(sku={sku!r})
    levels = {{
        f"{{level.location.warehouse.code}}/{{level.location.code}}": str(level.on_hand)
        for level in StockLevel.objects.filter(product=product).select_related(
            "location__warehouse"
        )
    }}
    levels["ledger"] = str(StockMovement.objects.filter(product=product).count())
print(json.dumps(levels))
"""
    return {key: Decimal(value) for key, value in json.loads(server.python(code)).items()}


def open_from_menu(page: Page, item: str) -> None:
    page.goto("/")
    expand_navigation(page)
    page.get_by_role("button", name="Inventory").click()
    page.get_by_role("link", name=item, exact=True).click()


def pick(page: Page, sku: str, *, keyboard: bool = False) -> None:
    search = page.get_by_role("combobox", name=re.compile("^Product"))
    search.click()
    search.press_sequentially(sku, delay=20)
    option = page.get_by_role("option", name=re.compile(re.escape(sku)))
    expect(option.first).to_be_visible()
    # Choosing redraws the form's fields for the product (its lots, its unit): wait for that
    # response, or a location chosen meanwhile would be drawn over.
    with page.expect_response(
        lambda response: response.request.method == "GET" and "/movements/" in response.url
    ):
        if keyboard:
            search.press("ArrowDown")
            search.press("Enter")
        else:
            option.first.click()
    expect(page.locator("#id_product")).not_to_have_value("")
    expect(search).to_have_value(re.compile(re.escape(sku)))


def choose_location(page: Page, label: str, bin_code: str) -> None:
    select = field(page, label)
    value = select.locator("option", has_text=bin_code).first.get_attribute("value")
    select.select_option(value=value)


@pytest.fixture
def clerk_page(new_context: Callable[..., BrowserContext]) -> Page:
    page = new_context().new_page()
    log_in(page, DEMO_OWNER, DEMO_PASSWORD)
    return page


def test_receipt_from_the_menu_typed_and_picked(server: Server, clerk_page: Page) -> None:
    page = clerk_page
    before = stock(server, "TL-HAM-16")
    open_from_menu(page, "Receipt")
    expect(page.get_by_role("heading", name="Receive stock")).to_be_visible()
    pick(page, "TL-HAM-16")
    choose_location(page, "Into location", "C-06")
    field(page, "Quantity").fill("7")
    field(page, "Unit cost").fill("9.50")
    page.locator("main").get_by_role("button", name="Receive").click()
    expect(page.locator(".alert, .messages").first).to_be_visible()
    after = stock(server, "TL-HAM-16")
    assert after.get("MAIN/C-06", Decimal(0)) - before.get("MAIN/C-06", Decimal(0)) == 7
    assert after["ledger"] == before["ledger"] + 1


def test_issue_from_the_movements_page(server: Server, clerk_page: Page) -> None:
    page = clerk_page
    before = stock(server, "TL-HAM-16")
    source = next(code for code, quantity in before.items() if code != "ledger" and quantity >= 1)
    page.goto("/inventory/movements/")
    page.locator("main").get_by_role("link", name="Issue", exact=True).click()
    pick(page, "TL-HAM-16")
    choose_location(page, "From location", source)
    field(page, "Quantity").fill("1")
    field(page, "Reason code").select_option(label="Consumption")
    page.locator("main").get_by_role("button", name="Issue").click()
    expect(page.locator(".alert, .messages").first).to_be_visible()
    after = stock(server, "TL-HAM-16")
    assert before[source] - after.get(source, Decimal(0)) == 1
    assert after["ledger"] == before["ledger"] + 1


def test_transfer_from_the_menu_with_the_keyboard_only(server: Server, clerk_page: Page) -> None:
    page = clerk_page
    before = stock(server, "TL-TAPE-5")
    source = next(code for code, quantity in before.items() if code != "ledger" and quantity >= 2)
    target = "NORTH/C-06" if source != "NORTH/C-06" else "MAIN/C-05"
    open_from_menu(page, "Transfer")
    pick(page, "TL-TAPE-5", keyboard=True)
    page.keyboard.press("Tab")  # on to the next field with the keyboard, as a clerk would
    choose_location(page, "From location", source)
    choose_location(page, "To location", target)
    field(page, "Quantity").fill("2")
    field(page, "Quantity").press("Enter")
    expect(page.locator(".alert, .messages").first).to_be_visible()
    after = stock(server, "TL-TAPE-5")
    assert before[source] - after.get(source, Decimal(0)) == 2
    assert after[target] - before.get(target, Decimal(0)) == 2
    assert after["ledger"] == before["ledger"] + 1  # one transfer row: from and to


def test_adjustment_from_stock_levels_and_its_errors(server: Server, clerk_page: Page) -> None:
    page = clerk_page
    before = stock(server, "OF-NTB-A5")
    open_from_menu(page, "Stock levels")
    page.locator("main").get_by_role("link", name=re.compile("^Adjust")).first.click()
    pick(page, "OF-NTB-A5")
    choose_location(page, "Location", "B-02")
    field(page, "Quantity change").fill("-3")
    # No reason: refused, the field named, nothing written.
    page.locator("main").get_by_role("button", name="Adjust").click()
    expect(page.locator(".invalid-feedback, .errorlist").first).to_be_visible()
    assert stock(server, "OF-NTB-A5") == before
    field(page, "Reason").fill("Damaged in the aisle")
    field(page, "Quantity change").fill("4")
    page.locator("main").get_by_role("button", name="Adjust").click()
    expect(page.locator(".alert, .messages").first).to_be_visible()
    after = stock(server, "OF-NTB-A5")
    assert after.get("MAIN/B-02", Decimal(0)) - before.get("MAIN/B-02", Decimal(0)) == 4
    assert after["ledger"] == before["ledger"] + 1
