"""Shared by the order, count, reorder and live-update browser tests: signing in, picking in
the order forms, and reading documents, stock and the ledger back from the server's database.

Each test makes its own products (a per-test SKU suffix) so that tests may run in any order
beside the others on the one shared server; setup goes through the services, as the pages would.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from playwright.sync_api import BrowserContext, Locator, Page, expect

from .conftest import DEMO_PASSWORD, log_in
from .server import Server

ORGANIZATION = "demo-trading"
OWNER = "owner@demo.stockroom.dev"
MANAGER = "manager@demo.stockroom.dev"
CLERK = "clerk@demo.stockroom.dev"
VIEWER = "viewer@demo.stockroom.dev"

PRELUDE = """
import json
from decimal import Decimal
from stockroom.accounts.models import Organization, User
from stockroom.core.tenancy import organization_scope
organization = Organization.objects.get(slug={slug!r})
with organization_scope(organization.pk):
"""


def in_organization(server: Server, body: str) -> Any:
    """Run `body` inside the demo organization's scope; it prints one JSON value, returned."""
    indented = "".join(f"    {line}\n" for line in body.strip().splitlines())
    output = server.python(PRELUDE.format(slug=ORGANIZATION) + indented)
    return json.loads(output.strip().splitlines()[-1])


def suffix() -> str:
    return secrets.token_hex(3).upper()


def signed_in(new_context: Callable[..., BrowserContext], email: str = OWNER) -> Page:
    page = new_context().new_page()
    log_in(page, email, DEMO_PASSWORD)
    return page


def make_product(
    server: Server,
    sku: str,
    *,
    lot_tracked: bool = False,
    reorder_point: str = "0",
    reorder_quantity: str = "0",
    supplier: str = "",
    stock: tuple[tuple[str, str, str], ...] = (),
) -> int:
    """A product (cost 2.50, sale 5.00), optionally with a preferred supplier and stock received
    per (warehouse code, location code, quantity); returns its primary key."""
    receipts = ", ".join(f"({w!r}, {loc!r}, {q!r})" for w, loc, q in stock)
    body = f"""
from stockroom.catalog import services as catalog
from stockroom.catalog.models import Supplier
from stockroom.inventory.models import Location
from stockroom.inventory.services import stock_receive
product = catalog.product_create(
    organization=organization, sku={sku!r}, name="E2E " + {sku!r},
    cost_price=Decimal("2.50"), sale_price=Decimal("5.00"),
    reorder_point=Decimal({reorder_point!r}), reorder_quantity=Decimal({reorder_quantity!r}),
    is_lot_tracked={lot_tracked!r},
)
if {supplier!r}:
    catalog.product_supplier_set(
        organization=organization, product=product,
        supplier=Supplier.objects.get(name={supplier!r}), price=Decimal("2.40"),
        lead_time_days=5, is_preferred=True,
    )
for warehouse, code, quantity in [{receipts}]:
    location = Location.objects.get(warehouse__code=warehouse, code=code)
    stock_receive(
        organization=organization, product=product, location=location,
        quantity=Decimal(quantity), unit_cost=Decimal("2.50"),
        lot_number="SEED-1" if product.is_lot_tracked else "",
    )
print(json.dumps(product.pk))
"""
    return in_organization(server, body)


def make_location(server: Server, code: str, warehouse: str = "MAIN") -> str:
    """A new location of `warehouse`, only this test's; returns its label (MAIN/CODE)."""
    in_organization(
        server,
        f"""
from stockroom.inventory.models import Warehouse
from stockroom.inventory.services import location_create
location = location_create(
    organization=organization, warehouse=Warehouse.objects.get(code={warehouse!r}),
    code={code!r}, name="E2E bin",
)
print(json.dumps(location.pk))
""",
    )
    return f"{warehouse}/{code}"


