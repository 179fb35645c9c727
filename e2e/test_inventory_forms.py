"""Warehouses and bins as a manager lays them out, and the movement forms' refusals as a clerk
meets them: each form accepted and refused through the pages, the result read back from the
server's database; a refusal writes nothing (the accepted movements are in
test_movement_forms.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .catalog_helpers import (
    choose,
    click_button,
    db,
    expect_refused,
    expect_success,
    field,
    main,
    sign_in_owner,
    suffix,
)
from .server import Server
from .test_movement_forms import choose_location, pick, stock


@pytest.fixture
def owner_page(new_context: Callable[..., BrowserContext]) -> Page:
    return sign_in_owner(new_context)


def warehouse(server: Server, code: str) -> dict | None:
    return db(
        server,
        f"""
from stockroom.inventory.models import Warehouse
row = Warehouse.objects.filter(code={code!r}).first()
result = row and {{"pk": row.pk, "name": row.name, "address": row.address,
                   "is_active": row.is_active, "locations": row.locations.count()}}
""",
    )


def test_warehouse_create_edit_delete_and_refusals(server: Server, owner_page: Page) -> None:
    page, tag = owner_page, suffix()
    code = f"W{tag}"
    main_before = warehouse(server, "MAIN")
    page.goto("/inventory/warehouses/")
    main(page).get_by_role("link", name="New warehouse").click()

    # The code of an existing warehouse, in lower case: refused, nothing written.
    field(page, "Code").press_sequentially("main")
    field(page, "Name").press_sequentially(f"Second main {tag}")
    click_button(page, "Save")
    expect_refused(page)
    assert warehouse(server, "MAIN") == main_before
    assert (
        db(
            server,
            f"""
from stockroom.inventory.models import Warehouse
result = Warehouse.objects.filter(name="Second main {tag}").count()
""",
        )
        == 0
    )

    field(page, "Code").fill(code.lower())
    field(page, "Name").fill(f"Overflow {tag}")
    field(page, "Address").fill("1 Yard Street")
    click_button(page, "Save")
    expect_success(page, f"Warehouse {code} created.")
    created = warehouse(server, code)
    assert (created["name"], created["address"], created["is_active"]) == (
        f"Overflow {tag}",
        "1 Yard Street",
        True,
    )

    # Edit: an emptied name is refused and kept; then renamed and deactivated.
    main(page).get_by_role("link", name="Edit").click()
    field(page, "Name").fill("")
    click_button(page, "Save")
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert warehouse(server, code) == created
    field(page, "Name").fill(f"Overflow yard {tag}")
    page.get_by_label("Active").uncheck()
    click_button(page, "Save")
    expect_success(page, f"Warehouse {code} saved.")
    assert warehouse(server, code) == {
        **created,
        "name": f"Overflow yard {tag}",
        "is_active": False,
    }

    # Delete: MAIN has held stock and is refused; the new, empty one goes.
    page.goto(f"/inventory/warehouses/{main_before['pk']}/")
    main(page).get_by_role("link", name="Delete").click()
    click_button(page, "Delete")
    expect_refused(page, "has held stock")
    assert warehouse(server, "MAIN") == main_before

    page.goto(f"/inventory/warehouses/{created['pk']}/")
    main(page).get_by_role("link", name="Delete").click()
    click_button(page, "Delete")
    expect_success(page, f"Warehouse {code} deleted.")
    assert warehouse(server, code) is None


def location(server: Server, warehouse_code: str, code: str) -> dict | None:
    return db(
        server,
        f"""
from stockroom.inventory.models import Location
row = Location.objects.filter(warehouse__code={warehouse_code!r}, code={code!r}).first()
result = row and {{"pk": row.pk, "name": row.name, "is_active": row.is_active,
                   "parent": row.parent.code if row.parent else None}}
""",
    )


def location_with_stock(server: Server) -> dict:
    return db(
        server,
        """
from stockroom.inventory.models import StockLevel
level = StockLevel.objects.filter(on_hand__gt=0, location__children=None).select_related(
    "location__warehouse"
).first()
result = {"warehouse": level.location.warehouse.code, "code": level.location.code,
          "pk": level.location_id}
