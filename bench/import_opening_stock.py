"""Time an opening-stock import (one bulk receipt of every row) on the configured database.

    .venv/bin/python bench/import_opening_stock.py [--rows 5000] [--keep]

Creates a throwaway organization with --rows products, one warehouse and 50 locations, imports
one receipt per product and prints the rate, split into the check and write phases. The
organization is deleted afterwards, unless --keep leaves it for `manage.py verify_ledger
--organization <slug>`.
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
from stockroom.imports.signals import job_progress  # noqa: E402
from stockroom.inventory.models import Location, Warehouse  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument(
        "--keep", action="store_true", help="keep the organization (to verify its ledger)"
    )
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
    phases: dict[str, float] = {}

    def note_phase(sender, *, job_id: int, processed: int, **kwargs) -> None:
        # The write phase starts with a progress report of 0 rows.
        if job_id == job.pk and processed == 0 and "write" not in phases:
            phases["write"] = time.perf_counter()

    job_progress.connect(note_phase)
    started = time.perf_counter()
    services.import_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job_progress.disconnect(note_phase)
    job.refresh_from_db()
    writing = started + elapsed - phases.get("write", started)
    print(
        f"database: {connection.vendor}; {args.rows} opening-stock rows: {job.status} in "
        f"{elapsed:.1f}s ({args.rows / elapsed:,.0f} rows/s; checks {elapsed - writing:.1f}s, "
        f"writing {writing:.1f}s); errors: {job.error_report[:3]}"
    )
    print(f"100,000 rows would take about {100_000 / (args.rows / elapsed) / 60:.1f} minutes")
    if args.keep:
        print(f"kept: manage.py verify_ledger --organization {organization.slug}")
        return
    organization.delete()  # cascades through its stock, ledger and catalog
    user.delete()


if __name__ == "__main__":
    from stockroom.core.tenancy import scopes_disabled

    # A benchmark sets up and checks its own organization's data from outside any request;
    # the pages and API calls it times enter their own scope through the middleware.
    with scopes_disabled():
        main()