def stock(server: Server, sku: str) -> dict[str, dict[str, Decimal]]:
    """Per 'WAREHOUSE/LOCATION[/lot]': on hand and reserved of `sku`."""
    rows = in_organization(
        server,
        f"""
from stockroom.inventory.models import StockLevel
levels = StockLevel.objects.filter(product__sku={sku!r}).select_related(
    "location__warehouse", "lot"
)
print(json.dumps({{
    "/".join(filter(None, [
        level.location.warehouse.code, level.location.code,
        level.lot.lot_number if level.lot else "",
    ])): [str(level.on_hand), str(level.reserved)]
    for level in levels
}}))
""",
    )
    return {
        key: {"on_hand": Decimal(on_hand), "reserved": Decimal(reserved)}
        for key, (on_hand, reserved) in rows.items()
    }


def on_hand(server: Server, sku: str) -> dict[str, Decimal]:
    """Only the non-zero on-hand quantities per place (and lot) of `sku`."""
    return {key: row["on_hand"] for key, row in stock(server, sku).items() if row["on_hand"]}


def ledger(server: Server, sku: str) -> list[dict[str, str]]:
    """Every stock movement of `sku`, oldest first: kind, quantity, from, to, lot, reference."""
    return in_organization(
        server,
        f"""
from stockroom.inventory.models import StockMovement
movements = StockMovement.objects.filter(product__sku={sku!r}).select_related(
    "from_location", "to_location", "lot"
).order_by("pk")
print(json.dumps([
    {{
        "kind": movement.kind,
        "quantity": format(movement.quantity.normalize(), "f"),
        "from": movement.from_location.code if movement.from_location else "",
        "to": movement.to_location.code if movement.to_location else "",
        "lot": movement.lot.lot_number if movement.lot else "",
        "expiry": str(movement.lot.expiry_date or "") if movement.lot else "",
        "reference": movement.reference,
    }}
    for movement in movements
]))
""",
    )


def order_number(page: Page) -> str:
    """The number of the order or count whose page is open (PO-00012, SO-00003, SC-00004)."""
    return page.locator("main h1 .font-monospace").first.inner_text().strip()


def choose(select: Locator, text: str) -> None:
    """Pick the option of a <select> whose label contains `text`."""
    option = select.locator("option", has_text=text).first
    expect(option).to_be_attached()
    select.select_option(value=option.get_attribute("value"))


def pick_product(row: Locator, sku: str) -> None:
    """Type the SKU into a line's product picker and click its option."""
    picker = row.locator("[data-product-picker]")
    search = picker.get_by_role("combobox")
    search.click()
    search.press_sequentially(sku, delay=20)
    option = picker.get_by_role("option", name=re.compile(re.escape(sku)))
    expect(option.first).to_be_visible()
    option.first.click()
    expect(picker.locator("[data-picker-value]")).not_to_have_value("")


def fill_line(page: Page, index: int, sku: str, quantity: str, price: str) -> None:
    """Fill order line `index` (adding a row with "Add line" when the form has too few)."""
    rows = page.locator("#lines-body tr.order-line")
    if rows.count() <= index:
        page.get_by_role("button", name="Add line").click()
        expect(rows).to_have_count(index + 1)
    row = rows.nth(index)
    pick_product(row, sku)
    row.get_by_label(re.compile("^Quantity")).fill(quantity)
    row.get_by_label(re.compile("^Unit price")).fill(price)


def save(page: Page) -> None:
    page.locator("main").get_by_role("button", name="Save", exact=True).click()


def click_confirmed(page: Page, name: str) -> None:
    """Click a button whose form asks "are you sure?" first, and accept."""
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("main").get_by_role("button", name=name).click()


def expect_message(page: Page, text: str | re.Pattern) -> None:
    expect(
        page.locator(".messages, [role=alert], .alert").filter(has_text=text).first
    ).to_be_visible()


def expect_error_summary(page: Page, text: str | re.Pattern | None = None) -> None:
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    if text is not None:
        expect(summary).to_contain_text(text)


def expect_status(page: Page, status: str) -> None:
    expect(page.locator("main h1")).to_contain_text(status)
