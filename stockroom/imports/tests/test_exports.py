"""Exports contain exactly the organization's rows, in CSV and XLSX."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from openpyxl import load_workbook

from stockroom.catalog.tests.factories import CategoryFactory, ProductFactory
from stockroom.core.exceptions import ApplicationError
from stockroom.imports import services
from stockroom.imports.models import ExportJob, JobStatus
from stockroom.imports.tests.factories import ExportJobFactory
from stockroom.inventory import services as inventory
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def _read(job: ExportJob) -> list[list[str]]:
    """The file's rows as text, whatever its format."""
    with job.file.open("rb") as handle:
        content = handle.read()
    if job.format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = [
        ["" if value is None else str(value) for value in row]
        for row in workbook.worksheets[0].iter_rows(values_only=True)
    ]
    workbook.close()
    return rows


def _run(organization, owner, **fields) -> ExportJob:
    job = ExportJobFactory(organization=organization, created_by=owner.user, **fields)
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def _receive_at(moment: datetime, **receipt) -> None:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        inventory.stock_receive(**receipt)


@pytest.fixture
def stock(organization, other_organization):
    tools = CategoryFactory(organization=organization, name="Tools")
    hand = CategoryFactory(organization=organization, name="Hand tools", parent=tools)
    hammer = ProductFactory(
        organization=organization,
        sku="HAM-16",
        name="=HYPERLINK(1)",
        category=hand,
        cost_price=Decimal("7.5"),
        sale_price=Decimal("14.9"),
        barcode="400",
    )
    ProductFactory(organization=organization, sku="NAIL", name="Nails", unit="kg", is_active=False)
    ProductFactory(organization=other_organization, sku="THEIRS", name="Not ours")
    location = LocationFactory(
        organization=organization,
        warehouse=WarehouseFactory(organization=organization, code="MAIN"),
        code="A-01",
    )
    their_location = LocationFactory(organization=other_organization, code="X-1")
    their_product = ProductFactory(organization=other_organization, sku="THEIRS-2")
    march, april = datetime(2026, 3, 2, 9, 30, tzinfo=UTC), datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
    ours = {"organization": organization, "product": hammer, "location": location}
    _receive_at(march, **ours, quantity=Decimal("5"), unit_cost=Decimal("7.5"), reference="PO-1")
    _receive_at(
        march,
        organization=other_organization,
        product=their_product,
        location=their_location,
        quantity=Decimal("9"),
    )
    _receive_at(april, **ours, quantity=Decimal("2"), unit_cost=Decimal("7.5"), reference="PO-2")
    return hammer


