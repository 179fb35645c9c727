"""Two members of one organization at once: the clerk keeps the dashboard open while the owner
posts a receipt through the form; the clerk's page shows it without a reload, and the database
holds the movement."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from decimal import Decimal

from playwright.sync_api import BrowserContext, Page, WebSocket, expect

from .conftest import TIMEOUT_MS, field
from .orders_helpers import CLERK, OWNER, ledger, make_product, on_hand, signed_in, suffix
from .server import Server


def wait_for(page: Page, condition: Callable[[], object], what: str) -> None:
    """Poll while letting Playwright deliver the page's events (a plain sleep would not)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


def test_dashboard_follows_a_receipt_posted_by_another_member(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    run = suffix()
    sku = f"E2E-LIVE-{run}"
    make_product(server, sku)
    owner = signed_in(new_context, OWNER)
    clerk = signed_in(new_context, CLERK)

    # The clerk's dashboard, with its live-events socket open.
    frames: list[str] = []

    def on_socket(socket: WebSocket) -> None:
        socket.on("framereceived", lambda payload: frames.append(str(payload)))

    clerk.on("websocket", on_socket)
    clerk.goto("/")
    wait_for(clerk, lambda: any('"hello"' in frame for frame in frames), "the live events socket")
    clerk.evaluate("window.__e2eSamePage = true")
    value_before = clerk.locator("#kpi-stock-value").inner_text()
    recent = clerk.locator("#recent-movements")
    expect(recent).not_to_contain_text(sku)

    # The owner receives seven at 3.00 through the Receipt form.
    owner.goto("/inventory/movements/receive/")
    search = owner.get_by_role("combobox", name=re.compile("^Product"))
    search.click()
    search.press_sequentially(sku, delay=20)
    option = owner.get_by_role("option", name=re.compile(re.escape(sku)))
    expect(option.first).to_be_visible()
    # Choosing redraws the form's fields for the product: wait for that before going on.
    with owner.expect_response(
        lambda response: response.request.method == "GET" and "/movements/" in response.url
    ):
        option.first.click()
    select = field(owner, "Into location")
    select.select_option(
        value=select.locator("option", has_text="MAIN/C-02").first.get_attribute("value")
    )
    field(owner, "Quantity").fill("7")
    field(owner, "Unit cost").fill("3.00")
    owner.locator("main").get_by_role("button", name="Receive").click()
    expect(owner.locator(".alert, .messages").first).to_be_visible()

    # The clerk's page follows: the movement is listed and the stock value moved, same page.
    expect(recent.locator("tr", has_text=sku)).to_contain_text("Receipt")
    expect(clerk.locator("#kpi-stock-value")).not_to_have_text(value_before)
    assert clerk.evaluate("window.__e2eSamePage === true"), "the dashboard was reloaded"

    assert on_hand(server, sku) == {"MAIN/C-02": Decimal(7)}
    assert [(row["kind"], row["quantity"], row["to"]) for row in ledger(server, sku)] == [
        ("receipt", "7", "C-02")
    ]
