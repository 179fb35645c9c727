"""The catalog's forms as a catalog manager uses them: categories, customers, suppliers,
products and a product's suppliers are created, edited and deleted through the pages, each form
also refused once (a duplicate, an empty or bad field, a record still in use), and every result
read back from the server's database; a refusal writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

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


@pytest.fixture
def owner_page(new_context: Callable[..., BrowserContext]) -> Page:
    return sign_in_owner(new_context)


def categories_named(server: Server, name: str) -> list[dict]:
    return db(
        server,
        f"""
from stockroom.catalog.models import Category
result = [
    {{"pk": row.pk, "name": row.name, "parent": row.parent.name if row.parent else None,
      "description": row.description}}
    for row in Category.objects.filter(name__iexact={name!r}).select_related("parent")
]
""",
    )


def category_by_pk(server: Server, pk: int) -> dict | None:
    return db(
        server,
        f"""
from stockroom.catalog.models import Category
row = Category.objects.filter(pk={pk}).select_related("parent").first()
result = row and {{"name": row.name, "parent": row.parent.name if row.parent else None,
                   "description": row.description}}
""",
    )


def test_category_create_edit_delete_and_refusals(server: Server, owner_page: Page) -> None:
    page, tag = owner_page, suffix()
    name = f"Fixings {tag}"
    page.goto("/catalog/categories/")
    main(page).get_by_role("link", name=re.compile("New category")).first.click()

    # A second "Fasteners" under Hardware: refused by name, nothing written.
    field(page, "Name").press_sequentially("fasteners")
    choose(field(page, "Parent category"), "Hardware")
    click_button(page, "Save")
    expect_refused(page, "already exists at this level")
    assert len(categories_named(server, "Fasteners")) == 1

    field(page, "Name").fill(name)
    field(page, "Description").fill("Rawl plugs and the like")
    click_button(page, "Save")
    expect_success(page, f"Category “{name}” was created.")
    [created] = categories_named(server, name)
    assert created["parent"] == "Hardware"
    assert created["description"] == "Rawl plugs and the like"

    # Edit: an empty name is refused and the row keeps its name; then renamed to the top.
    page.goto(f"/catalog/categories/{created['pk']}/")
    main(page).get_by_role("link", name="Edit").click()
    field(page, "Name").fill("")
    click_button(page, "Save")
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert category_by_pk(server, created["pk"])["name"] == name
    field(page, "Name").fill(f"{name} renamed")
    field(page, "Parent category").select_option(index=0)
    click_button(page, "Save")
    expect_success(page, f"Category “{name} renamed” was saved.")
    assert category_by_pk(server, created["pk"]) == {
        "name": f"{name} renamed",
        "parent": None,
        "description": "Rawl plugs and the like",
    }

    # Delete: a category with products is refused; the new, empty one goes.
    [fasteners] = categories_named(server, "Fasteners")
    page.goto(f"/catalog/categories/{fasteners['pk']}/")
    main(page).get_by_role("link", name="Delete").click()
    click_button(page, "Delete")
    expect_refused(page, "still has products")
    expect(main(page).get_by_role("button", name="Delete")).to_have_count(0)
    assert category_by_pk(server, fasteners["pk"]) is not None

    page.goto(f"/catalog/categories/{created['pk']}/")
    main(page).get_by_role("link", name="Delete").click()
    click_button(page, "Delete")
    expect_success(page, f"“{name} renamed” was deleted.")
    assert category_by_pk(server, created["pk"]) is None


def test_quick_category_refused_for_a_duplicate_name(server: Server, owner_page: Page) -> None:
    page = owner_page
    before = categories_named(server, "Cleaning")
    page.goto("/catalog/products/new/")
    field(page, "SKU").fill(f"E2E-QC-{suffix()}")
    page.get_by_text("New category", exact=True).click()
    block = page.locator("#category-quick-create")
    field(page, "Category name").press_sequentially("cleaning")
    block.get_by_role("button", name="Add category").click()
    expect(block.get_by_text("already exists at this level")).to_be_visible()
    assert categories_named(server, "Cleaning") == before


def product(server: Server, sku: str) -> dict | None:
    return db(
        server,
        f"""
from stockroom.catalog.models import Product
row = Product.objects.filter(sku={sku!r}).select_related("category").first()
result = row and {{
    "pk": row.pk, "name": row.name, "category": row.category.name if row.category else None,
    "unit": row.unit, "cost_price": str(row.cost_price), "sale_price": str(row.sale_price),
    "reorder_point": str(row.reorder_point), "reorder_quantity": str(row.reorder_quantity),
    "barcode": row.barcode, "is_active": row.is_active,
}}
""",
    )


def count_products(server: Server, **lookup: str) -> int:
    return db(
        server,
        f"""
