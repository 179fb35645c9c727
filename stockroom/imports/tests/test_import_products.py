"""Product imports: good files create and update exactly, bad files write nothing."""

from decimal import Decimal

import pytest

from stockroom.catalog.models import Category, Product
from stockroom.catalog.tests.factories import CategoryFactory, ProductFactory
from stockroom.imports.models import ImportPhase, JobStatus
from stockroom.imports.tests.factories import PRODUCT_HEADER, csv_bytes, job_errors, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    PRODUCT_HEADER,
    [
        "ham-16",
        "Claw hammer",
        "Tools/Hand tools",
        "each",
        "7.5",
        "14.90",
        "10",
        "40",
        "4006381333931",
        "Fibreglass handle",
        "false",
        "true",
    ],
    [
        "NAIL-1KG",
        "Nails 1 kg",
        "Tools/Fixings",
        "kg",
        "3.1234",
        "5",
        "2.5",
        "10.125",
        "",
        "",
        "no",
        "yes",
    ],
    ["OLD-1", "Renamed product", "", "box", "1", "2", "0", "0", "", "", "", ""],
]


def _products(organization):
    return {
        p.sku: (
            p.name,
            p.category.name if p.category else None,
            p.unit,
            p.cost_price,
            p.sale_price,
            p.reorder_point,
            p.reorder_quantity,
            p.barcode,
            p.description,
            p.is_lot_tracked,
            p.is_active,
        )
        for p in Product.objects.for_organization(organization).select_related("category")
    }


EXPECTED = {
    "HAM-16": (
        "Claw hammer",
        "Hand tools",
        "each",
        Decimal("7.5"),
        Decimal("14.90"),
        Decimal("10"),
        Decimal("40"),
        "4006381333931",
        "Fibreglass handle",
        False,
        True,
    ),
    "NAIL-1KG": (
        "Nails 1 kg",
        "Fixings",
        "kg",
        Decimal("3.1234"),
        Decimal("5"),
        Decimal("2.5"),
        Decimal("10.125"),
        "",
        "",
        False,
        True,
    ),
    "OLD-1": (
        "Renamed product",
        None,
        "box",
        Decimal("1"),
        Decimal("2"),
        Decimal("0"),
        Decimal("0"),
        "",
        "",
        False,
        True,
    ),
}


@pytest.mark.parametrize(
    ("fmt", "content"),
    [
        pytest.param("csv", csv_bytes(GOOD_ROWS), id="csv"),
        pytest.param("csv", csv_bytes(GOOD_ROWS, bom=True), id="csv-with-bom"),
        pytest.param("xlsx", xlsx_bytes(GOOD_ROWS), id="xlsx"),
    ],
)
def test_good_file_creates_and_updates_exactly(
    organization, other_organization, run_import, fmt, content
):
    old = ProductFactory(organization=organization, sku="OLD-1", name="Old name", unit="box")
    tools = CategoryFactory(organization=organization, name="Tools")
    foreign = ProductFactory(organization=other_organization, sku="HAM-16", name="Not ours")

    job = run_import(content, fmt=fmt)

    assert (job.status, job.phase, job.total_rows, job.processed_rows) == (
        JobStatus.SUCCEEDED,
        ImportPhase.DONE,
        3,
        3,
    )
    assert (job.created_count, job.updated_count, job.error_report) == (2, 1, [])
    assert _products(organization) == EXPECTED
    old.refresh_from_db()
    assert old.name == "Renamed product"
    hand_tools = Category.objects.for_organization(organization).get(name="Hand tools")
    assert hand_tools.parent_id == tools.pk
    assert sorted(
        Category.objects.for_organization(organization).values_list("name", flat=True)
    ) == ["Fixings", "Hand tools", "Tools"]
    foreign.refresh_from_db()
    assert foreign.name == "Not ours"


