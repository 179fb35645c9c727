"""A Spanish-speaking clerk: switches the interface to Spanish in the navigation, creates a
product and receives stock of it through the Spanish labels, and the pages show no English in
the navigation and the forms. The product, the stock and the saved language are read back from
the server's database."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from playwright.sync_api import BrowserContext, Locator, Page, expect

from .accounts_helpers import PASSWORD, create_account, run_json, unique, user_state
from .conftest import field, log_in
from .navigation import expand_navigation
from .server import Server

# English words of the navigation and of the two forms that must not show once in Spanish
# (whole words: "Inventory" must not match inside "Inventario").
ENGLISH_NAVIGATION = ["Dashboard", "Inventory", "Catalog", "Orders", "Reports", "Log out", "Team"]
ENGLISH_PRODUCT_FORM = ["Name", "Cost price", "Sale price", "Category", "Save", "Cancel"]
ENGLISH_RECEIPT_FORM = ["Receive stock", "Into location", "Quantity", "Unit cost", "Receive"]


def english_in(scope: Locator, words: list[str]) -> list[str]:
    text = scope.evaluate("element => element.textContent")
    return [word for word in words if re.search(rf"\b{re.escape(word)}\b", text)]


def assert_no_english(scope: Locator, words: list[str]) -> None:
    found = english_in(scope, words)
    assert found == [], f"untranslated English in {scope}: {found}"


def setup_organization(server: Server, email: str, company: str) -> None:
    create_account(server, email, organizations={company: "owner"})
    run_json(
        server,
        f"""
import json
from stockroom.accounts.models import Organization
from stockroom.core.tenancy import organization_scope
from stockroom.inventory import services
organization = Organization.objects.get(name={company!r})
with organization_scope(organization.pk):
    warehouse = services.warehouse_create(organization=organization, code="MAD", name="Madrid")
    services.location_create(organization=organization, warehouse=warehouse, code="A-01")
print(json.dumps(organization.pk))
""",
    )


def product_and_stock(server: Server, company: str, sku: str) -> dict | None:
    return run_json(
        server,
        f"""
import json
from stockroom.accounts.models import Organization
from stockroom.catalog.models import Product
from stockroom.core.tenancy import organization_scope
from stockroom.inventory.models import StockLevel
organization = Organization.objects.get(name={company!r})
with organization_scope(organization.pk):
    product = Product.objects.filter(sku={sku!r}).first()
    levels = product and {{
        level.location.code: str(level.on_hand)
        for level in StockLevel.objects.filter(product=product).select_related("location")
    }}
print(json.dumps(product and {{"name": product.name, "levels": levels}}))
""",
    )


def open_menu_item(page: Page, menu: str, item: str) -> None:
    expand_navigation(page)
    page.locator("#main-nav").get_by_role("button", name=menu).click()
    page.locator("#main-nav").get_by_role("link", name=item, exact=True).click()


def test_spanish_clerk_creates_a_product_and_receives_it(
    server: Server, new_context: Callable[..., BrowserContext]
) -> None:
    email = f"{unique('lucia')}@espanol.test"
    company = unique("Ferretería Sol")
    sku = unique("ES").upper()
    setup_organization(server, email, company)
    page = new_context().new_page()
    log_in(page, email, PASSWORD)

    # In English first: the words looked for are really there, so their absence later counts.
    assert english_in(page.locator("#main-nav"), ENGLISH_NAVIGATION) == ENGLISH_NAVIGATION

    # The switcher in the navigation, as a person finds it.
    expand_navigation(page)
    page.get_by_label("Language").select_option("es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    navigation = page.locator("#main-nav")
    expect(navigation).to_contain_text("Inventario")
    assert_no_english(navigation, ENGLISH_NAVIGATION)
    assert user_state(server, email)["language"] == "es"  # kept for the next log-in

    # A product, through the Spanish labels.
    open_menu_item(page, "Catálogo", "Productos")
    page.locator("main").get_by_role("link", name="Nuevo producto").first.click()
    form = page.locator("main form").first
    expect(field(page, "Nombre")).to_be_visible()
    assert_no_english(form, ENGLISH_PRODUCT_FORM)
    field(page, "SKU").fill(sku)
    field(page, "Nombre").fill("Martillo de carpintero")
    field(page, "Precio de costo").fill("4.00")
    field(page, "Precio de venta").fill("9.50")
    page.locator("main").get_by_role("button", name="Guardar", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Martillo de carpintero")
    assert product_and_stock(server, company, sku) == {
        "name": "Martillo de carpintero",
        "levels": {},
    }

    # Stock received into the only bin, from the Spanish menu.
    open_menu_item(page, "Inventario", "Recepción")
    expect(page.get_by_role("heading", name="Recibir existencias")).to_be_visible()
    assert_no_english(page.locator("main"), ENGLISH_RECEIPT_FORM)
    search = page.get_by_role("combobox", name=re.compile("^Producto"))
    search.click()
    search.press_sequentially(sku, delay=20)
    option = page.get_by_role("option", name=re.compile(re.escape(sku)))
    with page.expect_response(
        lambda response: response.request.method == "GET" and "/movements/" in response.url
    ):
        option.first.click()
    expect(page.locator("#id_product")).not_to_have_value("")
    into = field(page, "A la ubicación")
    into.select_option(value=into.locator("option", has_text="A-01").first.get_attribute("value"))
    field(page, "Cantidad").fill("12")
    field(page, "Costo unitario").fill("4.00")
    page.locator("main").get_by_role("button", name="Recibir", exact=True).click()
    expect(page.locator("[data-message-level=success]").first).to_be_visible()
    assert_no_english(page.locator("#main-nav"), ENGLISH_NAVIGATION)
    levels = product_and_stock(server, company, sku)["levels"]
    assert {code: Decimal(quantity) for code, quantity in levels.items()} == {"A-01": 12}
