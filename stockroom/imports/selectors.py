"""Reads of import/export jobs and the rows an export writes, scoped to an organization."""

from collections.abc import Iterator
from datetime import UTC, date

from django.db.models import QuerySet

from stockroom.accounts.models import Organization
from stockroom.catalog.models import Category
from stockroom.catalog.selectors import product_list
from stockroom.core.formatting import cost_value, currency_places, money_value, quantity_value
from stockroom.core.spreadsheets import COST_FORMAT, money_format
from stockroom.core.tenancy import organization_id_of
from stockroom.inventory.selectors import movement_history, stock_levels

from .columns import PRODUCT_COLUMNS
from .models import ExportJob, ExportKind, ImportJob

ITERATOR_CHUNK = 2000

STOCK_LEVEL_EXPORT_HEADER = [
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
MOVEMENT_EXPORT_HEADER = [
    "occurred_at_utc",
    "kind",
    "sku",
    "name",
    "quantity",
    "from_location",
    "to_location",
    "lot_number",
    "unit_cost",
    "reference",
    "reason",
    "reason_code",
    "user",
]


def import_job_list(*, organization) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(
        organization_id=organization_id_of(organization)
    ).select_related("created_by")


def export_job_list(*, organization) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(
        organization_id=organization_id_of(organization)
    ).select_related("created_by")


def category_paths(*, organization) -> dict[int, str]:
    """Every category's full path ("Tools/Hand tools") by pk, from one query."""
    rows = {
        pk: (parent_id, name)
        for pk, parent_id, name in Category.objects.filter(
            organization_id=organization_id_of(organization)
        ).values_list("pk", "parent_id", "name")
    }
    paths: dict[int, str] = {}

    def path(pk: int, depth: int = 0) -> str:
        if pk in paths:
            return paths[pk]
        parent_id, name = rows[pk]
        if parent_id is None or parent_id not in rows or depth > 50:
            paths[pk] = name
        else:
            paths[pk] = f"{path(parent_id, depth + 1)}/{name}"
        return paths[pk]

    for pk in rows:
        path(pk)
    return paths


# Columns holding money (the currency's decimals) and unit costs (up to 4); quantities are
# plain numbers, rounded to the unit's decimals without trailing zeros.
MONEY_COLUMNS = {"sale_price"}
COST_COLUMNS = {"cost_price", "unit_cost"}


def _currency(organization) -> str:
    if isinstance(organization, Organization):
        return organization.currency
    return Organization.objects.only("currency").get(pk=organization).currency


def _product_rows(organization, currency: str) -> Iterator[list]:
    paths = category_paths(organization=organization)
    products = product_list(organization=organization).select_related(None)
    for product in products.iterator(chunk_size=ITERATOR_CHUNK):
        yield [
            product.sku,
            product.name,
            paths.get(product.category_id, ""),
            product.unit,
            cost_value(product.cost_price, currency),
            money_value(product.sale_price, currency),
            quantity_value(product.reorder_point, product),
            quantity_value(product.reorder_quantity, product),
            product.barcode,
            product.description,
            "true" if product.is_lot_tracked else "false",
            "true" if product.is_active else "false",
        ]


def _stock_level_rows(organization) -> Iterator[list]:
    for level in stock_levels(organization=organization).iterator(chunk_size=ITERATOR_CHUNK):
        yield [
            level.product.sku,
            level.product.name,
            level.location.warehouse.code,
            level.location.code,
            level.lot.lot_number if level.lot_id else "",
            level.lot.expiry_date if level.lot_id and level.lot.expiry_date else "",
            quantity_value(level.on_hand, level.product),
            quantity_value(level.reserved, level.product),
            quantity_value(level.on_hand - level.reserved, level.product),
        ]


def _movement_rows(
    organization, currency: str, date_from: date | None, date_to: date | None
) -> Iterator[list]:
    movements = movement_history(
        organization=organization, date_from=date_from, date_to=date_to
    ).order_by("occurred_at", "id")
    for movement in movements.iterator(chunk_size=ITERATOR_CHUNK):
        yield [
            movement.occurred_at.astimezone(UTC).replace(tzinfo=None, microsecond=0),
            movement.kind,
            movement.product.sku,
            movement.product.name,
            quantity_value(movement.quantity, movement.product),
            movement.from_location.label if movement.from_location_id else "",
            movement.to_location.label if movement.to_location_id else "",
            movement.lot.lot_number if movement.lot_id else "",
            cost_value(movement.unit_cost, currency),
            movement.reference,
            movement.reason,
            movement.reason_code,
            movement.user.email if movement.user_id else "",
        ]


def export_rows(
    *, organization, kind: str, date_from: date | None = None, date_to: date | None = None
) -> tuple[list[str], Iterator[list]]:
    """The header and the rows of an export of the organization's data."""
    currency = _currency(organization)
    if kind == ExportKind.PRODUCTS:
        return list(PRODUCT_COLUMNS), _product_rows(organization, currency)
    if kind == ExportKind.STOCK_LEVELS:
        return list(STOCK_LEVEL_EXPORT_HEADER), _stock_level_rows(organization)
    return list(MOVEMENT_EXPORT_HEADER), _movement_rows(organization, currency, date_from, date_to)


def export_number_formats(*, organization, header: list[str]) -> list[str | None]:
    """The XLSX number format of each exported column: money with the currency's decimals, unit
    costs with up to 4, everything else General."""
    money = money_format(currency_places(_currency(organization)))
    return [
        money if name in MONEY_COLUMNS else COST_FORMAT if name in COST_COLUMNS else None
        for name in header
    ]