def test_xlsx_numeric_and_boolean_cells(organization, run_import):
    rows = [
        PRODUCT_HEADER,
        ["P-1", "Widget", None, "each", 2.25, 3, 4, 5, 12345, None, True, False],
    ]

    job = run_import(xlsx_bytes(rows), fmt="xlsx")

    assert job.status == JobStatus.SUCCEEDED
    product = Product.objects.for_organization(organization).get()
    assert (product.cost_price, product.sale_price, product.reorder_point) == (
        Decimal("2.25"),
        Decimal("3"),
        Decimal("4"),
    )
    assert (product.barcode, product.is_lot_tracked, product.is_active) == ("12345", True, False)


def test_only_the_required_columns_is_enough(organization, run_import):
    job = run_import(csv_bytes([["SKU", "Name"], ["a-1", "Alpha"]]))

    assert job.status == JobStatus.SUCCEEDED
    product = Product.objects.for_organization(organization).get()
    assert (product.sku, product.name, product.unit, product.is_active) == (
        "A-1",
        "Alpha",
        "each",
        True,
    )


BAD_ROWS = [
    PRODUCT_HEADER,
    ["GOOD-1", "Fine", "", "each", "1", "1", "0", "0", "", "", "", ""],
    ["", "No sku", "", "each", "1", "1", "0", "0", "", "", "", ""],
    ["NEG-1", "Negative", "", "each", "-1", "1", "0", "0", "", "", "", ""],
    ["UNIT-1", "Bad unit", "", "crate", "1", "1", "0", "0", "", "", "", ""],
    ["GOOD-1", "Duplicate", "", "each", "1", "1", "0", "0", "", "", "", ""],
    ["PREC-1", "Too precise", "", "each", "1.12345", "1.999", "1.5", "2", "", "", "", ""],
    ["TYPE-1", "Not a number", "", "each", "abc", "1", "0", "0", "", "", "maybe", ""],
    ["ROP-1", "Reorder", "", "each", "1", "1", "5", "0", "", "", "", ""],
]


def test_bad_rows_write_nothing_and_are_all_reported(organization, run_import):
    job = run_import(csv_bytes(BAD_ROWS))

    assert (job.status, job.created_count, job.updated_count) == (JobStatus.FAILED, 0, 0)
    assert Product.objects.for_organization(organization).count() == 0
    assert Category.objects.for_organization(organization).count() == 0
    assert [(e["row"], e["field"]) for e in job.error_report] == [
        (3, "sku"),
        (4, "cost_price"),
        (5, "unit"),
        (6, "sku"),
        (7, "cost_price"),
        (7, "sale_price"),
        (7, "reorder_point"),
        (8, "cost_price"),
        (8, "is_lot_tracked"),
        (9, "reorder_quantity"),
    ]
    messages = {(e["row"], e["field"]): e["message"] for e in job.error_report}
    assert messages[(3, "sku")] == "This value is required."
    assert messages[(4, "cost_price")] == "Cannot be negative."
    assert (
        messages[(5, "unit")]
        == "Unknown unit “crate”. Use one of: each, box, pack, kg, g, l, ml, m."
    )
    assert messages[(6, "sku")] == "SKU GOOD-1 appears more than once in the file (first on row 2)."
    assert messages[(7, "cost_price")] == "At most 4 decimal places."
    assert messages[(7, "reorder_point")] == "Must be a whole number for this unit."
    assert messages[(8, "cost_price")] == "“abc” is not a number."


def test_barcode_of_another_product_is_refused(organization, run_import):
    ProductFactory(organization=organization, sku="HAS-CODE", barcode="111")

    job = run_import(csv_bytes([["sku", "name", "barcode"], ["NEW-1", "New", "111"]]))

    assert job.status == JobStatus.FAILED
    assert job_errors(job) == [(2, "barcode", "Barcode 111 is already used by product HAS-CODE.")]
    assert Product.objects.for_organization(organization).count() == 1


