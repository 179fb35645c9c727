"""A stock count of one bin as a warehouse team does it: the sheet made, counts typed (one short,
some refused), a found item added, submitted, reopened, submitted again and approved; another
sheet cancelled. The sheet, the posted variances and the new stock are read back from the
server's database. Each test counts a bin of its own, so other tests' stock never shows up."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from playwright.sync_api import BrowserContext, Page, expect

from .conftest import field
from .orders_helpers import (
    CLERK,
    MANAGER,
    choose,
    click_confirmed,
    expect_error_summary,
    expect_message,
    expect_status,
    in_organization,
    ledger,
    make_location,
    make_product,
    on_hand,
    pick_product,
    signed_in,
    suffix,
)
from .server import Server


def counts(server: Server, notes: str) -> list[dict]:
    """The stock counts whose notes are `notes`: state and counted quantity per SKU."""
    return in_organization(
        server,
        f"""
from stockroom.orders.models import StockCount
def number(value):
    return None if value is None else format(value.normalize(), "f")
print(json.dumps([
    {{
        "number": count.number, "status": count.status,
        "lines": {{
            line.product.sku: [number(line.expected_quantity), number(line.counted_quantity)]
            for line in count.lines.select_related("product")
        }},
    }}
    for count in StockCount.objects.filter(notes={notes!r}).order_by("pk")
]))
""",
    )


def create_sheet(page: Page, bin_label: str, notes: str) -> None:
    page.goto("/orders/counts/")
    page.locator("main").get_by_role("link", name=re.compile("New count")).first.click()
    choose(field(page, "Warehouse"), "Main warehouse")
    choose(field(page, "Location"), bin_label)
    field(page, "Notes").fill(notes)
    page.get_by_role("button", name="Create sheet").click()


def counted(page: Page, sku: str):
    return page.get_by_label(re.compile(re.escape(sku)))


def test_count_entered_submitted_reopened_and_approved(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    run = suffix()
    bin_label = make_location(server, f"CNT-{run}")
    empty_label = make_location(server, f"EMP-{run}")
    code = bin_label.split("/")[1]
    same, short, found = f"E2E-CTA-{run}", f"E2E-CTB-{run}", f"E2E-CTF-{run}"
    make_product(server, same, stock=(("MAIN", code, "10"),))
    make_product(server, short, stock=(("MAIN", code, "5"),))
    make_product(server, found)
    notes = f"E2E count {run}"
    page = signed_in(new_context)

    # Refused: a bin with nothing in it; no sheet is made.
    create_sheet(page, empty_label, notes)
    expect_error_summary(page, "no stock to count")
    assert counts(server, notes) == []

    create_sheet(page, bin_label, notes)
    expect_status(page, "Counting")
    (sheet,) = counts(server, notes)
    assert sheet["lines"] == {same: ["10", None], short: ["5", None]}
    detail_url = page.url

    # Submitting an uncounted sheet is refused.
    page.locator("main").get_by_role("button", name="Submit", exact=True).click()
    expect_message(page, "Enter a counted quantity on every line")
    assert counts(server, notes)[0]["status"] == "counting"

    # Counts refused: a negative number, and more decimals than a quantity has.
    page.locator("main").get_by_role("link", name="Enter counts").click()
    counted(page, same).fill("-1")
    counted(page, short).fill("3.14159")
    page.get_by_role("button", name="Save", exact=True).click()
    expect_error_summary(page)
    expect(page.locator("[data-error-summary] li")).to_have_count(2)
    assert counts(server, notes)[0]["lines"] == {same: ["10", None], short: ["5", None]}

    # A found item: refused with a lot the product does not have, then added.
    page.get_by_role("link", name="Add a found item").click()
    pick_product(page.locator("main form"), found)
    expect(field(page, "Location")).to_have_value(re.compile(r"\d+"))
    field(page, "Lot number").fill("NO-SUCH-LOT")
    field(page, "Counted").fill("2")
    page.get_by_role("button", name="Add to the count").click()
    expect_error_summary(page, "has no lot")
    assert found not in counts(server, notes)[0]["lines"]
    field(page, "Lot number").fill("")
    page.get_by_role("button", name="Add to the count").click()
    expect_message(page, f"{found} was added to the count")
    assert counts(server, notes)[0]["lines"][found] == ["0", "2"]

    # The counts: one as expected, one two short. Saved, then submitted from the sheet's page.
    counted(page, same).fill("10")
    counted(page, short).fill("3")
    page.get_by_role("button", name="Save", exact=True).click()
    expect_message(page, "Counts saved")
    assert counts(server, notes)[0]["lines"] == {
        same: ["10", "10"],
        short: ["5", "3"],
        found: ["0", "2"],
    }
    page.goto(detail_url)
    page.locator("main").get_by_role("button", name="Submit", exact=True).click()
    expect_status(page, "Submitted")
    assert counts(server, notes)[0]["status"] == "submitted"

    # Reopened by the manager; a stale tab's second reopen is refused.
    stale = page.context.new_page()
    stale.goto(detail_url)
    page.locator("main").get_by_role("button", name="Reopen").click()
    expect_status(page, "Counting")
    assert counts(server, notes)[0]["status"] == "counting"
    stale.locator("main").get_by_role("button", name="Reopen").click()
    expect_message(stale, "Only a submitted stock count can be reopened")
    assert counts(server, notes)[0]["status"] == "counting"

    # Submitted again from the counting sheet, then approved: the variances are posted.
    page.locator("main").get_by_role("link", name="Enter counts").click()
    page.get_by_role("button", name="Save and submit").click()
    expect_status(page, "Submitted")
    stale.goto(detail_url)
    click_confirmed(page, "Approve and post variances")
    expect_status(page, "Approved")
    assert counts(server, notes)[0]["status"] == "approved"
    assert on_hand(server, same) == {bin_label: Decimal(10)}
    assert on_hand(server, short) == {bin_label: Decimal(3)}
    assert on_hand(server, found) == {bin_label: Decimal(2)}
    assert [row["kind"] for row in ledger(server, same)] == ["receipt"]
    (loss,) = [row for row in ledger(server, short) if row["kind"] == "count"]
    assert (loss["quantity"], loss["from"] or loss["to"]) in (("2", code), ("-2", code))
    (gain,) = ledger(server, found)
    assert (gain["kind"], gain["quantity"], gain["to"]) == ("count", "2", code)

    # The stale tab still shows Submitted: approving or cancelling again is refused.
    click_confirmed(stale, "Approve and post variances")
    expect_message(stale, "already been approved")
    stale.goto(detail_url)
    expect(stale.locator("main").get_by_role("button", name="Cancel count")).to_have_count(0)
    assert len(ledger(server, short)) == 2


def test_count_cancelled_posts_nothing(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    run = suffix()
    bin_label = make_location(server, f"CNX-{run}")
    sku = f"E2E-CTX-{run}"
    make_product(server, sku, stock=(("MAIN", bin_label.split("/")[1], "7"),))
    notes = f"E2E cancelled count {run}"
    page = signed_in(new_context)

    create_sheet(page, bin_label, notes)
    expect_status(page, "Counting")
    page.locator("main").get_by_role("link", name="Enter counts").click()
    counted(page, sku).fill("4")
    page.get_by_role("button", name="Save and submit").click()
    expect_status(page, "Submitted")

    stale, other = page.context.new_page(), page.context.new_page()
    stale.goto(page.url)
    other.goto(page.url)
    click_confirmed(page, "Cancel count")
    expect_status(page, "Cancelled")
    assert counts(server, notes)[0]["status"] == "cancelled"

    # From the stale tab: approving and cancelling the cancelled sheet are refused.
    click_confirmed(stale, "Approve and post variances")
    expect_message(stale, "A cancelled stock count cannot be approved")
    click_confirmed(other, "Cancel count")
    expect_message(other, "already cancelled")
    assert counts(server, notes)[0]["status"] == "cancelled"
    assert on_hand(server, sku) == {bin_label: Decimal(7)}
    assert [row["kind"] for row in ledger(server, sku)] == ["receipt"]


PHONE = {"width": 390, "height": 844}


def test_clerk_counts_on_a_phone_and_the_manager_approves(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    run = suffix()
    bin_label = make_location(server, f"PHN-{run}")
    code = bin_label.split("/")[1]
    sku = f"E2E-CTP-{run}"
    make_product(server, sku, stock=((("MAIN", code, "12"),)))
    notes = f"E2E phone count {run}"
    manager = signed_in(new_context, MANAGER)
    create_sheet(manager, bin_label, notes)
    expect_status(manager, "Counting")
    detail_url = manager.url

    # The clerk, on a phone-sized screen: the sheet fits the width, the number pad is asked for.
    clerk = signed_in(new_context, CLERK)
    clerk.set_viewport_size(PHONE)
    clerk.goto(detail_url)
    expect(
        clerk.locator("main").get_by_role("button", name="Approve and post variances")
    ).to_have_count(0)
    clerk.locator("main").get_by_role("link", name="Enter counts").click()
    box = counted(clerk, sku)
    expect(box).to_have_attribute("inputmode", "decimal")
    assert clerk.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the counting sheet scrolls sideways on a phone"
    )
    box.click()
    clerk.keyboard.type("11")
    clerk.get_by_role("button", name="Save and submit").click()
    expect_status(clerk, "Submitted")
    assert counts(server, notes)[0]["lines"] == {sku: ["12", "11"]}

    manager.reload()
    click_confirmed(manager, "Approve and post variances")
    expect_status(manager, "Approved")
    assert on_hand(server, sku) == {bin_label: Decimal(11)}
    assert [row["kind"] for row in ledger(server, sku)] == ["receipt", "count"]
