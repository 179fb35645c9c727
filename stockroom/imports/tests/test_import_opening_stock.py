"""Opening-stock imports post receipts through the inventory service, all or nothing."""

from datetime import date
from decimal import Decimal

import pytest

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.imports import services
from stockroom.imports.models import ImportJob, ImportPhase, JobStatus
from stockroom.imports.signals import job_progress
from stockroom.imports.tests.factories import (
    STOCK_HEADER,
    ImportJobFactory,
    csv_bytes,
    job_errors,
    xlsx_bytes,
)
from stockroom.inventory.models import Location, Lot, StockLevel, StockMovement
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(organization):
    main = WarehouseFactory(organization=organization, code="MAIN")
    return {
        "a1": LocationFactory(organization=organization, warehouse=main, code="A-01"),
        "b2": LocationFactory(organization=organization, warehouse=main, code="B-02"),
        "off": LocationFactory(
            organization=organization, warehouse=main, code="OFF", is_active=False
        ),
    }


@pytest.fixture
def products(organization):
    return {
        "ham": ProductFactory(organization=organization, sku="HAM-16", cost_price=Decimal("7")),
        "milk": ProductFactory(
            organization=organization, sku="MILK", unit="l", is_lot_tracked=True
        ),
    }


def _levels(organization):
    return sorted(
        (
            level.product.sku,
            level.location.code,
            level.lot.lot_number if level.lot else "",
            level.on_hand,
        )
        for level in StockLevel.objects.for_organization(organization).select_related(
            "product", "location", "lot"
        )
    )


@pytest.mark.parametrize("fmt", [pytest.param("csv", id="csv"), pytest.param("xlsx", id="xlsx")])
def test_good_file_receives_every_row(organization, owner, places, products, run_import, fmt):
    rows = [
        STOCK_HEADER,
        ["ham-16", "main", "a-01", "25", "7.5", "", ""],
        ["HAM-16", "MAIN", "B-02", "5", "", "", ""],
        ["MILK", "MAIN", "A-01", "1.25", "0.9", "L-1", "2030-01-31"],
        ["MILK", "MAIN", "A-01", "0.75", "0.9", "L-1", ""],
    ]
    content = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)

    job = run_import(content, kind="opening_stock", fmt=fmt)

    assert (job.status, job.created_count, job.error_report) == (JobStatus.SUCCEEDED, 4, [])
    assert _levels(organization) == [
        ("HAM-16", "A-01", "", Decimal("25.000")),
        ("HAM-16", "B-02", "", Decimal("5.000")),
        ("MILK", "A-01", "L-1", Decimal("2.000")),
    ]
    movements = StockMovement.objects.for_organization(organization).order_by("pk")
    assert [(m.kind, m.reference, m.reason, m.user_id) for m in movements] == [
        ("receipt", f"Import #{job.pk}", "Opening stock", owner.user_id)
    ] * 4
    assert Lot.objects.for_organization(organization).get().expiry_date == date(2030, 1, 31)


def test_bad_rows_write_nothing_and_are_all_reported(organization, places, products, run_import):
    ProductFactory(organization=organization, sku="GONE", is_active=False)
    rows = [
        STOCK_HEADER,
        ["HAM-16", "MAIN", "A-01", "10", "", "", ""],
        ["NOPE", "MAIN", "A-01", "1", "", "", ""],
        ["HAM-16", "WEST", "A-01", "1", "", "", ""],
        ["HAM-16", "MAIN", "Z-99", "1", "", "", ""],
        ["HAM-16", "MAIN", "A-01", "1.5", "", "", ""],
        ["HAM-16", "MAIN", "A-01", "-2", "", "", ""],
        ["MILK", "MAIN", "A-01", "1", "", "", ""],
        ["HAM-16", "MAIN", "A-01", "1", "", "L-9", ""],
        ["MILK", "MAIN", "A-01", "1.0001", "", "L-1", "31/01/2030"],
        ["GONE", "MAIN", "A-01", "1", "", "", ""],
        ["HAM-16", "MAIN", "OFF", "1", "", "", ""],
        ["HAM-16", "MAIN", "A-01", "0", "-1", "", ""],
    ]

    job = run_import(csv_bytes(rows), kind="opening_stock")

    assert job.status == JobStatus.FAILED
    assert StockLevel.objects.for_organization(organization).count() == 0
    assert StockMovement.objects.for_organization(organization).count() == 0
    assert job_errors(job) == [
        (3, "sku", "No product with SKU NOPE."),
        (4, "warehouse", "No warehouse with code WEST."),
        (5, "location", "No location Z-99 in warehouse MAIN."),
        (6, "quantity", "Must be a whole number for this unit."),
        (7, "quantity", "Cannot be negative."),
        (8, "lot_number", "Product MILK is tracked by lot: enter a lot number."),
        (9, "lot_number", "Product HAM-16 is not tracked by lot."),
        (10, "quantity", "At most 3 decimal places."),
        (10, "expiry_date", "“31/01/2030” is not a date (use YYYY-MM-DD)."),
        (11, "sku", "Product GONE is inactive."),
        (12, "location", "Location OFF is inactive."),
        (13, "quantity", "Must be greater than zero."),
        (13, "unit_cost", "Cannot be negative."),
    ]


