"""The whole life of a new customer in a real browser, against the server process.

Sign up → invite a clerk (link read from the email) → the clerk joins in a second session →
catalog, warehouse and location → a purchase order received into stock → a sales order shipped →
the clerk's open dashboard follows both live, without a reload → exports arrive with the right
rows → the interface switches to Spanish.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import struct
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Locator, Page, WebSocket, expect

from .conftest import TIMEOUT_MS, field
from .navigation import expand_navigation
from .server import Server, message_text

# Random and long: Django's similarity validator refused a fixed password that resembled the
# random e-mail addresses in one run out of a few.
PASSWORD = secrets.token_urlsafe(18)


def png_bytes(width: int = 48, height: int = 32) -> bytes:
    """A small valid PNG (a two-colour stripe), written by hand so no image library is needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + (b"\x1f\x6f\xb4" if y < height // 2 else b"\xf2\xa9\x00") * width
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def choose(select: Locator, text: str) -> None:
    """Pick the option of a <select> whose label contains `text`."""
    expect(select.locator("option", has_text=text).first).to_be_attached()
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value=value)


def pick_product(row: Locator, sku: str) -> None:
    """Choose a product in an order line: the type-ahead picker (search, then the option), or a
    plain <select> where the picker is not used."""
    picker = row.locator("[data-product-picker]")
    if not picker.count():
        choose(row.locator("select").first, sku)
        return
    picker.get_by_role("combobox").fill(sku)
    picker.get_by_role("option", name=re.compile(re.escape(sku))).first.click()
    expect(picker.locator("[data-picker-value]")).not_to_have_value("")


def save(page: Page) -> None:
    # Exact: the new-location form also has "Save and add another".
    page.locator("main").get_by_role("button", name="Save", exact=True).click()


def expect_message(page: Page, text: str) -> None:
    expect(
        page.locator(".messages, [role=alert], .alert").filter(has_text=text).first
    ).to_be_visible()


