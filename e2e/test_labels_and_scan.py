"""Labels and the Scan page as a warehouse clerk uses them: label sheets chosen on the Labels
page and opened as PDFs (pages and labels counted in the file), an unknown SKU refused with a
message; codes typed into the Scan page as a handheld scanner types them (a product barcode, a
LOC: code, a LOT: code) landing on their pages, an unknown code named, and a scanned location and
product opening a receipt that is posted and read back from the server's database."""

from __future__ import annotations

import base64
import math
import re
import zlib
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .catalog_helpers import (
    choose,
    click_button,
    db,
    expect_refused,
    field,
    main,
    sign_in_owner,
)
from .server import Server
from .test_movement_forms import stock

LABELS_PER_PAGE = 14
SKUS = [
    "FST-M6-30",
    "FST-M8-40",
    "FST-NUT-M8",
    "FST-WSH-M8",
    "FST-SCR-4x40",
    "FST-ANC-8",
    "TL-HAM-16",
    "TL-SCR-SET6",
    "TL-TAPE-5",
    "TL-PLR-8",
    "TL-LVL-60",
    "PT-DRL-18V",
    "PT-BAT-18V",
    "PT-SAW-CIRC",
    "EL-CBL-2.5",
    "EL-CBL-1.5",
]


@pytest.fixture
def owner_page(new_context: Callable[..., BrowserContext]) -> Page:
    return sign_in_owner(new_context)


# --- PDF reading (no PDF library is installed: the structure is enough) --------------------------


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def pdf_text(data: bytes) -> str:
    """The page content streams decoded (reportlab writes them ASCII85 + Flate encoded)."""
    text = []
    for header, body in re.findall(rb"<<([^<>]*?)>>\s*stream\r?\n(.*?)\s*endstream", data, re.S):
        if b"ASCII85Decode" in header:
            body = base64.a85decode(body.strip(), adobe=True)
        if b"FlateDecode" in header:
            try:
                body = zlib.decompress(body)
            except zlib.error:
                continue
        text.append(body.decode("latin-1"))
    return "\n".join(text)


def open_pdf(page: Page, form_id: str) -> bytes:
    """Submit a label form as a person does (it opens the PDF in a new tab) and return the PDF
    the tab was answered with. Headless Chromium may hand a PDF to its downloader instead of
    showing it, so the bytes are fetched again from the URL the form produced, in the session."""
    with page.context.expect_event(
        "response", lambda answer: re.search(r"/labels/\w+\.pdf", answer.url) is not None
    ) as answered:
        page.locator(f"#{form_id}").get_by_role("button", name="Open PDF").click()
    answer = answered.value
    assert answer.status == 200, answer.status
    assert answer.headers["content-type"] == "application/pdf"
    again = page.context.request.get(answer.url)
    return again.body()


def test_product_labels_as_a_pdf_and_an_unknown_sku(server: Server, owner_page: Page) -> None:
    page = owner_page
    page.goto("/labels/")
    form = page.locator("#labels-products")
    skus = field(form, "SKUs")
    # Typed as a person pastes them: lower case, commas and new lines mixed.
    skus.fill(", ".join(sku.lower() for sku in SKUS[:8]) + "\n" + "\n".join(SKUS[8:]))
    data = open_pdf(page, "labels-products")
    assert data.startswith(b"%PDF-")
    assert pdf_pages(data) == math.ceil(len(SKUS) / LABELS_PER_PAGE) == 2
    text = pdf_text(data)
    assert all(f"({sku})" in text for sku in SKUS), "every SKU is printed on its label"

    page.goto("/labels/")
    field(page.locator("#labels-products"), "SKUs").fill("TL-HAM-16, NO-SUCH-SKU")
    with page.expect_popup() as opened:
        page.locator("#labels-products").get_by_role("button", name="Open PDF").click()
    # The new tab lands back on the Labels page with the message instead of a PDF.
    popup = opened.value
    expect_refused(popup, "No active product has the SKU NO-SUCH-SKU.")
    expect(popup).to_have_url(re.compile(r"/labels/$"))