def test_lot_with_a_different_expiry_is_refused(organization, places, products, run_import):
    rows = [
        STOCK_HEADER,
        ["MILK", "MAIN", "A-01", "1", "", "L-1", "2030-01-31"],
        ["MILK", "MAIN", "B-02", "1", "", "L-1", "2030-02-28"],
    ]

    job = run_import(csv_bytes(rows), kind="opening_stock")

    assert job.status == JobStatus.FAILED
    assert job_errors(job) == [(3, "expiry_date", "Lot L-1 already has expiry date 2030-01-31.")]
    assert Lot.objects.for_organization(organization).count() == 0


def test_receipts_match_one_stock_receive_per_row(organization, places, products, run_import):
    """Costs follow the rows in file order, as one receipt after the other would post them."""
    rows = [
        STOCK_HEADER,
        ["HAM-16", "MAIN", "A-01", "4", "", "", ""],  # at the cost price: 7
        ["HAM-16", "MAIN", "B-02", "4", "9", "", ""],  # (4×7 + 4×9) / 8 = 8
        ["HAM-16", "MAIN", "A-01", "3", "", "", ""],  # at the average: 8
        ["HAM-16", "MAIN", "A-01", "1", "1.0001", "", ""],  # (11×8 + 1.0001) / 12
    ]

    job = run_import(csv_bytes(rows), kind="opening_stock")

    assert job.status == JobStatus.SUCCEEDED
    movements = StockMovement.objects.for_organization(organization).order_by("pk")
    assert [(m.quantity, m.unit_cost, m.idempotency_key) for m in movements] == [
        (Decimal("4.000"), Decimal("7.0000"), f"import-{job.pk}-row-2"),
        (Decimal("4.000"), Decimal("9.0000"), f"import-{job.pk}-row-3"),
        (Decimal("3.000"), Decimal("8.0000"), f"import-{job.pk}-row-4"),
        (Decimal("1.000"), Decimal("1.0001"), f"import-{job.pk}-row-5"),
    ]
    products["ham"].refresh_from_db()
    assert products["ham"].average_cost == Decimal("7.4167")


def test_a_row_refused_at_write_time_is_reported_and_nothing_written(
    organization, places, products, run_import
):
    """A location deactivated between the checks and the write: the service refuses its row."""

    def deactivate_when_writing_starts(sender, *, status, processed, **kwargs):
        job = ImportJob.unscoped.get(pk=kwargs["job_id"])
        if job.phase == ImportPhase.WRITING and processed == 0:
            Location.unscoped.filter(pk=places["b2"].pk).update(is_active=False)

    rows = [
        STOCK_HEADER,
        ["HAM-16", "MAIN", "A-01", "2", "", "", ""],
        ["MILK", "MAIN", "A-01", "1", "", "L-1", ""],
        ["HAM-16", "MAIN", "B-02", "3", "", "", ""],
    ]
    job_progress.connect(deactivate_when_writing_starts)
    try:
        job = run_import(csv_bytes(rows), kind="opening_stock")
    finally:
        job_progress.disconnect(deactivate_when_writing_starts)

    assert job.status == JobStatus.FAILED
    assert job_errors(job) == [
        (4, "location", "This location is inactive; stock cannot be moved there or from it.")
    ]
    assert StockMovement.objects.for_organization(organization).count() == 0
    assert StockLevel.objects.for_organization(organization).count() == 0
    assert Lot.objects.for_organization(organization).count() == 0


def test_writing_reports_progress_every_2_percent(organization, owner, places, products):
    rows = [STOCK_HEADER] + [["HAM-16", "MAIN", "A-01", "1", "", "", ""]] * 150
    job = ImportJobFactory(
        organization=organization,
        created_by=owner.user,
        kind="opening_stock",
        content=csv_bytes(rows),
    )
    events = []

    def listen(sender, **kwargs):
        events.append((kwargs["status"], kwargs["processed"]))

    job_progress.connect(listen)
    try:
        services.import_job_run(job_id=job.pk)
    finally:
        job_progress.disconnect(listen)

    # 2 % of 150 rows is 3: validation 3..150, then writing 0 and 3..150, then done.
    ticks = [("running", n) for n in range(3, 151, 3)]
    assert events == [*ticks, ("running", 0), *ticks, ("succeeded", 150)]
    assert StockLevel.objects.for_organization(organization).get().on_hand == Decimal("150")