def test_wrong_encoding_is_a_clear_job_error(organization, run_import):
    content = csv_bytes([["sku", "name"], ["CAFE-1", "Café crème"]], encoding="latin-1")

    job = run_import(content)

    assert job.status == JobStatus.FAILED
    assert job_errors(job) == [
        (
            0,
            "",
            "The file is not UTF-8 encoded (line 2 has a character that is not "
            "UTF-8). Save it as “CSV UTF-8” and upload it again.",
        )
    ]
    assert Product.objects.for_organization(organization).count() == 0


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param(
            ["name", "unit"],
            "Missing required columns: sku.",
            id="missing-sku",
        ),
        pytest.param(
            ["cost_price"],
            "Missing required columns: sku, name.",
            id="missing-both",
        ),
        pytest.param(
            ["sku", "name", "colour"],
            "Unknown columns: colour.",
            id="unknown-column",
        ),
    ],
)
def test_missing_or_unknown_columns_are_named(organization, run_import, header, message):
    job = run_import(csv_bytes([header, ["x"] * len(header)]))

    assert job.status == JobStatus.FAILED
    assert len(job.error_report) == 1
    assert job.error_report[0]["message"] == (
        f"{message} The columns are: sku, name, category, unit, cost_price, sale_price, "
        "reorder_point, reorder_quantity, barcode, description, is_lot_tracked, active."
    )
    assert Product.objects.for_organization(organization).count() == 0


def test_not_an_xlsx_file(organization, run_import):
    job = run_import(b"PK\x03\x04 not really a zip", fmt="xlsx")

    assert job.status == JobStatus.FAILED
    assert job.error_report[0]["message"] == "The file is not a valid Excel (XLSX) workbook."


def test_header_only_file(organization, run_import):
    job = run_import(csv_bytes([PRODUCT_HEADER]))

    assert job.status == JobStatus.FAILED
    assert job.error_report[0]["message"] == "The file has a header but no rows."


def test_existing_sku_matches_whatever_its_case(organization, run_import):
    product = ProductFactory(organization=organization, sku="lower-1", name="Old")

    job = run_import(csv_bytes([["sku", "name"], ["LOWER-1", "New"]]))

    assert (job.status, job.created_count, job.updated_count) == (JobStatus.SUCCEEDED, 0, 1)
    product.refresh_from_db()
    assert (product.sku, product.name) == ("lower-1", "New")
    assert Product.objects.for_organization(organization).count() == 1


def test_unit_of_a_product_with_stock_history_cannot_change(organization, run_import):
    from stockroom.inventory.tests.factories import StockLevelFactory

    level = StockLevelFactory(organization=organization, product__sku="STOCKED")

    job = run_import(csv_bytes([["sku", "name", "unit"], ["STOCKED", "Stocked", "kg"]]))

    assert job.status == JobStatus.FAILED
    assert job_errors(job) == [
        (2, "unit", "The unit and lot tracking of STOCKED cannot change: it has stock history.")
    ]
    level.product.refresh_from_db()
    assert level.product.unit == "each"


@pytest.mark.parametrize(
    ("content", "row", "message"),
    [
        pytest.param(
            b'sku,name\nA-1,Hammer\nB-1,"Nails\nC-1,Saw\nD-1,Drill\n',
            3,
            "Row 3 (line 3) opens a quoted cell that is never closed, so every line after it "
            "would be read into that cell. Close the quote and upload the file again. Nothing "
            "was imported.",
            id="unclosed-quote",
        ),
        pytest.param(
            b'sku,name\nA-1,"multi\nline"\nB-1,"Nai"ls\nC-1,Saw\n',
            3,
            "Row 3 (line 4) could not be read: ',' expected after '\"'. Nothing was imported.",
            id="text-after-closing-quote",
        ),
    ],
)
def test_broken_csv_quoting_names_the_row_and_imports_nothing(
    organization, run_import, content, row, message
):
    job = run_import(content)

    assert job.status == JobStatus.FAILED
    assert job_errors(job) == [(row, "", message)]
    assert Product.objects.for_organization(organization).count() == 0


def test_quoted_cells_over_several_lines_still_import(organization, run_import):
    job = run_import(b'sku,name,description\nA-1,Hammer,"Two\nlines"\nB-1,Saw,\n')

    assert job.status == JobStatus.SUCCEEDED
    assert dict(
        Product.objects.for_organization(organization).values_list("sku", "description")
    ) == {"A-1": "Two\nlines", "B-1": ""}
