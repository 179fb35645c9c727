"""The list pages on a phone (390×844, touch): their key columns fit the screen without sideways
scrolling (secondary columns are hidden below the md breakpoint, in step with their headers),
the filters fold behind a "Filters" button that says whether it is open, and every control is a
tap target of at least 24×24 px (WCAG 2.5.8). On a laptop the filters stay open."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import DEMO_PASSWORD, log_in
from .server import DEMO_OWNER

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}

# name → (path, whether it has filters)
LISTS: dict[str, tuple[str, bool]] = {
    "products": ("/catalog/products/", True),
    "categories": ("/catalog/categories/", True),
    "suppliers": ("/catalog/suppliers/", True),
    "customers": ("/catalog/customers/", True),
    "stock-levels": ("/inventory/stock/", True),
    "movements": ("/inventory/movements/", True),
    "warehouses": ("/inventory/warehouses/", True),
    "bins": ("/inventory/locations/", True),
    "purchase-orders": ("/orders/purchase-orders/", True),
    "sales-orders": ("/orders/sales-orders/", True),
    "counts": ("/orders/counts/", True),
    "reorder": ("/orders/reorder/", False),
    "notifications": ("/notifications/", False),
    "imports": ("/imports/", False),
    "exports": ("/imports/exports/", False),
    "team": ("/accounts/members/", False),
}

# Per table box: how much wider its table is than the box, and the number of shown header cells
# against the shown cells of the first body row (a hidden header over a shown cell shifts all).
TABLES = """() => [...document.querySelectorAll("main .table-responsive")].map(box => {
  const shown = cells => [...cells].filter(cell => cell.offsetParent !== null).length;
  const table = box.querySelector("table");
  const head = table.querySelector("thead tr");
  const row = [...table.querySelectorAll("tbody tr")].find(r => !r.querySelector("[colspan]"));
  return {
    label: (table.querySelector("caption") || box.closest("section, .card") || box).textContent
      .trim().slice(0, 40),
    overflow: box.scrollWidth - box.clientWidth,
    head: head ? shown(head.children) : null,
    row: row ? shown(row.children) : null,
  };
})"""

# Shown controls smaller than 24×24 px. Links inside running text are exempt (WCAG 2.5.8).
SMALL_TARGETS = """() => [...document.querySelectorAll("main :is(" +
  "button, .btn, select, input:not([type=hidden]), textarea, .page-link, .form-check-input)"
)].filter(element => element.offsetParent !== null).map(element => {
  const box = element.getBoundingClientRect();
  return {target: element.outerHTML.slice(0, 100), width: box.width, height: box.height};
}).filter(target => target.width < 24 || target.height < 24)"""

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def phone_page(new_context: Callable[..., BrowserContext]) -> Page:
    context = new_context(has_touch=True, is_mobile=True)
    page = context.new_page()
    log_in(page, DEMO_OWNER, DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    return page


@pytest.mark.parametrize("name", list(LISTS))
def test_list_on_a_phone(phone_page: Page, name: str) -> None:
    page = phone_page
    path, has_filters = LISTS[name]
    response = page.goto(path)
    assert response is not None and response.status == 200

    assert page.evaluate(OVERFLOW) <= 0, "the page pans sideways"
    for table in page.evaluate(TABLES):
        assert table["overflow"] <= 0, f"{table['label']}: columns wider than the screen"
        if table["head"] is not None and table["row"] is not None:
            assert table["head"] == table["row"], f"{table['label']}: headers out of step"
    assert page.evaluate(SMALL_TARGETS) == []

    main = page.locator("main")
    toggle = main.get_by_role("button", name="Filters")
    search = main.get_by_role("search")
    if not has_filters:
        expect(toggle).to_have_count(0)
        return
    # Folded: the button says so and points at the filters, which are hidden.
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    controls = toggle.get_attribute("aria-controls")
    assert controls and page.locator(f"#{controls} form[role=search]").count() == 1
    region = page.locator(f"#{controls}")
    expect(search).to_be_hidden()
    # Each tap waits for the end of the sliding (Bootstrap ignores a tap while it slides).
    toggle.tap()
    expect(region).to_have_class(re.compile(r"\bcollapse show\b"))
    expect(search).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert page.evaluate(SMALL_TARGETS) == []
    toggle.tap()
    expect(region).not_to_have_class(re.compile(r"\b(show|collapsing)\b"))
    expect(search).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # On a laptop the same filters are shown, folded or not, and the button is gone.
    page.set_viewport_size(LAPTOP)
    expect(search).to_be_visible()
    expect(toggle).to_be_hidden()


def test_a_filter_in_use_shows_the_filters_open_on_a_phone(phone_page: Page) -> None:
    """A list narrowed by its URL (a shared link, a reload) shows what narrows it."""
    page = phone_page
    page.goto("/catalog/products/?q=TL-")
    toggle = page.locator("main").get_by_role("button", name="Filters")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("searchbox", name="Search")).to_have_value(re.compile("TL-"))
