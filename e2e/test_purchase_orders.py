"""Purchase orders as a buyer uses them: created, refused, edited, sent, cancelled, received
in two receipts with lots typed in, and received in part then closed short; the order, the
stock per bin and lot, and the ledger are read back from the server's database."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from playwright.sync_api import BrowserContext, expect

from .conftest import field
from .orders_helpers import (
    choose,
    click_confirmed,
    expect_error_summary,
    expect_message,
    expect_status,
    fill_line,
    in_organization,
    ledger,
    make_location,
    make_product,
    on_hand,
    order_number,
    pick_product,
    save,
    signed_in,
    suffix,
)
from .server import Server

SUPPLIER = "ToolPro Distribution"


def purchase_orders(server: Server, notes: str) -> list[dict]:
    """The purchase orders whose notes are `notes`: state and lines (sku, ordered, received)."""
    return in_organization(
        server,
        f"""
from stockroom.orders.models import PurchaseOrder
orders = PurchaseOrder.objects.filter(notes={notes!r}).order_by("pk")
print(json.dumps([
    {{
        "number": order.number, "status": order.status, "supplier": order.supplier.name,
        "sent": order.sent_at is not None,
        "lines": [
            [line.product.sku, format(line.quantity.normalize(), "f"),
             format(line.received_quantity.normalize(), "f")]
            for line in order.lines.select_related("product").order_by("product__sku")
        ],
    }}
    for order in orders
]))
""",
    )


def test_create_refused_then_edit_send_and_cancel(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    run = suffix()
    first, second = f"E2E-POA-{run}", f"E2E-POB-{run}"
    make_product(server, first)
    make_product(server, second)
    notes = f"E2E purchase order {run}"
    page = signed_in(new_context)

    # Refused: a line with a negative quantity; nothing is written.
    page.goto("/orders/purchase-orders/new/")
    choose(field(page, "Supplier"), SUPPLIER)
    field(page, "Notes").fill(notes)
    fill_line(page, 0, first, "-2", "3.00")
    save(page)
    expect_error_summary(page)
    expect(page.locator("#lines-body")).to_contain_text("greater than zero")
    assert purchase_orders(server, notes) == []

    # Refused: no supplier; still nothing.
    page.goto("/orders/purchase-orders/new/")
    field(page, "Notes").fill(notes)
    fill_line(page, 0, first, "4", "3.00")
    save(page)
    expect_error_summary(page, "Supplier")
    assert purchase_orders(server, notes) == []

    # Accepted: a draft with no lines yet (a draft may be filled in later)…
    page.goto("/orders/purchase-orders/new/")
    choose(field(page, "Supplier"), SUPPLIER)
    field(page, "Notes").fill(notes)
    save(page)
    expect_status(page, "Draft")
    (order,) = purchase_orders(server, notes)
    assert order["status"] == "draft" and order["lines"] == []
    detail_url = page.url

    # …but sending it is refused: there is nothing to order.
    click_confirmed(page, "Send to supplier")
    expect_message(page, "Add at least one line")
    expect_status(page, "Draft")
    assert purchase_orders(server, notes)[0]["status"] == "draft"

    # Edit the draft: two lines, then an edit refused (zero quantity) that changes nothing.
    page.locator("main").get_by_role("link", name="Edit").click()
    fill_line(page, 0, first, "4", "3.00")
    fill_line(page, 1, second, "6", "1.25")
    save(page)
    expect_status(page, "Draft")
    expected_lines = [[first, "4", "0"], [second, "6", "0"]]
    assert purchase_orders(server, notes)[0]["lines"] == expected_lines

    page.locator("main").get_by_role("link", name="Edit").click()
    page.locator("#lines-body tr.order-line").nth(1).get_by_label(re.compile("^Quantity")).fill("0")
    save(page)
    expect_error_summary(page)
    assert purchase_orders(server, notes)[0]["lines"] == expected_lines

    # A second tab keeps the draft's page open while the first sends it.
    stale = page.context.new_page()
    stale.goto(detail_url)
    page.goto(detail_url)
    click_confirmed(page, "Send to supplier")
    expect_status(page, "Sent")
    assert purchase_orders(server, notes)[0]["status"] == "sent"

    # Sending again from the stale tab is refused; the order stays sent.
    click_confirmed(stale, "Send to supplier")
    expect_message(stale, "already been sent")
    expect_status(stale, "Sent")
    assert purchase_orders(server, notes)[0]["status"] == "sent"

    # Editing a sent order is refused: back to its page with a message.
    page.goto(f"{detail_url}edit/")
    expect_message(page, "cannot be changed once it has been sent")
    assert purchase_orders(server, notes)[0]["lines"] == expected_lines

    # Cancel; the stale tab (still showing Sent) cannot cancel it twice.
    click_confirmed(page, "Cancel order")
    expect_status(page, "Cancelled")
    assert purchase_orders(server, notes)[0]["status"] == "cancelled"
    click_confirmed(stale, "Cancel order")
    expect_message(stale, "already cancelled")
    assert purchase_orders(server, notes)[0]["status"] == "cancelled"
    # Nothing was received, so no stock moved.
    assert ledger(server, first) == [] and ledger(server, second) == []


def test_received_in_two_receipts_with_lots(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    run = suffix()
    milk, bolts = f"E2E-LOT-{run}", f"E2E-BLT-{run}"
    make_product(server, milk, lot_tracked=True)
    make_product(server, bolts)
    notes = f"E2E receipts {run}"
    page = signed_in(new_context)

    page.goto("/orders/purchase-orders/new/")
    choose(field(page, "Supplier"), SUPPLIER)
    field(page, "Notes").fill(notes)
    fill_line(page, 0, milk, "10", "0.70")
    fill_line(page, 1, bolts, "5", "4.00")
    save(page)
    expect_status(page, "Draft")
    number = order_number(page)
    click_confirmed(page, "Send to supplier")
    expect_status(page, "Sent")

    # --- first receipt: refused twice, then part of the order into MAIN/A-01 -------------------
    page.locator("main").get_by_role("link", name="Receive").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Receive {number}")
    milk_row = page.locator("li", has_text=milk)
    bolts_row = page.locator("li", has_text=bolts)
    choose(field(page, "Receive into"), "MAIN/A-01")

    # More than ordered, without accepting an over-receipt.
    field(milk_row, "Quantity").fill("12")
    field(milk_row, "Lot number").fill(f"L1-{run}")
    field(bolts_row, "Quantity").fill("0")
    page.get_by_role("button", name="Post receipt").click()
    expect_error_summary(page)
    expect(milk_row).to_contain_text("Cannot receive more than ordered")
    assert ledger(server, milk) == [] and ledger(server, bolts) == []

    # A lot-tracked product without its lot number.
    milk_row = page.locator("li", has_text=milk)
    bolts_row = page.locator("li", has_text=bolts)
    field(milk_row, "Quantity").fill("4")
    field(milk_row, "Lot number").fill("")
    field(bolts_row, "Quantity").fill("5")
    page.get_by_role("button", name="Post receipt").click()
    expect_error_summary(page)
    expect(page.locator("main")).to_contain_text(re.compile("lot", re.IGNORECASE))
    assert ledger(server, milk) == [] and ledger(server, bolts) == []
    assert purchase_orders(server, notes)[0]["status"] == "sent"

    milk_row = page.locator("li", has_text=milk)
    bolts_row = page.locator("li", has_text=bolts)
    choose(field(page, "Receive into"), "MAIN/A-01")
    field(milk_row, "Quantity").fill("4")
    field(milk_row, "Lot number").fill(f"L1-{run}")
    field(milk_row, "Expiry date").fill("2027-03-31")
    field(bolts_row, "Quantity").fill("5")
    page.get_by_role("button", name="Post receipt").click()
    expect_status(page, "Partially received")
    (order,) = purchase_orders(server, notes)
    assert order["status"] == "partially_received"
    assert sorted(order["lines"]) == sorted([[milk, "10", "4"], [bolts, "5", "5"]])
    assert on_hand(server, milk) == {f"MAIN/A-01/L1-{run}": Decimal(4)}
    assert on_hand(server, bolts) == {"MAIN/A-01": Decimal(5)}

    # --- second receipt: the rest of the milk, another lot, into MAIN/A-02 ---------------------
    page.locator("main").get_by_role("link", name="Receive").click()
    milk_row = page.locator("li", has_text=milk)
    expect(milk_row).to_contain_text("outstanding 6")
    expect(page.locator("li", has_text=bolts)).to_have_count(0)  # received in full already
    choose(field(page, "Receive into"), "MAIN/A-02")
    field(milk_row, "Quantity").fill("6")
    field(milk_row, "Lot number").fill(f"L2-{run}")
    field(milk_row, "Expiry date").fill("2027-06-30")
    page.get_by_role("button", name="Post receipt").click()
    expect_status(page, "Received")
    expect(page.locator("main").get_by_role("link", name="Receive")).to_have_count(0)

    (order,) = purchase_orders(server, notes)
    assert order["status"] == "received"
    assert sorted(order["lines"]) == sorted([[milk, "10", "10"], [bolts, "5", "5"]])
    assert on_hand(server, milk) == {
        f"MAIN/A-01/L1-{run}": Decimal(4),
        f"MAIN/A-02/L2-{run}": Decimal(6),
    }
    assert on_hand(server, bolts) == {"MAIN/A-01": Decimal(5)}
    assert ledger(server, milk) == [
        {
            "kind": "receipt",
            "quantity": "4",
            "from": "",
            "to": "A-01",
            "lot": f"L1-{run}",
            "expiry": "2027-03-31",
            "reference": number,
        },
        {
            "kind": "receipt",
            "quantity": "6",
            "from": "",
            "to": "A-02",
            "lot": f"L2-{run}",
            "expiry": "2027-06-30",
            "reference": number,
        },
    ]
    assert [(row["kind"], row["quantity"], row["to"]) for row in ledger(server, bolts)] == [
        ("receipt", "5", "A-01")
    ]


def closed_order(server: Server, notes: str) -> dict:
    """The one purchase order whose notes are `notes`, as closing it short leaves it."""
    return in_organization(
        server,
        f"""