def wait_for(
    page: Page, condition: Callable[[], object], what: str, timeout: float = TIMEOUT_MS / 1000
):
    """Poll `condition` while letting Playwright deliver the page's events (a plain sleep
    would not: the sync API dispatches them only inside its own calls)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


def download_text(page: Page, trigger: Locator) -> tuple[str, str]:
    with page.expect_download() as info:
        trigger.click()
    download = info.value
    path = download.path()
    return download.suggested_filename, Path(path).read_text(encoding="utf-8-sig")


def test_new_company_journey(server: Server, new_context: Callable[..., BrowserContext]) -> None:
    run = secrets.token_hex(3)
    owner_email, clerk_email = f"owner-{run}@journey.test", f"clerk-{run}@journey.test"
    company, sku = f"Journey Trading {run}", f"JT-{run}".upper()

    owner = new_context().new_page()

    # --- sign up: a new organization with its owner ---------------------------------------------
    owner.goto("/accounts/signup/")
    field(owner, "Your name").fill("Olga Owner")
    field(owner, "Work email").fill(owner_email)
    field(owner, "Company name").fill(company)
    field(owner, "Password").fill(PASSWORD)
    field(owner, "Repeat password").fill(PASSWORD)
    owner.locator("main").get_by_role("button", name="Sign up").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text(company)
    expect(owner.locator("main")).to_contain_text("You are signed in as Owner.")

    # --- invite a clerk; the link comes from the email the server sent ---------------------------
    owner.goto("/accounts/members/")
    invite = owner.locator("form", has=owner.get_by_role("button", name="Send invitation"))
    field(invite, "Email").fill(clerk_email)
    invite.get_by_label(re.compile("^Role")).select_option(label="Clerk")
    invite.get_by_role("button", name="Send invitation").click()
    expect(owner.locator("main .list-group")).to_contain_text(clerk_email)
    mails = wait_for(owner, lambda: server.emails_to(clerk_email), "the invitation email")
    link = re.search(r"https?://\S+/accounts/invitations/[^/\s]+/", message_text(mails[-1]))
    assert link, message_text(mails[-1])

    # --- the clerk accepts in a second, separate browser session ---------------------------------
    clerk = new_context().new_page()
    clerk.goto(link[0])
    expect(clerk.get_by_role("heading", level=1)).to_have_text(f"Join {company}")
    field(clerk, "Your name").fill("Carl Clerk")
    field(clerk, "Password").fill(PASSWORD)
    field(clerk, "Repeat password").fill(PASSWORD)
    clerk.get_by_role("button", name="Create account and join").click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text(company)
    expect(clerk.locator("main")).to_contain_text("You are signed in as Clerk.")

    # --- catalog and places, as the owner -------------------------------------------------------
    owner.goto("/catalog/categories/new/")
    field(owner, "Name").fill("Hand tools")
    save(owner)
    expect(owner.get_by_role("heading", level=1)).to_contain_text("Hand tools")

    owner.goto("/catalog/products/new/")
    field(owner, "SKU").fill(sku)
    field(owner, "Name").fill("Claw hammer 16 oz")
    choose(field(owner, "Category"), "Hand tools")
    field(owner, "Cost price").fill("4.00")
    field(owner, "Sale price").fill("9.00")
    field(owner, "Image").set_input_files(
        {"name": "hammer.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    save(owner)
    expect(owner.get_by_role("heading", level=1)).to_contain_text("Claw hammer 16 oz")
    image = owner.get_by_role("img", name="Image of Claw hammer 16 oz")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the image did not load"

    owner.goto("/inventory/warehouses/new/")
    field(owner, "Code").fill("MAIN")
    field(owner, "Name").fill("Main warehouse")
    save(owner)
    expect(owner.get_by_role("heading", level=1)).to_contain_text("Main warehouse")

    owner.goto("/inventory/locations/new/")
    choose(field(owner, "Warehouse"), "MAIN")
    # The warehouse reloads the fields (htmx) with its locations as parents: wait for that.
    expect(owner.locator("#location-fields")).to_contain_text("top-level location of the warehouse")
    field(owner, "Code").fill("A-01")
    field(owner, "Name").fill("Aisle 1, bin 1")
    save(owner)
    expect(owner.get_by_role("heading", level=1)).to_contain_text("A-01")

    owner.goto("/catalog/suppliers/new/")
    field(owner, "Name").fill("Anvil Supply Co")
    save(owner)
    expect(owner.get_by_role("heading", level=1)).to_contain_text("Anvil Supply Co")

    owner.goto("/catalog/customers/new/")
    field(owner, "Name").fill("Bob's Builders")
    save(owner)
    expect(owner.get_by_role("heading", level=1)).to_contain_text("Bob's Builders")

    # --- the clerk keeps the dashboard open; it must follow the stock live ----------------------
    frames: list[str] = []

    def on_socket(socket: WebSocket) -> None:
        socket.on("framereceived", lambda payload: frames.append(str(payload)))

    clerk.on("websocket", on_socket)
    clerk.goto("/")
    wait_for(clerk, lambda: any('"hello"' in frame for frame in frames), "the live events socket")
    clerk.evaluate("window.__e2eSamePage = true")
    recent = clerk.locator("#recent-movements")
    expect(recent).to_contain_text("No stock movements yet.")

    # --- buy: purchase order with one line, sent, received into the location --------------------
    owner.goto("/orders/purchase-orders/new/")
    choose(field(owner, "Supplier"), "Anvil Supply Co")
    pick_product(owner.locator("tr.order-line").first, sku)
    owner.locator("#id_lines-0-quantity").fill("10")
    owner.locator("#id_lines-0-unit_price").fill("4.00")
    save(owner)
    expect(owner.locator("main h1")).to_contain_text("Draft")
    # Sending asks first and says what follows; declining leaves the draft as it was.
    dialogs: list[str] = []

    def decline(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    owner.once("dialog", decline)
    owner.get_by_role("button", name="Send to supplier").click()
    wait_for(owner, lambda: dialogs, "the confirmation of sending")
    assert "can no longer be edited" in dialogs[0]
    expect(owner.locator("main h1")).to_contain_text("Draft")
    owner.once("dialog", lambda dialog: dialog.accept())
    owner.get_by_role("button", name="Send to supplier").click()
    expect(owner.locator("main h1")).to_contain_text("Sent")
    owner.locator("main").get_by_role("link", name="Receive").click()
    choose(field(owner, "Receive into"), "A-01")
    field(owner.locator("li", has_text=sku), "Quantity").fill("10")
    owner.get_by_role("button", name="Post receipt").click()
    expect(owner.locator("main h1")).to_contain_text("Received")

    # The clerk's dashboard: the receipt appears and the stock value moves, same page.
    expect(recent.locator("tr", has_text=sku)).to_contain_text("Receipt")
    expect(clerk.locator("#kpi-stock-value")).to_contain_text("40.00")
    assert clerk.evaluate("window.__e2eSamePage === true"), "the dashboard was reloaded"

    # --- sell: sales order confirmed (reserves) and shipped -------------------------------------
    owner.goto("/orders/sales-orders/new/")
    choose(field(owner, "Customer"), "Bob's Builders")
    pick_product(owner.locator("tr.order-line").first, sku)
    owner.locator("#id_lines-0-quantity").fill("3")
    owner.locator("#id_lines-0-unit_price").fill("9.00")
    save(owner)
    expect(owner.locator("main h1")).to_contain_text("Draft")
    owner.get_by_role("button", name="Confirm and reserve stock").click()
    expect(owner.locator("main h1")).to_contain_text("Confirmed")
    owner.once("dialog", lambda dialog: dialog.accept())
    owner.get_by_role("button", name="Pick and ship").click()
    expect(owner.locator("main h1")).to_contain_text("Shipped")

    expect(recent.locator("tr", has_text="Shipment")).to_contain_text(sku)
    expect(clerk.locator("#kpi-stock-value")).to_contain_text("28.00")
    assert clerk.evaluate("window.__e2eSamePage === true"), "the dashboard was reloaded"

    owner.goto(f"/inventory/stock/?q={sku}")
    expect(owner.locator("main table tbody tr", has_text=sku)).to_contain_text("7")

    # --- exports: the imports app's export job, and a report's CSV ------------------------------
    owner.goto("/imports/exports/")
    field(owner, "What to export").select_option(label="Stock levels")
    field(owner, "Format").select_option(label="CSV")
    owner.get_by_role("button", name="Prepare the file").click()
    name, text = download_text(owner, owner.locator("main").get_by_role("link", name="Download"))
    assert name.endswith(".csv"), name
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row for row in rows if sku in row.values()], text
    (stock_row,) = [row for row in rows if sku in row.values()]
    assert any(value in ("7", "7.000") for value in stock_row.values()), stock_row

    owner.goto("/reports/valuation/")
    name, text = download_text(owner, owner.get_by_role("link", name="Export CSV"))
    assert name.startswith("valuation") and name.endswith(".csv"), name
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    (product_row,) = [row for row in rows[1:] if sku in row]
    assert any(cell in ("28.00", "28") for cell in product_row), (rows[0], product_row)

    # --- Spanish, with the switcher in the navigation -------------------------------------------
    owner.goto("/")
    expand_navigation(owner)
    owner.locator("#language-select").select_option("es")
    expect(owner.locator("html")).to_have_attribute("lang", "es")
    # Stockroom's catalog (locale/es): the navigation and the dashboard.
    expect(owner.locator("#main-nav")).to_contain_text("Panel")
    expect(owner.locator("#main-nav")).to_contain_text("Inventario")
    expect(owner.locator("main")).to_contain_text("Inició sesión con el rol")
    # Django's own catalog: a required-field error on an empty form.
    owner.goto("/catalog/categories/new/")
    owner.locator("main").get_by_role("button", name="Guardar").click()
    expect(owner.locator("main")).to_contain_text(
        re.compile(r"Este campo es (obligatorio|requerido)")
    )
