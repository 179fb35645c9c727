"""Each report's CSV and XLSX export has exactly the page's columns and rows (all pages)."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from openpyxl import load_workbook

from django.urls import reverse

from stockroom.inventory import services as stock

from .conftest import at

REPORTS = [
    pytest.param("valuation", {}, id="valuation-by-product"),
    pytest.param("valuation", {"group_by": "category"}, id="valuation-by-category"),
    pytest.param("valuation", {"group_by": "warehouse"}, id="valuation-by-warehouse"),
    pytest.param("movements", {}, id="movements"),
    pytest.param("movements", {"kind": "receipt"}, id="movements-receipts"),
    pytest.param("abc", {}, id="abc"),
    pytest.param("slow-movers", {"days": "30"}, id="slow-movers"),
    pytest.param("lot-expiry", {}, id="lot-expiry"),
]


def _normal(column, value) -> str:
    """One spelling for page values and exported cells, so they compare exactly."""
    if value is None or value == "":
        return ""
    if column.numeric:
        return f"{Decimal(str(value)).normalize():f}"
    if column.kind == "date" and isinstance(value, datetime):  # XLSX reads dates back as datetimes
        return value.date().isoformat()
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _page_rows(client, slug, query) -> tuple[list[str], list[list[str]]]:
    """Every page's rows, in order, following the pagination."""
    rows, page, columns = [], 1, None
    while True:
        response = client.get(reverse("reports:report", args=[slug]), {**query, "page": page})
        assert response.status_code == 200
        columns = response.context["columns"]
        for row in response.context["table"]:
            rows.append([_normal(column, value) for column, value in row["cells"]])
        if not response.context["page_obj"].has_next():
            return columns, rows
        page += 1


def _local(value):
    return value.astimezone().replace(tzinfo=None) if isinstance(value, datetime) else value


@pytest.fixture
def many_movements(stocked_org):
    """30 more receipts: the movement report runs over two pages."""
    for day in range(30):
        stock.stock_receive(
            organization=stocked_org["organization"],
            product=stocked_org["nut"],
            location=stocked_org["bin_s"],
            quantity=Decimal("1"),
            unit_cost=Decimal("1.25"),
            occurred_at=at(day % 25, hour=8),
        )
    return stocked_org


def _csv_rows(content: bytes) -> list[list]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx_rows(content: bytes) -> list[list]:
    # The workbook holds naive datetimes; the page shows them in the local time zone.
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [[_local(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


EXPORT_FORMATS = [
    pytest.param("csv", "text/csv; charset=utf-8", _csv_rows, id="csv"),
    pytest.param(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _xlsx_rows,
        id="xlsx",
    ),
]


@pytest.mark.parametrize(("export_format", "content_type", "read_rows"), EXPORT_FORMATS)
@pytest.mark.parametrize(("slug", "query"), REPORTS)
def test_export_matches_the_page(
    client, viewer, member_client, many_movements, slug, query, export_format, content_type,
    read_rows,
):  # fmt: skip
    member_client(viewer)
    columns, page_rows = _page_rows(client, slug, query)
    response = client.get(reverse("reports:report_export", args=[slug, export_format]), query)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    exported = read_rows(response.content)
    assert exported[0] == [str(column.label) for column in columns]
    assert [
        [_normal(column, cell) for column, cell in zip(columns, row, strict=True)]
        for row in exported[1:]
    ] == page_rows
    assert len(page_rows) > 0


def test_movement_export_has_every_page(client, viewer, member_client, many_movements):
    member_client(viewer)
    page = client.get(reverse("reports:report", args=["movements"]))
    assert len(page.context["table"]) == 25
    assert page.context["row_count"] == 34
    response = client.get(reverse("reports:report_export", args=["movements", "csv"]))
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 35


def test_xlsx_money_is_a_number_with_two_decimals(client, viewer, member_client, stocked_org):
    member_client(viewer)
    response = client.get(reverse("reports:report_export", args=["valuation", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    value = sheet.cell(row=2, column=header.index("Value") + 1)
    assert (value.data_type, value.number_format) == ("n", "#,##0.00")


def test_export_file_name_is_stamped_in_the_organization_time_zone(
    client, viewer, member_client, stocked_org
):
    organization = stocked_org["organization"]
    organization.time_zone = "Asia/Tokyo"
    organization.save(update_fields=["time_zone"])
    member_client(viewer)
    with mock.patch(
        "django.utils.timezone.now", return_value=datetime(2026, 3, 9, 20, 15, tzinfo=UTC)
    ):
        response = client.get(reverse("reports:report_export", args=["valuation", "csv"]))
    # 20:15 UTC is 05:15 the next morning in Tokyo.
    assert response["Content-Disposition"] == 'attachment; filename="valuation-20260310-0515.csv"'
