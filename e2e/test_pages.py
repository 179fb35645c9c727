"""Every main page of the demo organization: a 1280×800 screenshot for the README and the CI
artifact, and an axe-core check with no serious or critical violation."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from .conftest import SCREENSHOTS, VIEWPORT


def first_link(list_path: str, pattern: str) -> Callable[[Page], str]:
    """A detail page: the first link on `list_path` whose href matches `pattern`."""

    def resolve(page: Page) -> str:
        page.goto(list_path)
        hrefs = page.eval_on_selector_all(
            "main a[href]", "links => links.map(link => link.getAttribute('href'))"
        )
        for href in hrefs:
            if re.fullmatch(pattern, href):
                return href
        raise AssertionError(f"no link matching {pattern} on {list_path}")

    return resolve


# name → path, or a function of a signed-in page that finds the path.
PAGES: dict[str, str | Callable[[Page], str]] = {
    "dashboard": "/",
    "products": "/catalog/products/",
    "product-detail": first_link("/catalog/products/", r"/catalog/products/\d+/"),
    "stock-levels": "/inventory/stock/",
    "movements": "/inventory/movements/",
    "movement-form": "/inventory/movements/receive/",
    "location-range": "/inventory/locations/range/",
    "purchase-orders": "/orders/purchase-orders/",
    "purchase-order-detail": first_link(
        "/orders/purchase-orders/", r"/orders/purchase-orders/\d+/"
    ),
    "sales-order-detail": first_link("/orders/sales-orders/", r"/orders/sales-orders/\d+/"),
    "stock-count": first_link("/orders/counts/", r"/orders/counts/\d+/"),
    "reorder-suggestions": "/orders/reorder/",
    "team": "/accounts/members/",
    "notifications": "/notifications/",
    "imports": "/imports/",
    "exports": "/imports/exports/",
    "reports": "/reports/",
    "valuation-report": "/reports/valuation/",
}

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(violation => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.slice(0, 5).map(node => node.target.join(" ")),
  }));
}"""


def open_page(page: Page, name: str) -> None:
    target = PAGES[name]
    path = target if isinstance(target, str) else target(page)
    response = page.goto(path)
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )
    page.evaluate("document.fonts.ready")


@pytest.mark.parametrize("name", list(PAGES))
def test_screenshot(demo_owner_page: Page, name: str) -> None:
    open_page(demo_owner_page, name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    demo_owner_page.screenshot(path=SCREENSHOTS / f"{name}.png", animations="disabled")


@pytest.mark.parametrize("name", list(PAGES))
def test_accessibility(demo_owner_page: Page, axe_source: str, name: str) -> None:
    open_page(demo_owner_page, name)
    demo_owner_page.add_script_tag(content=axe_source)
    violations = demo_owner_page.evaluate(AXE_RUN)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}" for v in serious
    )


PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("name", list(PAGES))
def test_no_sideways_panning_on_a_phone(demo_owner_page: Page, name: str) -> None:
    """Wide tables scroll inside their own box; the page itself never pans sideways."""
    demo_owner_page.set_viewport_size(PHONE)
    try:
        open_page(demo_owner_page, name)
        assert demo_owner_page.evaluate(OVERFLOW) <= 0
    finally:
        demo_owner_page.set_viewport_size(VIEWPORT)


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