FORMATS = [pytest.param("csv", id="csv"), pytest.param("xlsx", id="xlsx")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_products_export(organization, owner, stock, fmt):
    job = _run(organization, owner, kind="products", format=fmt)

    assert (job.status, job.row_count) == (JobStatus.SUCCEEDED, 2)
    rows = _read(job)
    assert rows[0] == list(services.PRODUCT_COLUMNS)
    name = "'=HYPERLINK(1)" if fmt == "csv" else "=HYPERLINK(1)"
    if fmt == "csv":
        assert rows[1:] == [
            [
                "HAM-16",
                name,
                "Tools/Hand tools",
                "each",
                "7.50",
                "14.90",
                "0",
                "0",
                "400",
                "",
                "false",
                "true",
            ],
            [
                "NAIL",
                "Nails",
                "",
                "kg",
                "2.00",
                "4.00",
                "0",
                "0",
                "",
                "",
                "false",
                "false",
            ],
        ]
    else:
        assert [row[:4] + row[8:] for row in rows[1:]] == [
            ["HAM-16", name, "Tools/Hand tools", "each", "400", "", "false", "true"],
            ["NAIL", "Nails", "", "kg", "", "", "false", "false"],
        ]
        assert [Decimal(value) for value in rows[1][4:8]] == [
            Decimal("7.5"),
            Decimal("14.9"),
            Decimal("0"),
            Decimal("0"),
        ]


def test_xlsx_keeps_formula_like_text_as_text(organization, owner, stock):
    job = _run(organization, owner, kind="products", format="xlsx")

    with job.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    cell = workbook.worksheets[0]["B2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


@pytest.mark.parametrize("fmt", FORMATS)
def test_stock_levels_export(organization, owner, stock, fmt):
    job = _run(organization, owner, kind="stock_levels", format=fmt)

    rows = _read(job)
    assert rows[0] == [
        "sku",
        "name",
        "warehouse",
        "location",
        "lot_number",
        "expiry_date",
        "on_hand",
        "reserved",
        "available",
    ]
    assert len(rows) == 2
    assert rows[1][:6] == [
        "HAM-16",
        "=HYPERLINK(1)" if fmt == "xlsx" else "'=HYPERLINK(1)",
        "MAIN",
        "A-01",
        "",
        "",
    ]
    assert [Decimal(value) for value in rows[1][6:]] == [Decimal("7"), Decimal("0"), Decimal("7")]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("date_from", "date_to", "references"),
    [
        pytest.param(None, None, ["PO-1", "PO-2"], id="all"),
        pytest.param(date(2026, 3, 2), date(2026, 3, 2), ["PO-1"], id="one-day"),
        pytest.param(date(2026, 3, 3), None, ["PO-2"], id="from"),
    ],
)
def test_movements_export(organization, owner, stock, fmt, date_from, date_to, references):
    job = _run(
        organization, owner, kind="movements", format=fmt, date_from=date_from, date_to=date_to
    )

    rows = _read(job)
    assert rows[0][:5] == ["occurred_at_utc", "kind", "sku", "name", "quantity"]
    assert [row[9] for row in rows[1:]] == references
    assert {row[2] for row in rows[1:]} == {"HAM-16"}
    assert job.row_count == len(references)


def test_export_create_refuses_an_inverted_range(organization, owner):
    with pytest.raises(ApplicationError) as refused:
        services.export_job_create(
            organization=organization,
            user=owner.user,
            kind="movements",
            file_format="csv",
            date_from=date(2026, 2, 1),
            date_to=date(2026, 1, 1),
        )
    assert (refused.value.field, refused.value.message) == (
        "date_to",
        "The start date is after the end date.",
    )


def test_rerunning_a_finished_export_changes_nothing(organization, owner, stock):
    job = _run(organization, owner, kind="products", format="csv")
    name = job.file.name

    services.export_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.file.name, job.attempts) == (name, 1)


def test_xlsx_writes_money_and_quantities_as_formatted_numbers(organization, owner, stock):
    job = _run(organization, owner, kind="products", format="xlsx")

    with job.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).worksheets[0]
    cost, sale, reorder_point = sheet["E2"], sheet["F2"], sheet["G2"]
    assert (sale.value, sale.data_type, sale.number_format) == (14.9, "n", "#,##0.00")
    assert (cost.value, cost.data_type, cost.number_format) == (7.5, "n", "#,##0.00##")
    assert (reorder_point.value, reorder_point.data_type) == (0, "n")


def test_money_columns_follow_the_organization_currency(organization, owner, stock):
    organization.currency = "CLP"
    organization.save(update_fields=["currency"])
    job = _run(organization, owner, kind="products", format="xlsx")

    with job.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).worksheets[0]
    assert (sheet["F2"].value, sheet["F2"].number_format) == (15, "#,##0")


def test_quantities_carry_no_trailing_zeros(organization, owner):
    kilo = ProductFactory(organization=organization, sku="FLOUR", unit="kg")
    location = LocationFactory(organization=organization)
    for quantity in ("20", "2.5"):
        inventory.stock_receive(
            organization=organization,
            product=kilo,
            location=location,
            quantity=Decimal(quantity),
            unit_cost=Decimal("1.25"),
        )
    levels = _read(_run(organization, owner, kind="stock_levels", format="csv"))
    movements = _read(_run(organization, owner, kind="movements", format="csv"))

    assert levels[1][6:] == ["22.5", "0", "22.5"]
    assert sorted(row[4] for row in movements[1:]) == ["2.5", "20"]
    assert {row[8] for row in movements[1:]} == {"1.25"}


def test_download_name_is_stamped_in_the_organization_time_zone(organization, owner):
    organization.time_zone = "America/Santiago"
    organization.save(update_fields=["time_zone"])
    job = ExportJobFactory(organization=organization, created_by=owner.user, kind="products")
    ExportJob.objects.filter(pk=job.pk).update(created_at=datetime(2026, 3, 9, 2, 30, tzinfo=UTC))
    job.refresh_from_db()

    # 02:30 UTC on 9 March is 23:30 on the 8th in Santiago (UTC-3).
    assert job.download_name == f"products-20260308-2330.{job.format}"
