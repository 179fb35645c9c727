"""Reorder as a buyer uses it: a product below its reorder point shows on the Reorder page with
its suggested quantity, one button drafts the purchase orders, and the draft and its line are
read back from the server's database. A second click (from a page opened before) is refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from playwright.sync_api import BrowserContext, expect

from .navigation import expand_navigation
from .orders_helpers import (
    expect_error_summary,
    expect_message,
    in_organization,
    make_product,
    signed_in,
    suffix,
)
from .server import Server

SUPPLIER = "OfficeWorks Supply"


def open_lines(server: Server, sku: str) -> list[dict]:
    """Every purchase order line of `sku`: its order's number, state, supplier and notes."""
    return in_organization(
        server,
        f"""
from stockroom.orders.models import PurchaseOrderLine
lines = PurchaseOrderLine.objects.filter(product__sku={sku!r}).select_related(
    "order__supplier"
).order_by("pk")
print(json.dumps([
    {{
        "number": line.order.number, "status": line.order.status,
        "supplier": line.order.supplier.name, "notes": line.order.notes,
        "quantity": format(line.quantity.normalize(), "f"),
        "unit_price": format(line.unit_price.normalize(), "f"),
    }}
    for line in lines
]))
""",
    )


def test_low_product_suggested_and_ordered(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    run = suffix()
    sku = f"E2E-RO-{run}"
    # Two on hand against a reorder point of ten: low. Reorder quantity 30.
    make_product(
        server,
        sku,
        reorder_point="10",
        reorder_quantity="30",
        supplier=SUPPLIER,
        stock=(("MAIN", "C-01", "2"),),
    )
    page = signed_in(new_context)
    page.goto("/")
    expand_navigation(page)
    menu = page.locator("#main-nav")
    menu.get_by_role("button", name="Orders").click()
    menu.get_by_role("link", name="Reorder suggestions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reorder suggestions")

    section = page.get_by_role("region", name="With a preferred supplier")
    row = section.locator("tr", has_text=sku)
    expect(row).to_contain_text(SUPPLIER)
    suggested = row.locator("td").last.inner_text().strip()
    assert Decimal(suggested) >= 30, suggested
    assert open_lines(server, sku) == []

    # A second tab keeps the page (and its button) from before the orders are drafted.
    stale = page.context.new_page()
    stale.goto(page.url)

    page.get_by_role("button", name=re.compile("^Create draft purchase orders")).click()
    expect(page).to_have_url(re.compile(r"/orders/purchase-orders/\?status=draft$"))
    expect_message(page, "Draft purchase orders created")
    (line,) = open_lines(server, sku)
    assert line["status"] == "draft"
    assert line["supplier"] == SUPPLIER
    assert line["notes"] == "Created from reorder suggestions."
    assert Decimal(line["quantity"]) == Decimal(suggested)
    assert Decimal(line["unit_price"]) == Decimal("2.40")  # the preferred supplier's price
    expect(page.locator("main")).to_contain_text(line["number"])

    # Back on the Reorder page the product shows what is on order.
    page.goto("/orders/reorder/")
    expect(page.locator("tr", has_text=sku).locator(".badge")).to_have_text(suggested)

    # The stale tab's button: refused, nothing is written.
    stale.get_by_role("button", name=re.compile("^Create draft purchase orders")).click()
    expect_error_summary(stale, "Nothing to order")
    assert len(open_lines(server, sku)) == 1
    # The refused page offers no button any more: nothing is orderable.
    expect(
        stale.get_by_role("button", name=re.compile("^Create draft purchase orders"))
    ).to_have_count(0)
