"""Time a 100,000-row product import on the configured database.

    .venv/bin/python bench/import_products.py [--rows 100000] [--format csv|xlsx] [--twice]

Creates a throwaway organization and user, generates the file (under the 10 MB upload limit),
stores it as an import job and runs the job the way the worker does (validation with progress
saves, then one write transaction). `--twice` imports the same file again, so every row is an
update. The organization is deleted afterwards unless --keep is given.
"""

import argparse
import io
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from openpyxl import Workbook  # noqa: E402

from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402

from stockroom.accounts.models import Organization, User  # noqa: E402
from stockroom.catalog.models import Category, Product  # noqa: E402
from stockroom.imports import services  # noqa: E402
from stockroom.imports.models import ImportJob  # noqa: E402

HEADER = list(services.PRODUCT_COLUMNS)
CATEGORIES = ["Tools/Hand tools", "Tools/Power tools", "Fixings/Screws", "Fixings/Nails", "Paint"]
UNITS = ["each", "box", "kg", "l", "m"]


def rows(count: int):
    for n in range(count):
        unit = UNITS[n % len(UNITS)]
        yield [
            f"B-{n:06d}",
            f"Bench product {n}",
            CATEGORIES[n % len(CATEGORIES)],
            unit,
            f"{n % 500}.25",
            f"{n % 900}.99",
            "5",
            "20",
            f"{4000000000000 + n}",
            "",
            "false",
            "true",
        ]


def csv_file(count: int) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows(count))
    return buffer.getvalue().encode()


def xlsx_file(count: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in rows(count):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(organization, user, content: bytes, file_format: str) -> tuple[float, ImportJob]:
    job = ImportJob.objects.create(
        organization=organization,
        kind="products",
        format=file_format,
        original_filename=f"bench.{file_format}",
        created_by=user,
        file=ContentFile(content, name=f"bench.{file_format}"),
    )
    started = time.perf_counter()
    services.import_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    return elapsed, job


def _delete(organization, user) -> None:
    Product.objects.for_organization(organization).delete()
    categories = Category.objects.for_organization(organization)
    while categories.exists():  # parents PROTECT their children: leaves first
        categories.filter(children__isnull=True).delete()
    organization.delete()
    user.delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--twice", action="store_true", help="import again: all updates")
    parser.add_argument("--keep", action="store_true", help="keep the bench organization")
    args = parser.parse_args()

    tag = uuid.uuid4().hex[:8]
    organization = Organization.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    user = User.objects.create_user(email=f"bench-{tag}@example.com", password=None)
    started = time.perf_counter()
    content = csv_file(args.rows) if args.format == "csv" else xlsx_file(args.rows)
    print(
        f"database: {connection.vendor}; {args.rows} rows, {args.format}, "
        f"{len(content) / 1024 / 1024:.1f} MB, generated in {time.perf_counter() - started:.1f}s"
    )
    try:
        passes = 2 if args.twice else 1
        for number in range(1, passes + 1):
            elapsed, job = run(organization, user, content, args.format)
            print(
                f"pass {number}: {job.status} in {elapsed:.1f}s "
                f"({args.rows / elapsed:,.0f} rows/s): {job.created_count} created, "
                f"{job.updated_count} updated, errors: {job.error_report[:3]}"
            )
        count = Product.objects.for_organization(organization).count()
        print(f"products in the organization: {count}")
    finally:
        if not args.keep:
            _delete(organization, user)


if __name__ == "__main__":
    from stockroom.core.tenancy import scopes_disabled

    # A benchmark sets up and checks its own organization's data from outside any request;
    # the pages and API calls it times enter their own scope through the middleware.
    with scopes_disabled():
        main()
