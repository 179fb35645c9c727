"""Opening-stock imports post receipts through the inventory service, all or nothing."""

from datetime import date
from decimal import Decimal

import pytest

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.imports.models import JobStatus
from stockroom.imports.tests.factories import STOCK_HEADER, csv_bytes, xlsx_bytes
from stockroom.inventory.models import Lot, StockLevel, StockMovement
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
    assert [(e["row"], e["field"], e["message"]) for e in job.error_report] == [
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
    assert job.error_report == [
        {"row": 3, "field": "expiry_date", "message": "Lot L-1 already has expiry date 2030-01-31."}
    ]
    assert Lot.objects.for_organization(organization).count() == 0