""",
    )


def choose_warehouse(page: Page, code: str) -> None:
    # The warehouse redraws the fields (htmx) with its locations as parents: wait for that.
    with page.expect_response(lambda response: response.request.method == "GET"):
        choose(field(page, "Warehouse"), code)
    expect(page.get_by_text("Choose the warehouse first.")).to_have_count(0)


def test_location_create_edit_delete_and_refusals(server: Server, owner_page: Page) -> None:
    page, tag = owner_page, suffix()
    code = f"Z-{tag}"
    taken = location(server, "MAIN", "C-01")
    page.goto("/inventory/locations/")
    main(page).get_by_role("link", name="New location").click()

    # A code the warehouse already has: refused, the existing bin untouched.
    choose_warehouse(page, "MAIN")
    field(page, "Code").press_sequentially("c-01")
    field(page, "Name").press_sequentially(f"Duplicate {tag}")
    click_button(page, "Save")
    expect_refused(page)
    assert location(server, "MAIN", "C-01") == taken

    field(page, "Code").fill(code.lower())
    field(page, "Name").fill(f"Staging {tag}")
    click_button(page, "Save")
    expect_success(page, f"Location MAIN/{code} created.")
    created = location(server, "MAIN", code)
    assert (created["name"], created["parent"], created["is_active"]) == (
        f"Staging {tag}",
        None,
        True,
    )

    # Edit: an emptied code is refused and kept; then renamed under aisle A.
    page.goto(f"/inventory/locations/{created['pk']}/")
    main(page).get_by_role("link", name="Edit").click()
    field(page, "Code").fill("")
    click_button(page, "Save")
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert location(server, "MAIN", code) == created
    field(page, "Code").fill(code)
    field(page, "Name").fill(f"Staging lane {tag}")
    choose(field(page, "Parent location"), "MAIN/A")
    click_button(page, "Save")
    expect_success(page, f"Location MAIN/{code} saved.")
    assert location(server, "MAIN", code) == {
        **created,
        "name": f"Staging lane {tag}",
        "parent": "A",
    }

    # Delete: a bin that holds stock is refused; the new, empty one goes.
    busy = location_with_stock(server)
    before = location(server, busy["warehouse"], busy["code"])
    page.goto(f"/inventory/locations/{busy['pk']}/")
    main(page).get_by_role("link", name="Delete").click()
    click_button(page, "Delete")
    expect_refused(page, "has held stock")
    assert location(server, busy["warehouse"], busy["code"]) == before

    page.goto(f"/inventory/locations/{created['pk']}/")
    main(page).get_by_role("link", name="Delete").click()
    click_button(page, "Delete")
    expect_success(page, f"Location MAIN/{code} deleted.")
    assert location(server, "MAIN", code) is None


def test_receipt_of_zero_is_refused(server: Server, owner_page: Page) -> None:
    page = owner_page
    before = stock(server, "TL-LVL-60")
    page.goto("/inventory/movements/receive/")
    pick(page, "TL-LVL-60")
    choose_location(page, "Into location", "A-03")
    field(page, "Quantity").fill("0")
    click_button(page, "Receive")
    expect_refused(page, "Enter a quantity greater than zero.")
    assert stock(server, "TL-LVL-60") == before


def test_issue_of_more_than_on_hand_is_refused(server: Server, owner_page: Page) -> None:
    page = owner_page
    before = stock(server, "TL-PLR-8")
    source, on_hand = next(
        (code, quantity) for code, quantity in before.items() if code != "ledger" and quantity > 0
    )
    page.goto("/inventory/movements/issue/")
    pick(page, "TL-PLR-8")
    choose_location(page, "From location", source)
    field(page, "Quantity").fill(str(on_hand + 1000))
    field(page, "Reason code").select_option(label="Scrap")
    click_button(page, "Issue")
    expect_refused(page, "Not enough stock available")
    assert stock(server, "TL-PLR-8") == before


def test_transfer_to_the_same_location_is_refused(server: Server, owner_page: Page) -> None:
    page = owner_page
    before = stock(server, "EL-TORCH")
    source = next(
        code for code, quantity in before.items() if code != "ledger" and quantity >= Decimal(1)
    )
    page.goto("/inventory/movements/transfer/")
    pick(page, "EL-TORCH")
    choose_location(page, "From location", source)
    choose_location(page, "To location", source)
    field(page, "Quantity").fill("1")
    click_button(page, "Transfer")
    expect_refused(page, "Choose a location other than the source.")
    assert stock(server, "EL-TORCH") == before
