import csv
import io

import factory
from openpyxl import Workbook

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from stockroom.accounts.tests.factories import TenantFactory, UserFactory
from stockroom.imports.columns import OPENING_STOCK_COLUMNS, PRODUCT_COLUMNS
from stockroom.imports.models import ExportJob, FileFormat, ImportJob, ImportKind

# The import templates' own layouts (test_views pins them letter by letter).
PRODUCT_HEADER = list(PRODUCT_COLUMNS)
STOCK_HEADER = list(OPENING_STOCK_COLUMNS)


def csv_bytes(rows: list[list], *, bom: bool = False, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def job_errors(job: ImportJob) -> list[tuple[int, str, str]]:
    """The job's error report as (row, field, message); an entry with other keys fails the test."""
    for error in job.error_report:
        assert set(error) == {"row", "field", "message"}, error
    return [(error["row"], error["field"], error["message"]) for error in job.error_report]


def upload(content: bytes, name: str = "products.csv") -> SimpleUploadedFile:
    content_type = "text/csv" if name.endswith(".csv") else "application/octet-stream"
    return SimpleUploadedFile(name, content, content_type=content_type)


class ImportJobFactory(TenantFactory):
    """A stored job, not yet run; `content` is the file's bytes."""

    class Meta:
        model = ImportJob
        exclude = ["content"]

    created_by = factory.SubFactory(UserFactory)
    kind = ImportKind.PRODUCTS
    format = FileFormat.CSV
    original_filename = factory.LazyAttribute(lambda job: f"{job.kind}.{job.format}")
    content = factory.LazyFunction(lambda: csv_bytes([PRODUCT_HEADER]))
    file = factory.LazyAttribute(lambda job: ContentFile(job.content, name=job.original_filename))


class ExportJobFactory(TenantFactory):
    class Meta:
        model = ExportJob

    created_by = factory.SubFactory(UserFactory)
    kind = "products"
    format = FileFormat.CSV
