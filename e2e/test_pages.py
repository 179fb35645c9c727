"""Every page of the demo organization reachable from the navigation, and the detail and form
pages behind them, at 1280×800 and 390×844: a screenshot (the laptop's for the README and the CI
artifact), no sideways panning, and an axe-core check (WCAG 2.2 tap targets included) with no
serious or critical violation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page

from .conftest import SCREENSHOTS, VIEWPORT


def first_link(parent: str | Callable[[Page], str], pattern: str) -> Callable[[Page], str]:
    """A page one click away: the first link on `parent` (a path, or another such function)
    whose href matches `pattern`."""

    def resolve(page: Page) -> str:
        parent_path = parent if isinstance(parent, str) else parent(page)
        page.goto(parent_path)
        hrefs = page.eval_on_selector_all(
            "main a[href]", "links => links.map(link => link.getAttribute('href'))"
        )
        for href in hrefs:
            if re.fullmatch(pattern, href):
                return href
        raise AssertionError(f"no link matching {pattern} on {parent_path}")

    return resolve


PRODUCT = first_link("/catalog/products/", r"/catalog/products/\d+/")
PURCHASE_ORDER = first_link("/orders/purchase-orders/", r"/orders/purchase-orders/\d+/")


def either(*resolvers: Callable[[Page], str]) -> Callable[[Page], str]:
    """The first of `resolvers` that finds its link (another test may have moved a document on)."""

    def resolve(page: Page) -> str:
        for resolver in resolvers[:-1]:
            try:
                return resolver(page)
            except AssertionError:
                continue
        return resolvers[-1](page)

    return resolve


# A purchase order that can still be received: the demo's sent one, or a partly received one.
RECEIVE = either(
    *(
        first_link(
            first_link(
                f"/orders/purchase-orders/?status={status}", r"/orders/purchase-orders/\d+/"
            ),
            r"/orders/purchase-orders/\d+/receive/",
        )
        for status in ("sent", "partially_received")
    )
)
STOCK_COUNT = first_link("/orders/counts/", r"/orders/counts/\d+/")
# The Ship page of a sales order that still has something to ship.
SHIP = either(
    *(
        first_link(
            first_link(f"/orders/sales-orders/?status={status}", r"/orders/sales-orders/\d+/"),
            r"/orders/sales-orders/\d+/shipments/new/",
        )
        for status in ("confirmed", "partially_shipped")
    )
)


# name → path, or a function of a signed-in page that finds the path. Every page reachable from
# the navigation, plus the detail, form and edit pages one click further. The names are the
# screenshots' file names: the README links some of them, keep them stable.
PAGES: dict[str, str | Callable[[Page], str]] = {
    "dashboard": "/",
    # catalog
    "products": "/catalog/products/",
    "product-detail": PRODUCT,
    "product-form": "/catalog/products/new/",
    "product-edit": first_link("/catalog/products/", r"/catalog/products/\d+/edit/"),
    "product-history": first_link(PRODUCT, r"/history/catalog\.product/\d+/"),
    "categories": "/catalog/categories/",
    "category-detail": first_link("/catalog/categories/", r"/catalog/categories/\d+/"),
    "category-form": "/catalog/categories/new/",
    "suppliers": "/catalog/suppliers/",
    "supplier-detail": first_link("/catalog/suppliers/", r"/catalog/suppliers/\d+/"),
    "supplier-form": "/catalog/suppliers/new/",
    "customers": "/catalog/customers/",
    "customer-detail": first_link("/catalog/customers/", r"/catalog/customers/\d+/"),
    "customer-form": "/catalog/customers/new/",
    # inventory
    "stock-levels": "/inventory/stock/",
    "movements": "/inventory/movements/",
    "movement-form": "/inventory/movements/receive/",
    "movement-issue": "/inventory/movements/issue/",
    "movement-transfer": "/inventory/movements/transfer/",
    "movement-adjust": "/inventory/movements/adjust/",
    "warehouses": "/inventory/warehouses/",
    "warehouse-detail": first_link("/inventory/warehouses/", r"/inventory/warehouses/\d+/"),
    "warehouse-form": "/inventory/warehouses/new/",
    "locations": "/inventory/locations/",
    "location-detail": first_link("/inventory/locations/", r"/inventory/locations/\d+/"),
    "location-form": "/inventory/locations/new/",
    "location-range": "/inventory/locations/range/",
    # orders
    "purchase-orders": "/orders/purchase-orders/",
    "purchase-order-detail": PURCHASE_ORDER,
    "purchase-order-receive": RECEIVE,
    "purchase-order-form": "/orders/purchase-orders/new/",
    "sales-orders": "/orders/sales-orders/",
    "sales-order-detail": first_link("/orders/sales-orders/", r"/orders/sales-orders/\d+/"),
    "sales-order-form": "/orders/sales-orders/new/",
    "sales-order-ship": SHIP,
    "stock-counts": "/orders/counts/",
    "stock-count": STOCK_COUNT,
    # A count still being counted (another test may have submitted the first one).
    "stock-count-enter": first_link(
        first_link("/orders/counts/?status=counting", r"/orders/counts/\d+/"),
        r"/orders/counts/\d+/enter/",
    ),
    "stock-count-form": "/orders/counts/new/",
    "reorder-suggestions": "/orders/reorder/",
    # import / export
    "imports": "/imports/",
    "import-form": "/imports/new/",
    "exports": "/imports/exports/",
    # reports
    "reports": "/reports/",
    "valuation-report": "/reports/valuation/",
    "movement-report": "/reports/movements/",
    "abc-report": "/reports/abc/",
    "slow-movers-report": "/reports/slow-movers/",
    "lot-expiry-report": "/reports/lot-expiry/",
    "labels": "/labels/",
    "scan": "/scan/",
    # account and organization
    "team": "/accounts/members/",
    "notifications": "/notifications/",
    "profile": "/accounts/profile/",
    "password-change": "/accounts/password/change/",
    "organization-settings": "/accounts/organization/settings/",
    "new-organization": "/accounts/organization/new/",
}

# The WCAG 2.2 rule on tap targets (24×24 px, 2.5.8) is off in axe's defaults: turned on here.
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    resultTypes: ["violations"],
    rules: {"target-size": {enabled: true}},
  });
  return result.violations.map(violation => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.slice(0, 5).map(node => node.target.join(" ")),
  }));
}"""