def test_location_labels_one_per_bin(server: Server, owner_page: Page) -> None:
    page = owner_page
    codes = db(
        server,
        """
from stockroom.inventory.models import Location
result = list(Location.objects.filter(warehouse__code="NORTH").values_list("code", flat=True))
""",
    )
    page.goto("/labels/")
    choose(field(page.locator("#labels-locations"), "Warehouse"), "NORTH")
    data = open_pdf(page, "labels-locations")
    assert pdf_pages(data) == math.ceil(len(codes) / LABELS_PER_PAGE)
    text = pdf_text(data)
    assert all(f"(LOC:NORTH/{code})" in text for code in codes)


# --- scanning ------------------------------------------------------------------------------------


def scan(page: Page, code: str) -> None:
    """A handheld scanner: the code typed key by key into the focused field, then Enter."""
    box = field(page, "Scan or type a code")
    expect(box).to_be_focused()
    page.keyboard.type(code, delay=15)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def scan_targets(server: Server) -> dict:
    return db(
        server,
        """
from stockroom.catalog.models import Product
from stockroom.inventory.models import Location, StockLevel
hammer = Product.objects.get(sku="TL-HAM-16")
bin_ = Location.objects.get(warehouse__code="MAIN", code="A-02")
level = StockLevel.objects.filter(lot__isnull=False, on_hand__gt=0).select_related(
    "lot__product"
).first()
result = {
    "barcode": hammer.barcode, "product": hammer.pk, "location": bin_.pk,
    "lot": f"LOT:{level.lot.product.sku}/{level.lot.lot_number}",
    "lot_product": level.lot.product_id,
}
""",
    )


def test_scanned_codes_land_on_their_pages(server: Server, owner_page: Page) -> None:
    page = owner_page
    targets = scan_targets(server)
    page.goto("/scan/")
    scan(page, targets["barcode"])
    expect(page).to_have_url(re.compile(rf"/catalog/products/{targets['product']}/$"))

    page.goto("/scan/")
    scan(page, "loc:main/a-02")
    expect(page).to_have_url(re.compile(rf"/inventory/locations/{targets['location']}/$"))

    page.goto("/scan/")
    scan(page, targets["lot"])
    expect(page).to_have_url(re.compile(rf"/inventory/products/{targets['lot_product']}/stock/$"))

    page.goto("/scan/")
    scan(page, "NOTHING-42")
    expect(page.locator("#scan-error")).to_have_text(
        "No product, location or lot matches “NOTHING-42”."
    )
    # The field is ready for the next scan.
    expect(field(page, "Scan or type a code")).to_be_focused()


def test_scan_a_bin_then_a_product_to_receive(server: Server, owner_page: Page) -> None:
    page = owner_page
    targets = scan_targets(server)
    before = stock(server, "TL-HAM-16")
    page.goto("/scan/")
    field(page, "Then").select_option(label="Receive stock")
    field(page, "Scan or type a code").focus()
    scan(page, "LOC:MAIN/A-05")
    expect(page.locator("#scan-location")).to_contain_text("Location MAIN/A-05 selected")
    scan(page, targets["barcode"])
    expect(page.get_by_role("heading", name="Receive stock")).to_be_visible()
    expect(page.get_by_role("combobox", name=re.compile("^Product"))).to_have_value(
        re.compile("TL-HAM-16")
    )
    expect(field(page, "Into location").locator("option:checked")).to_contain_text("A-05")
    field(page, "Quantity").fill("3")
    click_button(page, "Receive")
    expect(main(page).locator(".alert-success").first).to_be_visible()
    after = stock(server, "TL-HAM-16")
    assert after["MAIN/A-05"] - before.get("MAIN/A-05", Decimal(0)) == 3
    assert after["ledger"] == before["ledger"] + 1
