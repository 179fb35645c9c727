"""Time an opening-stock import (one stock_receive per row) on the configured database.

    .venv/bin/python bench/import_opening_stock.py [--rows 5000]

Creates a throwaway organization with --rows products, one warehouse and 50 locations, imports
one receipt per product and prints the rate. The organization is deleted afterwards.
"""

import argparse
import csv
import io
import os
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402

from stockroom.accounts.models import Organization, User  # noqa: E402
from stockroom.catalog.models import Product  # noqa: E402
from stockroom.imports import services  # noqa: E402
from stockroom.imports.models import ImportJob  # noqa: E402
from stockroom.inventory.models import Location, Warehouse  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    tag = uuid.uuid4().hex[:8]
    organization = Organization.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    user = User.objects.create_user(email=f"bench-{tag}@example.com", password=None)
    warehouse = Warehouse.objects.create(organization=organization, code="MAIN", name="Main")
    Location.objects.bulk_create(
        Location(organization=organization, warehouse=warehouse, code=f"L-{n:02d}")
        for n in range(50)
    )
    Product.objects.bulk_create(
        Product(organization=organization, sku=f"O-{n:06d}", name=f"P {n}", cost_price=Decimal(1))
        for n in range(args.rows)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["sku", "warehouse", "location", "quantity", "unit_cost"])
    writer.writerows(
        [f"O-{n:06d}", "MAIN", f"L-{n % 50:02d}", str(n % 90 + 1), "2.5"] for n in range(args.rows)
    )
    job = ImportJob.objects.create(
        organization=organization,
        kind="opening_stock",
        format="csv",
        original_filename="stock.csv",
        created_by=user,
        file=ContentFile(buffer.getvalue().encode(), name="stock.csv"),
    )
    started = time.perf_counter()
    services.import_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    print(
        f"database: {connection.vendor}; {args.rows} opening-stock rows: {job.status} in "
        f"{elapsed:.1f}s ({args.rows / elapsed:,.0f} rows/s); errors: {job.error_report[:3]}"
    )
    print(f"100,000 rows would take about {100_000 / (args.rows / elapsed) / 60:.0f} minutes")
    organization.delete()  # cascades through its stock, ledger and catalog
    user.delete()


if __name__ == "__main__":
    main()
