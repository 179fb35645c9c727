"""Row locks for stock writes, taken in one global order so concurrent services cannot deadlock:
product rows first (by primary key), then stock levels (by primary key).

On PostgreSQL `select_for_update()` holds the rows until the transaction ends. The locks are
FOR NO KEY UPDATE: inserting a movement or lot takes FOR KEY SHARE on the product row (the foreign
key check), and a plain FOR UPDATE would conflict with it, letting a transfer holding stock rows
wait for an issue holding the product row while the issue waits for those stock rows: a deadlock.

On SQLite `select_for_update()` is a no-op, but the settings start every transaction with
BEGIN IMMEDIATE, so writers serialize.
"""

from collections.abc import Iterable

from django.db.models import Q

from stockroom.catalog.models import Product

from .models import StockLevel

# (product_id, location_id, lot_id or None) — one stock level row
StockKey = tuple[int, int, int | None]


def _sort_key(key: StockKey) -> tuple[int, int, int]:
    product_id, location_id, lot_id = key
    return (product_id, location_id, lot_id or 0)


def _key_filter(keys: Iterable[StockKey]) -> Q:
    condition = Q(pk__in=[])
    for product_id, location_id, lot_id in keys:
        if lot_id is None:
            condition |= Q(product_id=product_id, location_id=location_id, lot__isnull=True)
        else:
            condition |= Q(product_id=product_id, location_id=location_id, lot_id=lot_id)
    return condition


def lock_products(product_ids: Iterable[int]) -> dict[int, Product]:
    """Lock the product rows (ordered by pk) and return fresh copies, keyed by pk."""
    ids = sorted(set(product_ids))
    locked = Product.unscoped.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
    return {product.pk: product for product in locked}


def ensure_stock_levels(*, organization_id: int, keys: Iterable[StockKey]) -> None:
    """Create the missing zero rows for `keys` in one INSERT … ON CONFLICT DO NOTHING.

    Rows that exist already, or that a concurrent transaction inserts first, are left alone (the
    insert then waits for that transaction and skips the row), so no savepoint is needed. Rows go
    in key order, the same order in every transaction.
    """
    wanted = sorted(set(keys), key=_sort_key)
    if not wanted:
        return
    StockLevel.unscoped.bulk_create(
        [
            StockLevel(
                organization_id=organization_id,
                product_id=product_id,
                location_id=location_id,
                lot_id=lot_id,
            )
            for product_id, location_id, lot_id in wanted
        ],
        ignore_conflicts=True,
    )


def lock_stock_levels(
    *, organization_id: int, keys: Iterable[StockKey], create: Iterable[StockKey] = ()
) -> dict[StockKey, StockLevel]:
    """Lock the stock level rows for `keys` with SELECT … FOR UPDATE ordered by pk.

    Rows named in `create` are created first when missing; other missing rows are simply absent
    from the result (nothing to take stock from).
    """
    keys = set(keys) | set(create)
    if not keys:
        return {}
    ensure_stock_levels(organization_id=organization_id, keys=create)
    locked = (
        StockLevel.unscoped.select_for_update(no_key=True)
        .filter(organization_id=organization_id)
        .filter(_key_filter(keys))
        .order_by("pk")
    )
    return {(level.product_id, level.location_id, level.lot_id): level for level in locked}
