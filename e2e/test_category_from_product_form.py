"""The catalog manager adds a product and, without leaving its form, a category for it: the
block's errors stay in the block, the product's typed fields survive, and both rows are saved."""

from __future__ import annotations

import json
from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from .conftest import DEMO_PASSWORD, field, log_in
from .server import DEMO_OWNER, Server

ORGANIZATION = "demo-trading"


def saved(server: Server, sku: str) -> dict[str, str | None]:
    code = f"""
import json
from stockroom.accounts.models import Organization
from stockroom.catalog.models import Product
from stockroom.core.tenancy import organization_scope
organization = Organization.objects.get(slug={ORGANIZATION!r})
with organization_scope(organization.pk):
    product = Product.objects.select_related("category__parent").get(sku={sku!r})
    print(json.dumps({{
        "name": product.name,
        "category": product.category.name if product.category else None,
        "parent": product.category.parent.name
        if product.category and product.category.parent else None,
    }}))
"""
    return json.loads(server.python(code))


def test_new_category_from_the_product_form(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context().new_page()
    log_in(page, DEMO_OWNER, DEMO_PASSWORD)
    page.goto("/catalog/products/new/")
    field(page, "SKU").fill("E2E-CAT-1")
    field(page, "Name").fill("Ethiopia Guji, green")

    page.get_by_text("New category", exact=True).click()
    block = page.locator("#category-quick-create")
    block.get_by_role("button", name="Add category").click()
    expect(block.get_by_text("This field is required.")).to_be_visible()

    block_name = field(page, "Category name")
    block_name.fill("Green coffee E2E")
    parent = field(page, "Parent category")
    parent.select_option(index=1)
    parent_name = parent.locator("option:checked").inner_text().strip()
    block_name.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Green coffee E2E")
    expect(page.locator("#id_category option:checked")).to_contain_text("Green coffee E2E")
    # What was typed in the product form before is still there.
    expect(field(page, "SKU")).to_have_value("E2E-CAT-1")
    expect(field(page, "Name")).to_have_value("Ethiopia Guji, green")

    page.locator("main form").first.get_by_role("button", name="Save").click()
    expect(page.locator(".alert, .messages").first).to_be_visible()
    assert saved(server, "E2E-CAT-1") == {
        "name": "Ethiopia Guji, green",
        "category": "Green coffee E2E",
        "parent": parent_name.lstrip("— ").strip(),
    }
