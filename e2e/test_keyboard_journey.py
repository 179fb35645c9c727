"""A clerk who uses no mouse: logs in, creates a product, receives stock of it into a bin and
creates and sends a purchase order for it, with Tab, Shift+Tab, Enter, Space, the arrow keys and
typing only (no click, no fill). Every focused control must show where the focus is. The
product, its stock, its ledger row and the order are then read from the server's database."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from .conftest import DEMO_PASSWORD
from .server import DEMO_OWNER, Server

ORGANIZATION = "demo-trading"
# More Tab presses than any page here needs to reach a control: a missing control fails, not hangs.
MAX_TABS = 120

# The focused element, and whether it shows a focus ring: an outline, or Bootstrap's focus shadow
# on form controls and buttons. None when nothing in the page has the focus.
FOCUS = """() => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) {
    return null;
  }
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    element: element.outerHTML.slice(0, 120),
    shown: outline || (style.boxShadow !== "" && style.boxShadow !== "none"),
  };
}"""


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def expect_focus_visible(page: Page) -> None:
    focus = page.evaluate(FOCUS)
    assert focus is not None, "nothing has the focus"
    assert focus["shown"], f"no visible focus on {focus['element']}"


def tab_to(page: Page, target: Locator, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus, checking each stop shows it."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        if target.count() == 1 and is_focused(target):
            expect_focus_visible(page)
            return
        page.keyboard.press(key)
        focus = page.evaluate(FOCUS)
        assert focus is None or focus["shown"], f"no visible focus on {focus['element']}"
    raise AssertionError(f"{target} not reached with {key}")


def open_menu_item(page: Page, section: str, item: str) -> None:
    """A navigation section's menu opened with Enter and its item chosen with the arrow keys."""
    # Whether the menu button shows depends on the stylesheet: read it once the page has loaded.
    page.wait_for_load_state("load")
    navigation = page.get_by_role("navigation", name="Main navigation")
    toggler = navigation.locator(".navbar-toggler")
    if toggler.is_visible():  # a narrow window: the sections are behind the menu button
        tab_to(page, toggler)
        page.keyboard.press("Enter")
    tab_to(page, navigation.get_by_role("button", name=section, exact=True))
    page.keyboard.press("Enter")
    link = navigation.get_by_role("link", name=item, exact=True)
    for _ in range(20):
        page.keyboard.press("ArrowDown")
        if is_focused(link):
            break
    else:
        raise AssertionError(f"{item} not reached with the arrow keys in {section}")
    expect_focus_visible(page)
    page.keyboard.press("Enter")


def choose_option(page: Page, select: Locator, text: str) -> None:
    """A focused <select> moved with the arrow keys until its chosen option shows `text`."""
    tab_to(page, select)
    chosen = select.locator("option:checked")
    for _ in range(select.locator("option").count()):
        if text in chosen.inner_text():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option with {text!r}")