from stockroom.catalog.models import Product
result = Product.objects.filter(**{lookup!r}).count()
""",
    )


def test_product_create_edit_delete_and_refusals(server: Server, owner_page: Page) -> None:
    page, tag = owner_page, suffix()
    sku = f"E2E-PRD-{tag}"
    page.goto("/catalog/products/new/")

    # An existing SKU, typed in lower case: refused on the SKU field, nothing written.
    field(page, "SKU").press_sequentially("tl-ham-16")
    field(page, "Name").press_sequentially(f"Second hammer {tag}")
    click_button(page, "Save")
    expect_refused(page, "A product with SKU TL-HAM-16 already exists.")
    assert count_products(server, sku__iexact="TL-HAM-16") == 1
    assert count_products(server, name=f"Second hammer {tag}") == 0

    field(page, "SKU").fill(sku.lower())
    field(page, "Name").fill(f"Mallet {tag}")
    choose(field(page, "Category"), "Hand tools")
    field(page, "Cost price").fill("6.40")
    field(page, "Sale price").fill("13.00")
    click_button(page, "Save")
    expect_success(page, "was created")
    created = product(server, sku)
    assert created is not None
    assert (created["name"], created["category"]) == (f"Mallet {tag}", "Hand tools")
    assert (created["cost_price"], created["sale_price"]) == ("6.4000", "13.00")

    # Edit: a reorder point without a reorder quantity is refused; then both are saved.
    main(page).get_by_role("link", name="Edit").click()
    field(page, "Reorder point").fill("5")
    field(page, "Reorder quantity").fill("0")
    click_button(page, "Save")
    expect_refused(page, "Set a reorder quantity above zero")
    assert product(server, sku) == created
    field(page, "Reorder quantity").fill("20")
    field(page, "Name").fill(f"Rubber mallet {tag}")
    click_button(page, "Save")
    expect_success(page, "was saved")
    edited = product(server, sku)
    assert edited["name"] == f"Rubber mallet {tag}"
    assert (edited["reorder_point"], edited["reorder_quantity"]) == ("5.000", "20.000")

    # Delete: a product with stock history is refused (deactivate instead); the new one goes.
    hammer = product(server, "TL-HAM-16")
    page.goto(f"/catalog/products/{hammer['pk']}/")
    main(page).get_by_role("link", name="Delete").click()
    click_button(page, "Delete")
    expect_refused(page, "has stock history")
    assert product(server, "TL-HAM-16") == hammer

    page.goto(f"/catalog/products/{created['pk']}/")
    main(page).get_by_role("link", name="Delete").click()
    click_button(page, "Delete")
    expect_success(page, "was deleted")
    assert product(server, sku) is None


def links(server: Server, sku: str) -> dict[str, dict]:
    return db(
        server,
        f"""
from stockroom.catalog.models import ProductSupplier
result = {{
    link.supplier.name: {{"pk": link.pk, "supplier_sku": link.supplier_sku,
                          "price": str(link.price), "lead_time_days": link.lead_time_days,
                          "is_preferred": link.is_preferred}}
    for link in ProductSupplier.objects.filter(product__sku={sku!r}).select_related("supplier")
}}
""",
    )


def test_product_supplier_link_create_edit_remove(server: Server, owner_page: Page) -> None:
    page, tag = owner_page, suffix()
    sku = f"E2E-LNK-{tag}"
    db(
        server,
        f"""
