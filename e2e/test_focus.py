"""Focus after a failed submit and on "Add line", done with the keyboard: the error summary
takes focus, its links move focus into the field, and the corrected form is saved."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import DEMO_PASSWORD, field, log_in
from .server import DEMO_OWNER, Server

ORGANIZATION = "demo-trading"


def in_organization(server: Server, body: str) -> str:
    """Run `body` (which prints its answer) inside the demo organization's scope."""
    code = f"""
import json
from stockroom.accounts.models import Organization
from stockroom.core.tenancy import organization_scope
organization = Organization.objects.get(slug={ORGANIZATION!r})
with organization_scope(organization.pk):
{"".join(f"    {line}" + chr(10) for line in body.strip().splitlines())}
"""
    return server.python(code).strip()


def active_id(page: Page) -> str:
    return page.evaluate("document.activeElement.id")


def expect_summary_focused(page: Page) -> None:
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()


@pytest.fixture
def owner_page(new_context: Callable[..., BrowserContext]) -> Page:
    page = new_context().new_page()
    log_in(page, DEMO_OWNER, DEMO_PASSWORD)
    return page


def test_product_form_error_summary_with_the_keyboard(server: Server, owner_page: Page) -> None:
    page = owner_page
    page.goto("/catalog/products/new/")
    field(page, "Name").fill("Focus test mug")
    field(page, "Name").press("Enter")  # submitted without a SKU

    expect_summary_focused(page)
    page.keyboard.press("Tab")
    expect(page.locator("[data-error-summary] a").first).to_be_focused()
    page.keyboard.press("Enter")
    assert active_id(page) == "id_sku"

    page.keyboard.type("FOCUS-MUG-1")
    page.keyboard.press("Enter")
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    saved = in_organization(
        server,
        """
from stockroom.catalog.models import Product
print(json.dumps(list(Product.objects.filter(sku="FOCUS-MUG-1").values_list("name", flat=True))))
""",
    )
    assert json.loads(saved) == ["Focus test mug"]


def test_purchase_order_add_line_and_error_summary(server: Server, owner_page: Page) -> None:
    page = owner_page
    page.goto("/orders/purchase-orders/new/")
    rows = page.locator("#lines-body tr")
    before = rows.count()

    add = page.get_by_role("button", name="Add line")
    add.focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(before + 1)
    new_search = page.locator(f"#id_lines-{before}-product_search")
    expect(new_search).to_be_focused()

    # The new line typed and picked with the keyboard; the supplier left out.
    page.keyboard.type("TL-HAM-16", delay=20)
    option = page.get_by_role("option", name=re.compile("TL-HAM-16"))
    expect(option.first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator(f"#id_lines-{before}-product")).not_to_have_value("")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.locator(f"#id_lines-{before}-unit_price").fill("2.50")
    save = page.locator("main").get_by_role("button", name="Save")
    save.focus()
    page.keyboard.press("Enter")

    expect_summary_focused(page)
    link = page.locator("[data-error-summary] a", has_text="Supplier")
    link.focus()
    page.keyboard.press("Enter")
    assert active_id(page) == "id_supplier"
    supplier = page.locator("#id_supplier")
    supplier.select_option(index=1)
    supplier_name = supplier.locator("option:checked").inner_text().strip()
    save.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/orders/purchase-orders/\d+/$"))

    order_pk = re.search(r"/(\d+)/$", page.url).group(1)
    saved = in_organization(
        server,
        f"""
from stockroom.orders.models import PurchaseOrder
order = PurchaseOrder.objects.get(pk={order_pk})
lines = [[line.product.sku, str(line.quantity)] for line in order.lines.all()]
print(json.dumps({{"supplier": order.supplier.name, "lines": lines}}))
""",
    )
    result = json.loads(saved)
    assert result["supplier"] == supplier_name
    assert [(sku, Decimal(quantity)) for sku, quantity in result["lines"]] == [
        ("TL-HAM-16", Decimal("3"))
    ]