from stockroom.orders.models import PurchaseOrder
order = PurchaseOrder.objects.prefetch_related("lines").get(notes={notes!r})
print(json.dumps({{
    "status": order.status, "total": str(order.total),
    "closed": order.closed_at is not None,
    "closed_by": order.closed_by.email if order.closed_by else None,
    "cancelled": order.cancelled_at is not None,
    "expected": order.expected_date is not None,
    "lines": sorted(
        [line.product.sku, str(line.unit_price.normalize()),
         line.receiving_location.code if line.receiving_location else None,
         format(line.received_quantity.normalize(), "f")]
        for line in order.lines.select_related("product", "receiving_location")
    ),
}}))
""",
    )


def test_default_prices_own_location_received_in_part_then_closed_short(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    run = suffix()
    linked, unlinked = f"E2E-CLA-{run}", f"E2E-CLB-{run}"
    # The supplier sells `linked` at 2.40 (lead time 5 days); `unlinked` costs 2.50.
    make_product(server, linked, supplier=SUPPLIER)
    make_product(server, unlinked)
    shelf = make_location(server, f"CL{run}")
    notes = f"E2E close short {run}"
    page = signed_in(new_context)

    # Both unit prices and the expected date left empty; the first line goes to its own shelf.
    page.goto("/orders/purchase-orders/new/")
    choose(field(page, "Supplier"), SUPPLIER)
    field(page, "Notes").fill(notes)
    rows = page.locator("#lines-body tr.order-line")
    pick_product(rows.nth(0), linked)
    rows.nth(0).get_by_label(re.compile("^Quantity")).fill("10")
    choose(rows.nth(0).get_by_label(re.compile("^Receive into")), shelf)
    page.get_by_role("button", name="Add line").click()
    expect(rows).to_have_count(2)
    pick_product(rows.nth(1), unlinked)
    rows.nth(1).get_by_label(re.compile("^Quantity")).fill("4")
    save(page)
    expect_status(page, "Draft")
    order = closed_order(server, notes)
    assert order["lines"] == [
        [linked, "2.4", f"CL{run}", "0"],
        [unlinked, "2.5", None, "0"],
    ]
    assert order["expected"] is True
    click_confirmed(page, "Send to supplier")
    expect_status(page, "Sent")

    # Receive part: the linked line starts at its own shelf; the other stays outstanding.
    page.locator("main").get_by_role("link", name="Receive").click()
    linked_row = page.locator("li", has_text=linked)
    unlinked_row = page.locator("li", has_text=unlinked)
    expect(field(linked_row, "Location").locator("option:checked")).to_have_text(shelf)
    choose(field(page, "Receive into"), "MAIN/A-01")
    field(linked_row, "Quantity").fill("6")
    field(unlinked_row, "Quantity").fill("0")
    page.get_by_role("button", name="Post receipt").click()
    expect_status(page, "Partially received")
    assert on_hand(server, linked) == {shelf: Decimal(6)}
    assert on_hand(server, unlinked) == {}
    detail_url = page.url

    # Cancelling is not offered once stock came in; closing short is.
    expect(page.locator("main").get_by_role("button", name="Cancel order")).to_have_count(0)
    stale = page.context.new_page()
    stale.goto(detail_url)
    click_confirmed(page, "Close short")
    expect_message(page, "was closed short")
    expect_status(page, "Closed short")
    expect(page.locator("#closed-short")).to_contain_text("4 will not arrive")
    order = closed_order(server, notes)
    assert (order["status"], order["closed"], order["cancelled"]) == ("closed", True, False)
    assert order["closed_by"] == "owner@demo.stockroom.dev"
    # Its value is what was received: 6 × 2.40.
    assert order["total"] == "14.40"
    assert [line[3] for line in order["lines"]] == ["6", "0"]

    # The stale tab (still showing Partially received) cannot close it again.
    click_confirmed(stale, "Close short")
    expect_message(stale, "already closed")
    assert closed_order(server, notes)["status"] == "closed"
    assert [(row["kind"], row["quantity"], row["to"]) for row in ledger(server, linked)] == [
        ("receipt", "6", f"CL{run}")
    ]
    assert ledger(server, unlinked) == []
