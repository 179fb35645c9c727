"""Reading an uploaded CSV or XLSX file into a header and rows of text cells.

Every problem with the file as a whole becomes an `ImportFileError` with a message a user can act
on; rows are validated later, by the import services.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from django.utils.translation import gettext as _

from stockroom.core.exceptions import ApplicationError

from .models import FileFormat

XLSX_MAGIC = b"PK\x03\x04"
# Header spellings people use for the same column.
HEADER_ALIASES = {
    "is_active": "active",
    "warehouse_code": "warehouse",
    "location_code": "location",
    "lot": "lot_number",
    "expiry": "expiry_date",
}


class ImportFileError(ApplicationError):
    """The file cannot be read as a table at all (encoding, format, header)."""

    def __init__(self, message: str, *, code: str = "bad_file", row: int = 0) -> None:
        super().__init__(message, code=code, field="file")
        # The row the problem was found on, when it is one row's (0: the file as a whole).
        self.row = row


@dataclass
class Table:
    header: list[str]
    # (row number as a spreadsheet shows it, the row's cells by column name)
    rows: list[tuple[int, dict[str, str]]]


def normalize_header(value: str) -> str:
    name = "_".join(str(value or "").strip().lower().replace("-", " ").split())
    return HEADER_ALIASES.get(name, name)


def cell_text(value) -> str:
    """One cell as text: numbers without float noise, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return str(Decimal(repr(value)))
    return str(value).strip()


def _decode(raw: bytes) -> str:
    try:
        # utf-8-sig drops the byte-order mark Excel writes in front of "CSV UTF-8" files.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not UTF-8 encoded (line %(line)s has a character that is not "
                "UTF-8). Save it as “CSV UTF-8” and upload it again."
            )
            % {"line": raw.count(b"\n", 0, exc.start) + 1},
            code="encoding",
        ) from None


def _csv_rows(stream: IO[bytes]) -> list[list[str]]:
    text = _decode(stream.read())
    if "\x00" in text:
        raise ImportFileError(_("The file is not a CSV text file."), code="not_csv")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # strict: a quote that is never closed is an error at the end of the file, not a cell that
    # silently swallows every row after it, and text after a closing quote is an error too. That
    # second check needs doublequote, which the sniffer turns off when its sample has no "" in
    # it; spreadsheets always write a quote inside a cell as "".
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True, doublequote=True)
    rows: list[list[str]] = []
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            raise _csv_error(exc, row=len(rows) + 1, line=line) from None
        rows.append(row)


def _csv_error(error: csv.Error, *, row: int, line: int) -> ImportFileError:
    if str(error) == "unexpected end of data":
        message = _(
            "Row %(row)s (line %(line)s) opens a quoted cell that is never closed, so every "
            "line after it would be read into that cell. Close the quote and upload the file "
            "again. Nothing was imported."
        )
    else:
        message = _(
            "Row %(row)s (line %(line)s) could not be read: %(error)s. Nothing was imported."
        )
    return ImportFileError(
        message % {"row": row, "line": line, "error": error}, code="bad_csv", row=row
    )


def _xlsx_rows(stream: IO[bytes]) -> list[list[str]]:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(
            _("The file is not a valid Excel (XLSX) workbook."), code="bad_xlsx"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [[cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(stream: IO[bytes], file_format: str) -> Table:
    """The first sheet (or the CSV) as a header and its non-blank rows."""
    raw_rows = _xlsx_rows(stream) if file_format == FileFormat.XLSX else _csv_rows(stream)
    header_index = next(
        (index for index, row in enumerate(raw_rows) if any(cell.strip() for cell in row)), None
    )
    if header_index is None:
        raise ImportFileError(_("The file is empty."), code="empty")
    header = [normalize_header(cell) for cell in raw_rows[header_index]]
    while header and not header[-1]:
        header.pop()
    duplicates = sorted({name for name in header if name and header.count(name) > 1})
    if duplicates:
        raise ImportFileError(
            _("These columns appear more than once: %(columns)s.")
            % {"columns": ", ".join(duplicates)},
            code="duplicate_columns",
        )
    rows = []
    for index in range(header_index + 1, len(raw_rows)):
        cells = [cell.strip() for cell in raw_rows[index]]
        if not any(cells):
            continue
        values = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
        values.pop("", None)
        rows.append((index + 1, values))
    return Table(header=[name for name in header if name], rows=rows)


def looks_like(head: bytes, file_format: str) -> bool:
    """A cheap content check at upload: a zip for XLSX, text without NUL bytes for CSV."""
    if file_format == FileFormat.XLSX:
        return head.startswith(XLSX_MAGIC)
    return not head.startswith(XLSX_MAGIC) and b"\x00" not in head