from stockroom.catalog import services
result = services.product_create(organization=organization, sku={sku!r}, name="Link me").pk
""",
    )
    pk = product(server, sku)["pk"]
    page.goto(f"/catalog/products/{pk}/")
    main(page).get_by_role("link", name="Add supplier").click()

    # A negative price is refused and no link is written.
    choose(field(page, "Supplier"), "ToolPro Distribution")
    field(page, "Supplier SKU").press_sequentially(f"TP-{tag}")
    field(page, "Price").fill("-2")
    click_button(page, "Save")
    expect_refused(page)
    assert links(server, sku) == {}

    field(page, "Price").fill("3.25")
    field(page, "Lead time (days)").fill("4")
    page.get_by_label("Preferred").check()
    click_button(page, "Save")
    expect_success(page, "was saved")
    [link] = links(server, sku).values()
    assert link["supplier_sku"] == f"TP-{tag}"
    assert (link["price"], link["lead_time_days"], link["is_preferred"]) == ("3.2500", 4, True)

    # Edit: an emptied lead time is refused; then the price changes.
    main(page).locator(f"#supplier-link-{link['pk']}").get_by_role("link", name="Edit").click()
    field(page, "Lead time (days)").fill("")
    click_button(page, "Save")
    expect_refused(page)
    assert links(server, sku)["ToolPro Distribution"] == link
    field(page, "Lead time (days)").fill("6")
    field(page, "Price").fill("3.10")
    click_button(page, "Save")
    expect_success(page, "was saved")
    changed = links(server, sku)["ToolPro Distribution"]
    assert (changed["price"], changed["lead_time_days"]) == ("3.1000", 6)

    # Remove, from two tabs: the first removes it, the second (stale) is refused with a 404.
    stale = page.context.new_page()
    stale.on("dialog", lambda dialog: dialog.accept())
    stale.goto(f"/catalog/products/{pk}/")
    row = main(page).locator(f"#supplier-link-{link['pk']}")
    row.get_by_role("button", name="Remove").click()
    expect_success(page, "no longer supplies this product")
    assert links(server, sku) == {}
    with stale.expect_response(lambda response: response.request.method == "POST") as answer:
        main(stale).locator(f"#supplier-link-{link['pk']}").get_by_role(
            "button", name="Remove"
        ).click()
    assert answer.value.status == 404
    assert links(server, sku) == {}


def party(server: Server, model: str, name: str) -> dict | None:
    return db(
        server,
        f"""
from stockroom.catalog.models import {model}
row = {model}.objects.filter(name={name!r}).first()
result = row and {{"pk": row.pk, "email": row.email, "phone": row.phone,
                   "is_active": row.is_active}}
""",
    )


def party_with_orders(server: Server, model: str, relation: str) -> dict:
    return db(
        server,
        f"""
from stockroom.catalog.models import {model}
row = {model}.objects.filter({relation}__isnull=False).distinct().first()
result = {{"pk": row.pk, "name": row.name}}
""",
    )


def create_edit_delete_party(
    server: Server, page: Page, *, model: str, path: str, existing: str, relation: str
) -> None:
    label, tag = model.capitalize(), suffix()
    name = f"E2E {label} {tag}"
    page.goto(f"/catalog/{path}/")
    main(page).get_by_role("link", name=re.compile(f"New {model.lower()}")).first.click()

    # The name of an existing one, in other case: refused, nothing written.
    field(page, "Name").press_sequentially(existing.upper())
    click_button(page, "Save")
    expect_refused(page, "already exists")
    assert party(server, model, existing.upper()) is None

    field(page, "Name").fill(name)
    field(page, "Email").fill(f"buyer-{tag.lower()}@example.com")
    field(page, "Phone").fill("+34 600 000 000")
    click_button(page, "Save")
    expect_success(page, f"{label} “{name}” was created.")
    created = party(server, model, name)
    assert created["email"] == f"buyer-{tag.lower()}@example.com"

    # Edit: a malformed email is refused and the stored one stays.
    main(page).get_by_role("link", name="Edit").click()
    field(page, "Email").fill("not an email")
    click_button(page, "Save")
    expect_refused(page, "valid email")
    assert party(server, model, name) == created
    field(page, "Email").fill(f"stores-{tag.lower()}@example.com")
    page.get_by_label("Active").uncheck()
    click_button(page, "Save")
    expect_success(page, f"{label} “{name}” was saved.")
    assert party(server, model, name) == {
        **created,
        "email": f"stores-{tag.lower()}@example.com",
        "is_active": False,
    }

    # Delete: one with orders is refused; the new one goes.
    busy = party_with_orders(server, model, relation)
    page.goto(f"/catalog/{path}/{busy['pk']}/")
    main(page).get_by_role("link", name="Delete").click()
    click_button(page, "Delete")
    expect_refused(page, "Orders refer to this")
    assert party(server, model, busy["name"]) is not None

    page.goto(f"/catalog/{path}/{created['pk']}/")
    main(page).get_by_role("link", name="Delete").click()
    click_button(page, "Delete")
    expect_success(page, f"“{name}” was deleted.")
    assert party(server, model, name) is None


def test_supplier_create_edit_delete_and_refusals(server: Server, owner_page: Page) -> None:
    create_edit_delete_party(
        server,
        owner_page,
        model="Supplier",
        path="suppliers",
        existing="ToolPro Distribution",
        relation="purchase_orders",
    )


def test_customer_create_edit_delete_and_refusals(server: Server, owner_page: Page) -> None:
    create_edit_delete_party(
        server,
        owner_page,
        model="Customer",
        path="customers",
        existing="Sunrise Hotel",
        relation="sales_orders",
    )
