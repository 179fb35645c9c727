"""Consistency as a person sees it: a manual Issue is recorded and listed as an issue (not a
shipment), quantities show the unit's decimals without trailing zeros, and each exportable list
starts its export from an Export button. Every result is read back from the server's database."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import DEMO_PASSWORD, field, log_in
from .server import DEMO_OWNER, Server

ORGANIZATION = "demo-trading"
SCOPE = f"""
import json
from decimal import Decimal
from stockroom.accounts.models import Organization
from stockroom.core.tenancy import organization_scope
organization = Organization.objects.get(slug={ORGANIZATION!r})
"""


def stocked_kilo_product(server: Server, quantity: str) -> dict:
    """A new kilogram product of the demo organization with `quantity` received into the first
    active bin: its sku, pk and bin label."""
    sku = f"H5-KG-{secrets.token_hex(3).upper()}"
    code = (
        SCOPE
        + f"""
from stockroom.catalog.models import Product
from stockroom.inventory.models import Location
from stockroom.inventory.services import stock_receive
with organization_scope(organization.pk):
    product = Product.objects.create(
        organization=organization, sku={sku!r}, name="Consistency flour", unit="kg"
    )
    location = (
        Location.objects.filter(is_active=True, warehouse__is_active=True)
        .select_related("warehouse")
        .order_by("warehouse__code", "code")
        .first()
    )
    stock_receive(
        organization=organization, product=product, location=location,
        quantity=Decimal({quantity!r}), unit_cost=Decimal("1.25"),
    )
    print(json.dumps({{"sku": product.sku, "pk": product.pk, "bin": location.label}}))
"""
    )
    return json.loads(server.python(code))


def ledger(server: Server, sku: str) -> list[list[str]]:
    """[kind, quantity] of each movement of `sku`, oldest first."""
    code = (
        SCOPE
        + f"""
from stockroom.inventory.models import StockMovement
with organization_scope(organization.pk):
    rows = StockMovement.objects.filter(product__sku={sku!r}).order_by("pk")
    print(json.dumps([[row.kind, f"{{row.quantity.normalize():f}}"] for row in rows]))
"""
    )
    return json.loads(server.python(code))


def export_job(server: Server, pk: int) -> dict:
    code = (
        SCOPE
        + f"""
from stockroom.imports.models import ExportJob
with organization_scope(organization.pk):
    job = ExportJob.objects.get(organization=organization, pk={pk})
    print(json.dumps({{
        "kind": job.kind, "format": job.format, "status": job.status,
        "by": job.created_by.email, "name": job.download_name,
    }}))
"""
    )
    return json.loads(server.python(code))


def export_jobs_between(server: Server, date_from: str, date_to: str) -> int:
    code = (
        SCOPE
        + f"""
from stockroom.imports.models import ExportJob
with organization_scope(organization.pk):
    print(ExportJob.objects.filter(
        organization=organization, date_from={date_from!r}, date_to={date_to!r}
    ).count())
"""
    )
    return int(server.python(code))


@pytest.fixture
def owner_page(new_context: Callable[..., BrowserContext]) -> Page:
    page = new_context().new_page()
    log_in(page, DEMO_OWNER, DEMO_PASSWORD)
    return page


def pick(page: Page, sku: str) -> None:
    search = page.get_by_role("combobox", name=re.compile("^Product"))
    search.click()
    search.press_sequentially(sku, delay=20)
    option = page.get_by_role("option", name=re.compile(re.escape(sku)))
    expect(option.first).to_be_visible()
    with page.expect_response(
        lambda response: response.request.method == "GET" and "/movements/" in response.url
    ):
        option.first.click()
    expect(page.locator("#id_product")).not_to_have_value("")


def choose_location(page: Page, label: str, bin_label: str) -> None:
    select = field(page, label)
    value = select.locator("option", has_text=bin_label).first.get_attribute("value")
    select.select_option(value=value)


def test_a_manual_issue_is_an_issue_with_a_clean_quantity(server: Server, owner_page: Page) -> None:
    page = owner_page
    product = stocked_kilo_product(server, "20")
    sku = product["sku"]

    # The product page shows the whole kilograms without ".000".
    page.goto(f"/catalog/products/{product['pk']}/")
    expect(page.locator("#product-stock-on-hand")).to_have_text("20")

    page.goto("/inventory/movements/")
    page.locator("main").get_by_role("link", name="Issue", exact=True).click()
    pick(page, sku)
    choose_location(page, "From location", product["bin"])
    field(page, "Quantity").fill("2.5")
    field(page, "Reason code").select_option(label="Sample")
    page.locator("main").get_by_role("button", name="Issue").click()
    expect(page.locator(".alert, .messages").first).to_be_visible()

    assert ledger(server, sku) == [["receipt", "20"], ["issue", "2.5"]]

    # The ledger calls it an Issue, never a Shipment, and filters it as one.
    page.goto(f"/inventory/movements/?q={sku}")
    rows = page.locator("main table tbody tr", has_text=sku)
    expect(rows).to_have_count(2)
    issued = rows.filter(has_text="Issue")
    expect(issued).to_have_count(1)
    expect(issued).to_contain_text("2.5")
    expect(issued).not_to_contain_text("2.500")
    expect(page.locator("main table tbody")).not_to_contain_text("Shipment")
    field(page, "Kind").select_option(label="Issue")
    expect(page.locator("main table tbody tr", has_text=sku)).to_have_count(1)


def test_an_issue_beyond_the_stock_is_refused(server: Server, owner_page: Page) -> None:
    page = owner_page
    product = stocked_kilo_product(server, "3")
    page.goto("/inventory/movements/issue/")
    pick(page, product["sku"])
    choose_location(page, "From location", product["bin"])
    field(page, "Quantity").fill("4")
    field(page, "Reason code").select_option(label="Damage")
    page.locator("main").get_by_role("button", name="Issue").click()
    expect(page.locator("[data-error-summary], .alert-danger").first).to_be_visible()

    assert ledger(server, product["sku"]) == [["receipt", "3"]]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        pytest.param("/catalog/products/", "products", id="products"),
        pytest.param("/inventory/stock/", "stock_levels", id="stock-levels"),
        pytest.param("/inventory/movements/", "movements", id="movements"),
    ],
)
def test_export_button_of_a_list(server: Server, owner_page: Page, path: str, kind: str) -> None:
    page = owner_page
    page.goto(path)
    page.get_by_label("Export format").select_option(label="Excel (XLSX)")
    page.locator("main").get_by_role("button", name="Export", exact=True).click()

    expect(page).to_have_url(re.compile(r"/imports/exports/\d+/$"))
    pk = int(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.get_by_role("link", name=re.compile("^Download"))).to_be_visible()
    job = export_job(server, pk)
    assert (job["kind"], job["format"], job["status"], job["by"]) == (
        kind,
        "xlsx",
        "succeeded",
        DEMO_OWNER,
    )
    assert re.fullmatch(rf"{kind}-\d{{8}}-\d{{4}}\.xlsx", job["name"]), job["name"]


def test_an_export_with_an_inverted_range_is_refused(server: Server, owner_page: Page) -> None:
    page = owner_page
    page.goto("/imports/exports/")
    field(page, "What to export").select_option(label="Stock movements")
    field(page, "Movements from").fill("2011-05-02")
    field(page, "Movements to").fill("2011-05-01")
    page.locator("main").get_by_role("button", name="Prepare the file").click()

    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert export_jobs_between(server, "2011-05-02", "2011-05-01") == 0
