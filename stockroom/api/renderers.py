"""CSV for list endpoints: one row per result, nested objects flattened to dotted columns."""

import io

from rest_framework import renderers

from stockroom.core.spreadsheets import csv_writer


def _flatten(row, prefix: str = "") -> dict:
    flat: dict = {}
    if isinstance(row, dict):
        for key, value in row.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(row, list):
        flat[prefix] = "; ".join(str(item) for item in row)
    else:
        flat[prefix or "value"] = "" if row is None else row
    return flat


def _rows(data) -> list[dict]:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    if isinstance(data, list):
        return [_flatten(item) for item in data]
    return [_flatten(data)] if data is not None else []


class CSVRenderer(renderers.BaseRenderer):
    """`?format=csv` or `Accept: text/csv`. A paginated response renders its `results` only
    (ask for JSON to read the count and page links)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rows = _rows(data)
        columns: list[str] = []
        for row in rows:
            columns.extend(key for key in row if key not in columns)
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(column, "") for column in columns])
        return buffer.getvalue().encode(self.charset)
