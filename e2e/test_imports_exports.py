"""Files in and out, as an office clerk moves them: a products CSV and an opening-stock CSV
uploaded on the Imports page (the job followed on the page until it finishes, then the products,
stock and ledger read from the server's database), broken files refused with the row and column
named and nothing written, and exports prepared on the Exports page and from a report, downloaded
through the browser and read back as CSV and XLSX."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .catalog_helpers import (
    click_button,
    db,
    expect_refused,
    field,
    main,
    sign_in_owner,
    suffix,
)
from .server import Server


@pytest.fixture
def owner_page(new_context: Callable[..., BrowserContext]) -> Page:
    return sign_in_owner(new_context)


def upload(page: Page, kind: str, name: str, content: str) -> None:
    page.goto("/imports/")
    main(page).get_by_role("link", name=re.compile("New import|Import a file|Import")).first.click()
    expect(page.get_by_role("heading", name="Import from a file")).to_be_visible()
    field(page, "What to import").select_option(label=kind)
    field(page, "File").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    click_button(page, "Upload and import")


def wait_for_job(page: Page, status: str) -> None:
    """The detail page polls the job; wait until it shows `status` (succeeded or failed)."""
    expect(page.locator("#import-job")).to_have_attribute("data-job-status", status)


def products(server: Server, prefix: str) -> dict[str, dict]:
    return db(
        server,
        f"""
from stockroom.catalog.models import Product
from stockroom.inventory.models import StockLevel, StockMovement
result = {{}}
for product in Product.objects.filter(sku__startswith={prefix!r}).select_related("category"):
    result[product.sku] = {{
        "name": product.name,
        "category": product.category.name if product.category else None,
        "unit": product.unit,
        "cost_price": str(product.cost_price),
        "levels": {{
            f"{{level.location.warehouse.code}}/{{level.location.code}}": str(level.on_hand)
            for level in StockLevel.objects.filter(product=product).select_related(
                "location__warehouse"
            )
        }},
        "ledger": [
            [movement.kind, str(movement.quantity), movement.reference]
            for movement in StockMovement.objects.filter(product=product)
        ],
    }}
""",
    )


def test_products_then_opening_stock_imported(server: Server, owner_page: Page) -> None:
    page, tag = owner_page, suffix()
    prefix = f"E2E-IMP-{tag}-"
    upload(
        page,
        "Products",
        f"products-{tag}.csv",
        "sku,name,category,unit,cost_price,sale_price\n"
        f"{prefix}1,Hinge 75 mm {tag},Hardware/Fasteners,each,1.2000,2.50\n"
        f"{prefix}2,Door stop {tag},Hardware/Fasteners,box,3.4000,6.90\n",
    )
    wait_for_job(page, "succeeded")
    expect(page.get_by_role("status")).to_contain_text("2 products created, 0 updated")
    imported = products(server, prefix)
    assert sorted(imported) == [f"{prefix}1", f"{prefix}2"]
    assert imported[f"{prefix}1"]["name"] == f"Hinge 75 mm {tag}"
    assert imported[f"{prefix}1"]["category"] == "Fasteners"
    assert (imported[f"{prefix}2"]["unit"], imported[f"{prefix}2"]["cost_price"]) == (
        "box",
        "3.4000",
    )
    assert all(row["levels"] == {} and row["ledger"] == [] for row in imported.values())

    upload(
        page,
        "Opening stock",
        f"opening-{tag}.csv",
        "sku,warehouse,location,quantity,unit_cost\n"
        f"{prefix}1,MAIN,A-01,12,1.20\n"
        f"{prefix}1,NORTH,C-02,3,1.20\n"
        f"{prefix}2,MAIN,B-03,5,3.40\n",
    )
    wait_for_job(page, "succeeded")
    expect(page.get_by_role("status")).to_contain_text("Received 3 opening-stock rows.")
    stocked = products(server, prefix)
    assert stocked[f"{prefix}1"]["levels"] == {"MAIN/A-01": "12.000", "NORTH/C-02": "3.000"}
    assert stocked[f"{prefix}2"]["levels"] == {"MAIN/B-03": "5.000"}
    ledger = stocked[f"{prefix}1"]["ledger"]
    assert sorted(quantity for _kind, quantity, _reference in ledger) == ["12.000", "3.000"]
    assert {kind for kind, _quantity, _reference in ledger} == {"receipt"}
    assert all(reference.startswith("Import #") for _kind, _quantity, reference in ledger)


def test_broken_files_are_refused_and_write_nothing(server: Server, owner_page: Page) -> None:
    page, tag = owner_page, suffix()
    prefix = f"E2E-BAD-{tag}-"
    # Row 3 has a cost that is not a number: the whole file is refused, row 2 included.
    upload(
        page,
        "Products",
        f"broken-{tag}.csv",
        f"sku,name,cost_price\n{prefix}1,Good row {tag},1.00\n{prefix}2,Bad row {tag},cheap\n",
    )
    wait_for_job(page, "failed")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported: 1 problem")
    problem = page.locator("#import-errors tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("td").nth(0)).to_have_text("3")
    expect(problem.locator("td").nth(1)).to_have_text("cost_price")
    assert products(server, prefix) == {}

    # Opening stock into a location the warehouse does not have: refused by row, nothing written.
    before = products(server, "TL-HAM-16")
    upload(
        page,
        "Opening stock",
        f"opening-broken-{tag}.csv",
        "sku,warehouse,location,quantity\nTL-HAM-16,MAIN,A-01,4\nTL-HAM-16,MAIN,NOPE-9,4\n",
    )
    wait_for_job(page, "failed")
    problem = page.locator("#import-errors tbody tr")
    expect(problem.locator("td").nth(0)).to_have_text("3")
    expect(problem.locator("td").nth(1)).to_have_text("location")
    assert products(server, "TL-HAM-16") == before

    # Not a CSV or XLSX file: the form refuses it before any job exists.
    jobs = db(
        server, "from stockroom.imports.models import ImportJob\nresult = ImportJob.objects.count()"
    )
    page.goto("/imports/new/")
    field(page, "File").set_input_files(
        {"name": f"notes-{tag}.txt", "mimeType": "text/plain", "buffer": b"sku,name\n"}
    )
    click_button(page, "Upload and import")
    expect_refused(page, "Upload a .csv or .xlsx file")
    assert (
        db(
            server,
            "from stockroom.imports.models import ImportJob\nresult = ImportJob.objects.count()",
        )
        == jobs
    )


def prepare_export(page: Page, kind: str, file_format: str) -> Path:
    page.goto("/")
    page.get_by_role("button", name="Import / export").click()
    page.get_by_role("link", name="Exports").click()
    field(page, "What to export").select_option(label=kind)
    field(page, "Format").select_option(label=file_format)
    click_button(page, "Prepare the file")
    download_link = (
        main(page).locator("#export-job").get_by_role("link", name=re.compile("^Download"))
    )
    with page.expect_download() as started:
        download_link.click()
    download = started.value
    path = Path(download.path())
    assert download.suggested_filename
    return path


def test_exports_downloaded_as_csv_and_xlsx(server: Server, owner_page: Page) -> None:
    page, tag = owner_page, suffix()
    sku = f"E2E-EXP-{tag}"
    db(
        server,
        f"""