PHONE = {"width": 390, "height": 844}
# A laptop (the README's screenshots) and a phone; the phone's screenshots end in "-phone".
WIDTHS = {"laptop": VIEWPORT, "phone": PHONE}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def open_page(page: Page, name: str) -> None:
    target = PAGES[name]
    path = target if isinstance(target, str) else target(page)
    response = page.goto(path)
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )
    # Parts loaded by htmx after the page (the product's stock) are part of what is checked.
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")


@pytest.fixture(params=list(WIDTHS))
def sized_page(request: pytest.FixtureRequest, demo_owner_page: Page) -> Iterator[Page]:
    """The shared signed-in page at one of the two widths, put back to the laptop's after."""
    demo_owner_page.set_viewport_size(WIDTHS[request.param])
    try:
        yield demo_owner_page
    finally:
        demo_owner_page.set_viewport_size(VIEWPORT)


def screenshot_name(page: Page, name: str) -> str:
    return f"{name}.png" if page.viewport_size == VIEWPORT else f"{name}-phone.png"


@pytest.mark.parametrize("name", list(PAGES))
def test_page(sized_page: Page, axe_source: str, name: str) -> None:
    """Screenshot; the page never pans sideways (wide tables scroll inside their own box);
    no serious or critical axe violation."""
    page = sized_page
    open_page(page, name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / screenshot_name(page, name), animations="disabled")

    assert page.evaluate(OVERFLOW) <= 0, f"{name} pans sideways at {page.viewport_size}"

    page.add_script_tag(content=axe_source)
    violations = page.evaluate(AXE_RUN)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}" for v in serious
    )


@pytest.mark.parametrize("width", [992, 1280, 1440])
def test_navigation_is_open_on_a_laptop(demo_owner_page: Page, width: int) -> None:
    """From 992 px the sections are shown, not behind a menu button, and none is cut off."""
    demo_owner_page.set_viewport_size({"width": width, "height": 800})
    try:
        open_page(demo_owner_page, "dashboard")
        navigation = demo_owner_page.get_by_role("navigation", name="Main navigation")
        assert not navigation.locator(".navbar-toggler").is_visible()
        for name in ("Catalog", "Inventory", "Orders", "Reports", "Owner"):
            button = navigation.get_by_role("button", name=re.compile(name)).first
            box = button.bounding_box()
            assert button.is_visible() and box is not None, name
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, name
        language = navigation.get_by_label("Language")
        box = language.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
    finally:
        demo_owner_page.set_viewport_size(VIEWPORT)
