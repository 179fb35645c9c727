"""Sales orders as a sales clerk uses them: created and edited (and refused), confirmed with and
without backorders, the available part shipped on the Ship page, backorders reserved when stock
arrives and the rest shipped, cancelled; the order, its shipments and reservations, the stock
and the ledger are read back from the server's database."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

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
    make_product,
    save,
    signed_in,
    stock,
    suffix,
)
from .server import Server

CUSTOMER = "Greenfield Builders"


def sales_orders(server: Server, notes: str) -> list[dict]:
    """The sales orders whose notes are `notes`: state, and per line (by SKU) the quantity,
    backordered, shipped and the open reservations' total."""
    return in_organization(
        server,
        f"""
from stockroom.orders.models import SalesOrder
orders = SalesOrder.objects.filter(notes={notes!r}).order_by("pk")
def number(value):
    return format(value.normalize(), "f")
print(json.dumps([
    {{
        "number": order.number, "status": order.status, "customer": order.customer.name,
        "lines": {{
            line.product.sku: {{
                "quantity": number(line.quantity),
                "backordered": number(line.backordered_quantity),
                "shipped": number(line.shipped_quantity),
                "reserved": number(sum(
                    (r.quantity for r in line.reservations.all() if r.closed_at is None),
                    start=Decimal(0),
                )),
            }}
            for line in order.lines.select_related("product")
        }},
    }}
    for order in orders
]))
""",
    )


def new_order(page: Page, notes: str, lines: list[tuple[str, str, str]]) -> None:
    page.goto("/orders/sales-orders/new/")
    choose(field(page, "Customer"), CUSTOMER)
    field(page, "Notes").fill(notes)
    for index, (sku, quantity, price) in enumerate(lines):
        fill_line(page, index, sku, quantity, price)
    save(page)


def confirm(page: Page, choice: str) -> None:
    page.get_by_role("radio", name=choice).check()
    page.get_by_role("button", name="Confirm and reserve stock").click()