def pick_product(page: Page, search: Locator, sku: str) -> None:
    """Type in the product picker, go down to the match, choose it with Enter."""
    tab_to(page, search)
    page.keyboard.type(sku, delay=20)
    expect(page.get_by_role("option", name=re.compile(re.escape(sku))).first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(search).to_have_value(re.compile(re.escape(sku)))


def label(page: Page, text: str) -> Locator:
    """The control labelled `text` (required fields' labels end with a hidden " *")."""
    return page.get_by_label(re.compile(rf"^{re.escape(text)}( \*)?$"))


def database(server: Server, body: str, imports: str = "") -> dict | int:
    """What `body` prints as JSON, run in the demo organization's scope on the server."""
    code = f"""
import json
{imports}
from stockroom.accounts.models import Organization
from stockroom.core.tenancy import organization_scope
organization = Organization.objects.get(slug={ORGANIZATION!r})
with organization_scope(organization.pk):
{"".join(f"    {line}" + chr(10) for line in body.strip().splitlines())}
"""
    return json.loads(server.python(code))


@pytest.fixture
def keyboard_page(new_context: Callable[..., BrowserContext]) -> Page:
    # Reduced motion turns Bootstrap's focus transitions off, so the focus ring is drawn when
    # the key press returns instead of 0.15 s later (read mid-transition it is still "none").
    page = new_context(reduced_motion="reduce").new_page()
    # "Send to supplier" asks for confirmation; the browser's dialog is answered with Enter.
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def test_product_receipt_and_purchase_order_with_the_keyboard_only(
    server: Server, keyboard_page: Page
) -> None:
    page = keyboard_page
    suffix = secrets.token_hex(3).upper()
    sku, name = f"KB-{suffix}", f"Keyboard crate {suffix}"

    # Log in.
    page.goto("/accounts/login/")
    main = page.locator("main")
    tab_to(page, label(main, "Email"))
    page.keyboard.type(DEMO_OWNER)
    page.keyboard.press("Tab")
    expect(label(main, "Password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))

    # A new product, from Catalog › Products › New product.
    open_menu_item(page, "Catalog", "Products")
    expect(page.get_by_role("heading", name="Products", level=1)).to_be_visible()
    tab_to(page, main.get_by_role("link", name="New product"))
    page.keyboard.press("Enter")
    tab_to(page, label(main, "SKU"))
    page.keyboard.type(sku)
    # Enter without a name: refused, the error summary takes the focus, nothing is saved.
    page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    assert (
        database(
            server,
            f"print(json.dumps(Product.objects.filter(sku={sku!r}).count()))",
            ("from stockroom.catalog.models import Product"),
        )
        == 0
    )
    # Its link takes the keyboard to the field; back with Shift+Tab to check the SKU was kept.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(label(main, "Name")).to_be_focused()
    page.keyboard.type(name)
    page.keyboard.press("Shift+Tab")
    expect(label(main, "SKU")).to_be_focused()
    expect(label(main, "SKU")).to_have_value(sku)
    tab_to(page, label(main, "Cost price"))
    page.keyboard.type("4.20")
    tab_to(page, main.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(re.escape(name)))).to_be_visible()

    # Stock received into a bin, from Inventory › Receipt.
    open_menu_item(page, "Inventory", "Receipt")
    expect(page.get_by_role("heading", name="Receive stock")).to_be_visible()
    with page.expect_response(lambda response: "/movements/" in response.url):
        pick_product(page, main.get_by_role("combobox", name=re.compile("^Product")), sku)
    choose_option(page, label(main, "Into location"), "C-06")
    page.keyboard.press("Tab")
    tab_to(page, label(main, "Quantity"))
    page.keyboard.type("12")
    tab_to(page, label(main, "Unit cost"))
    page.keyboard.type("4.50")
    tab_to(page, main.get_by_role("button", name="Receive"))
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success").first).to_be_visible()

    # A purchase order for it, from Orders › Purchase orders › New, then sent.
    open_menu_item(page, "Orders", "Purchase orders")
    tab_to(page, main.get_by_role("link", name=re.compile("New purchase order")))
    page.keyboard.press("Enter")
    supplier = label(main, "Supplier")
    tab_to(page, supplier)
    page.keyboard.press("ArrowDown")
    expect(supplier).not_to_have_value("")
    supplier_name = supplier.locator("option:checked").inner_text().strip()
    pick_product(page, main.locator("#id_lines-0-product_search"), sku)
    tab_to(page, main.locator("#id_lines-0-quantity"))
    page.keyboard.type("30")
    tab_to(page, main.locator("#id_lines-0-unit_price"))
    page.keyboard.type("4.10")
    tab_to(page, main.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/orders/purchase-orders/\d+/$"))
    order_pk = int(re.search(r"/(\d+)/$", page.url).group(1))
    send = main.get_by_role("button", name="Send to supplier")
    tab_to(page, send)
    page.keyboard.press("Space")
    expect(send).to_have_count(0)

    result = database(
        server,
        f"""
from stockroom.catalog.models import Product
from stockroom.inventory.models import StockLevel, StockMovement
from stockroom.orders.models import PurchaseOrder
product = Product.objects.get(sku={sku!r})
levels = {{
    f"{{level.location.warehouse.code}}/{{level.location.code}}": str(level.on_hand)
    for level in StockLevel.objects.filter(product=product).select_related("location__warehouse")
}}
ledger = [
    [movement.kind, str(movement.quantity), str(movement.unit_cost)]
    for movement in StockMovement.objects.filter(product=product)
]
order = PurchaseOrder.objects.get(pk={order_pk})
print(json.dumps({{
    "product": [product.name, str(product.cost_price)],
    "levels": levels,
    "ledger": ledger,
    "order": [order.status, order.supplier.name],
    "lines": [[line.product.sku, str(line.quantity), str(line.unit_price)]
              for line in order.lines.all()],
}}))
""",
    )
    assert result["product"][0] == name
    assert Decimal(result["product"][1]) == Decimal("4.20")
    assert {code: Decimal(q) for code, q in result["levels"].items()} == {
        code: Decimal(12) for code in result["levels"]
    }
    assert len(result["levels"]) == 1 and next(iter(result["levels"])).endswith("/C-06")
    assert len(result["ledger"]) == 1
    kind, quantity, unit_cost = result["ledger"][0]
    assert kind == "receipt" and Decimal(quantity) == 12 and Decimal(unit_cost) == Decimal("4.50")
    assert result["order"] == ["sent", supplier_name]
    assert [(s, Decimal(q), Decimal(p)) for s, q, p in result["lines"]] == [
        (sku, Decimal(30), Decimal("4.10"))
    ]
