"""The one place that writes CSV and XLSX files, with one formula-injection policy.

A spreadsheet app runs a cell that starts like a formula (`=HYPERLINK(...)`, `+cmd|...`, `@SUM`),
and a leading tab or line break can hide such a start. Exported text comes from users, so every
export (export jobs, report downloads, list `?format=csv`, the admin's CSV action, templates)
writes through here:

- CSV: such a text cell gets a leading apostrophe, which spreadsheets read as "this is text".
  A plain signed number ("-5.000", as the API serializes decimals) stays a number.
- XLSX: such a text cell is written as an explicit string cell, which no spreadsheet evaluates,
  so the text is kept as it was, without the apostrophe.

Numbers stay numbers in both: an XLSX column may carry a number format (`number_formats`, one
entry per column, e.g. MONEY_FORMAT), applied to that column's numeric cells, so money reads
"1,234.50" and still sums.

tests/test_spreadsheets.py fails if a CSV or XLSX writer is built anywhere else.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
MONEY_FORMAT = "#,##0.00"
COST_FORMAT = "#,##0.00##"  # unit costs keep up to 4 decimals


def money_format(places: int = 2) -> str:
    """The XLSX number format of money with `places` decimals (a currency's minor units)."""
    return "#,##0" + ("." + "0" * places if places else "")


_SIGNED_NUMBER = re.compile(r"[+-](\d+(\.\d*)?|\.\d+)")


def is_formula_like(value: Any) -> bool:
    """Text a spreadsheet could run as a formula (a plain signed number is data)."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _SIGNED_NUMBER.fullmatch(value)
    )


def csv_cell(value: Any) -> Any:
    """One value as a CSV writer should receive it: None as empty, formula-like text as text."""
    if value is None:
        return ""
    if is_formula_like(value):
        return "'" + value
    return value


class SafeCSVWriter:
    """csv.writer whose rows go through `csv_cell`."""

    def __init__(self, stream: IO[str] | Any) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: IO[str] | Any) -> SafeCSVWriter:
    """A CSV writer on a text stream (or an HttpResponse) that applies the policy."""
    return SafeCSVWriter(stream)


def write_csv(handle: IO[bytes], header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> int:
    """Header and rows as UTF-8 CSV with a byte-order mark (Excel then reads the accents right)
    into a binary file; returns the number of rows written."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    writer = csv_writer(text)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    text.flush()
    text.detach()
    return count


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def write_xlsx(
    handle: IO[bytes],
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    number_formats: Sequence[str | None] = (),
) -> int:
    """Header and rows as a one-sheet XLSX workbook into a binary file; returns the rows
    written. `number_formats[i]` (None: General) formats column i's numeric cells."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    formats = list(number_formats)

    def cells(row: Sequence[Any], *, formatted: bool = True) -> list:
        out = []
        for index, value in enumerate(row):
            number_format = formats[index] if formatted and index < len(formats) else None
            if number_format and _is_number(value):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                out.append(cell)
            elif is_formula_like(value):
                # openpyxl stores text starting with "=" as a formula: force a string cell. Other
                # text is a string cell already.
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                out.append(cell)
            else:
                out.append(value)
        return out

    sheet.append(cells(header, formatted=False))
    count = 0
    for row in rows:
        sheet.append(cells(row))
        count += 1
    workbook.save(handle)
    return count