def test_backordered_order_confirmed_reserved_and_shipped(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    run = suffix()
    plenty, scarce = f"E2E-SOA-{run}", f"E2E-SOB-{run}"
    make_product(server, plenty, stock=(("MAIN", "B-04", "10"),))
    make_product(server, scarce, stock=(("NORTH", "B-04", "2"),))
    notes = f"E2E sales order {run}"
    page = signed_in(new_context)

    # Refused: no customer, and a line priced below zero; nothing is written.
    page.goto("/orders/sales-orders/new/")
    field(page, "Notes").fill(notes)
    fill_line(page, 0, plenty, "3", "-1")
    save(page)
    expect_error_summary(page, "Customer")
    assert sales_orders(server, notes) == []

    new_order(page, notes, [(plenty, "3", "5.00")])
    expect_status(page, "Draft")
    (order,) = sales_orders(server, notes)
    assert order["customer"] == CUSTOMER
    assert order["lines"][plenty]["quantity"] == "3"

    # Edit: four of the first product and five of the scarce one (only two in stock).
    page.locator("main").get_by_role("link", name="Edit").click()
    page.locator("#lines-body tr.order-line").first.get_by_label(re.compile("^Quantity")).fill("4")
    fill_line(page, 1, scarce, "5", "7.50")
    save(page)
    expect_status(page, "Draft")
    (order,) = sales_orders(server, notes)
    assert {sku: line["quantity"] for sku, line in order["lines"].items()} == {
        plenty: "4",
        scarce: "5",
    }

    # Refused edit: the same product twice.
    page.locator("main").get_by_role("link", name="Edit").click()
    fill_line(page, 2, plenty, "1", "5.00")
    save(page)
    expect_error_summary(page)
    expect(page.locator("#lines-body")).to_contain_text("only once")
    page.locator("main").get_by_role("link", name="Cancel", exact=True).click()
    (order,) = sales_orders(server, notes)
    assert len(order["lines"]) == 2

    # Confirm refused: a line cannot be covered and backorders were not allowed.
    confirm(page, "Do not confirm (reserve nothing)")
    expect_message(page, scarce)
    expect_status(page, "Draft")
    (order,) = sales_orders(server, notes)
    assert order["status"] == "draft"
    assert all(line["reserved"] == "0" for line in order["lines"].values())
    assert stock(server, scarce)["NORTH/B-04"]["reserved"] == 0

    # Confirmed with backorders: what is there is reserved, three are backordered.
    confirm(page, "Reserve what is available, backorder the rest")
    expect_status(page, "Confirmed")
    (order,) = sales_orders(server, notes)
    assert order["status"] == "confirmed"
    assert order["lines"][plenty] == {
        "quantity": "4",
        "backordered": "0",
        "shipped": "0",
        "reserved": "4",
    }
    assert order["lines"][scarce]["reserved"] == "2"
    assert order["lines"][scarce]["backordered"] == "3"
    assert stock(server, plenty)["MAIN/B-04"] == {"on_hand": 10, "reserved": 4}
    assert stock(server, scarce)["NORTH/B-04"] == {"on_hand": 2, "reserved": 2}

    # Ship what is available on the Ship page. Refused first: more than is reserved of the
    # scarce product; the summary names it and nothing leaves.
    page.locator("main").get_by_role("link", name="Ship part…").click()
    ship_row(page, plenty).fill("4")
    ship_row(page, scarce).fill("3")
    field(page, "Carrier").fill("Carrier One")
    field(page, "Tracking number").fill(f"TRK-{run}")
    page.get_by_role("button", name="Create shipment").click()
    expect_error_summary(page, scarce)
    assert shipment_documents(server, notes) == []
    assert sales_orders(server, notes)[0]["lines"][scarce]["shipped"] == "0"
    ship_row(page, scarce).fill("2")
    page.get_by_role("button", name="Create shipment").click()
    expect_status(page, "Partially shipped")
    (order,) = sales_orders(server, notes)
    assert order["status"] == "partially_shipped"
    assert order["lines"][plenty] == {
        "quantity": "4",
        "backordered": "0",
        "shipped": "4",
        "reserved": "0",
    }
    assert order["lines"][scarce] == {
        "quantity": "5",
        "backordered": "3",
        "shipped": "2",
        "reserved": "0",
    }
    assert shipment_documents(server, notes) == [
        {
            "carrier": "Carrier One",
            "tracking": f"TRK-{run}",
            "lines": sorted([[plenty, "4"], [scarce, "2"]]),
        }
    ]
    assert stock(server, plenty)["MAIN/B-04"] == {"on_hand": 6, "reserved": 0}
    assert stock(server, scarce)["NORTH/B-04"] == {"on_hand": 0, "reserved": 0}
    expect(page.locator("#shipments-heading")).to_be_visible()

    # Nothing left to ship until the backorder is reserved, and nothing to reserve it from.
    click_confirmed(page, "Pick and ship")
    expect_message(page, "Nothing on this sales order is reserved")
    page.get_by_role("button", name="Reserve backorders").click()
    expect_message(page, "No stock is available yet")
    assert sales_orders(server, notes)[0]["lines"][scarce]["backordered"] == "3"
    assert [row["kind"] for row in ledger(server, plenty)] == ["receipt", "shipment"]

    # Stock arrives for the scarce product; now the backorder is reserved.
    in_organization(
        server,
        f"""
from stockroom.catalog.models import Product
from stockroom.inventory.models import Location
from stockroom.inventory.services import stock_receive
stock_receive(
    organization=organization, product=Product.objects.get(sku={scarce!r}),
    location=Location.objects.get(warehouse__code="MAIN", code="B-05"), quantity=Decimal(4),
    unit_cost=Decimal("2.50"),
)
print("null")
""",
    )
    page.get_by_role("button", name="Reserve backorders").click()
    expect_message(page, "Available stock was reserved")
    (order,) = sales_orders(server, notes)
    assert order["lines"][scarce]["backordered"] == "0"
    assert order["lines"][scarce]["reserved"] == "3"  # the 2 already shipped are not reserved

    # Pick and ship the rest: the order is shipped in full, in two shipments.
    click_confirmed(page, "Pick and ship")
    expect_status(page, "Shipped")
    (order,) = sales_orders(server, notes)
    assert order["status"] == "shipped"
    assert order["lines"][plenty]["shipped"] == "4" and order["lines"][scarce]["shipped"] == "5"
    assert all(line["reserved"] == "0" for line in order["lines"].values())
    assert stock(server, plenty)["MAIN/B-04"] == {"on_hand": 6, "reserved": 0}
    scarce_stock = stock(server, scarce)
    assert scarce_stock["NORTH/B-04"] == {"on_hand": 0, "reserved": 0}
    assert scarce_stock["MAIN/B-05"] == {"on_hand": 1, "reserved": 0}
    shipments = [row for row in ledger(server, scarce) if row["kind"] == "shipment"]
    assert sorted((row["from"], row["quantity"]) for row in shipments) == [
        ("B-04", "2"),
        ("B-05", "3"),
    ]
    assert {row["reference"] for row in shipments} == {order["number"]}
    documents = shipment_documents(server, notes)
    assert [document["lines"] for document in documents] == [
        sorted([[plenty, "4"], [scarce, "2"]]),
        [[scarce, "3"]],
    ]


def ship_row(page: Page, sku: str):
    """The quantity field of `sku`'s row on the Ship page."""
    return page.locator("li.list-group-item", has_text=sku).get_by_label("Quantity to ship")


def shipment_documents(server: Server, notes: str) -> list[dict]:
    """The shipments of the order whose notes are `notes`, oldest first: carrier, tracking
    number and [sku, quantity] per line."""
    return in_organization(
        server,
        f"""
from stockroom.orders.models import Shipment
shipments = Shipment.objects.filter(order__notes={notes!r}).order_by("pk")
print(json.dumps([
    {{
        "carrier": shipment.carrier, "tracking": shipment.tracking_number,
        "lines": sorted(
            [line.line.product.sku, format(line.quantity.normalize(), "f")]
            for line in shipment.lines.select_related("line__product")
        ),
    }}
    for shipment in shipments
]))
""",
    )


def test_confirmed_order_cancelled_releases_its_reservations(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    run = suffix()
    sku = f"E2E-SOC-{run}"
    make_product(server, sku, stock=(("MAIN", "B-06", "8"),))
    notes = f"E2E cancelled sales order {run}"
    page = signed_in(new_context)

    new_order(page, notes, [(sku, "3", "5.00")])
    expect_status(page, "Draft")
    confirm(page, "Do not confirm (reserve nothing)")
    expect_status(page, "Confirmed")
    assert stock(server, sku)["MAIN/B-06"] == {"on_hand": 8, "reserved": 3}

    # Two more tabs keep the confirmed order's page open while the first cancels it.
    stale, other = page.context.new_page(), page.context.new_page()
    stale.goto(page.url)
    other.goto(page.url)
    click_confirmed(page, "Cancel order")
    expect_status(page, "Cancelled")
    (order,) = sales_orders(server, notes)
    assert order["status"] == "cancelled"
    assert order["lines"][sku]["reserved"] == "0"
    assert stock(server, sku)["MAIN/B-06"] == {"on_hand": 8, "reserved": 0}

    # The stale tab still offers shipping and cancelling: both refused, nothing moves.
    click_confirmed(stale, "Pick and ship")
    expect_message(stale, "cannot be shipped")
    expect_status(stale, "Cancelled")
    click_confirmed(other, "Cancel order")
    expect_message(other, "already cancelled")
    assert sales_orders(server, notes)[0]["status"] == "cancelled"
    assert stock(server, sku)["MAIN/B-06"] == {"on_hand": 8, "reserved": 0}
    assert [row["kind"] for row in ledger(server, sku)] == ["receipt"]