from decimal import Decimal
from stockroom.catalog import services
result = services.product_create(
    organization=organization, sku={sku!r}, name="Export me {tag}", cost_price=Decimal("2.5")
).pk
""",
    )

    rows = list(
        csv.reader(io.StringIO(prepare_export(page, "Products", "CSV").read_text("utf-8-sig")))
    )
    header = rows[0]
    by_sku = {row[header.index("sku")]: row for row in rows[1:]}
    assert by_sku[sku][header.index("name")] == f"Export me {tag}"
    assert "TL-HAM-16" in by_sku
    job = db(
        server,
        """
from stockroom.imports.models import ExportJob
job = ExportJob.objects.order_by("-pk").first()
result = {"kind": job.kind, "format": job.format, "status": job.status, "rows": job.row_count}
""",
    )
    assert job == {
        "kind": "products",
        "format": "csv",
        "status": "succeeded",
        "rows": len(rows) - 1,
    }

    workbook = openpyxl.load_workbook(
        io.BytesIO(prepare_export(page, "Stock levels", "Excel (XLSX)").read_bytes())
    )
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    header = [str(cell).lower() for cell in values[0]]
    assert any("sku" in column for column in header)
    skus = {row[next(i for i, c in enumerate(header) if "sku" in c)] for row in values[1:]}
    assert "TL-HAM-16" in skus

    # A refused request: the end date before the start date, no job written.
    jobs = db(
        server, "from stockroom.imports.models import ExportJob\nresult = ExportJob.objects.count()"
    )
    page.goto("/imports/exports/")
    field(page, "What to export").select_option(label="Stock movements")
    field(page, "Movements from").fill("2026-03-10")
    field(page, "Movements to").fill("2026-03-01")
    click_button(page, "Prepare the file")
    expect_refused(page, "The end date is before the start date.")
    assert (
        db(
            server,
            "from stockroom.imports.models import ExportJob\nresult = ExportJob.objects.count()",
        )
        == jobs
    )


def test_report_export_action_downloads_a_workbook(server: Server, owner_page: Page) -> None:
    page, tag = owner_page, suffix()
    sku = f"E2E-VAL-{tag}"
    db(
        server,
        f"""
from decimal import Decimal
from stockroom.catalog import services as catalog
from stockroom.inventory import services as inventory
from stockroom.inventory.models import Location
product = catalog.product_create(organization=organization, sku={sku!r}, name="Valued {tag}")
inventory.stock_receive(
    organization=organization, product=product, quantity=Decimal("7"),
    location=Location.objects.get(warehouse__code="MAIN", code="A-02"), unit_cost=Decimal("2"),
)
result = product.pk
""",
    )
    page.goto("/reports/valuation/")
    with page.expect_download() as started:
        main(page).get_by_role("link", name="Export XLSX").click()
    assert started.value.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(started.value.path()).read_bytes()))
    rows = [row for row in workbook.active.iter_rows(values_only=True) if sku in row]
    assert len(rows) == 1
    numbers = {Decimal(str(cell)) for cell in rows[0] if isinstance(cell, int | float | Decimal)}
    assert {Decimal(7), Decimal(14)} <= numbers  # quantity and value (7 at 2.00)
