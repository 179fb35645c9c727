"""Row locks for stock writes, taken in one global order so concurrent services cannot deadlock:
product rows first (by primary key, through `Product.locked`, which explains the lock mode), then
stock levels (by primary key), in the same FOR NO KEY UPDATE mode.

On SQLite `select_for_update()` is a no-op, but the settings start every transaction with
BEGIN IMMEDIATE, so writers serialize.
"""

from collections.abc import Iterable, Iterator

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


def _chunks(items: list, size: int | None) -> Iterator[list]:
    size = size or len(items) or 1
    for start in range(0, len(items), size):
        yield items[start : start + size]


def lock_products(
    product_ids: Iterable[int], *, batch_size: int | None = None
) -> dict[int, Product]:
    """Lock the product rows (ordered by pk) and return fresh copies, keyed by pk.

    With `batch_size`, one statement per batch of ascending pks: the rows are still locked in
    the global pk order, and no statement carries more parameters than the batch.
    """
    ids = sorted(set(product_ids))
    products: dict[int, Product] = {}
    for chunk in _chunks(ids, batch_size):
        products.update((product.pk, product) for product in Product.locked(chunk))
    return products


def lock_product(product_id: int, **annotations) -> Product | None:
    """Lock one product row and return a fresh copy (None if it does not exist). `annotations`
    are computed by the same statement: the stock services look up an idempotency key with it."""
    return Product.locked([product_id]).annotate(**annotations).first()


def ensure_stock_levels(
    *, organization_id: int, keys: Iterable[StockKey], batch_size: int | None = None
) -> None:
    """Create the missing zero rows for `keys` in one INSERT … ON CONFLICT DO NOTHING (one per
    batch of `batch_size` rows when given).

    Rows that exist already, or that a concurrent transaction inserts first, are left alone (the
    insert then waits for that transaction and skips the row), so no savepoint is needed. Rows go
    in key order, the same order in every transaction.
    """
    wanted = sorted(set(keys), key=_sort_key)
    if not wanted:
        return
    StockLevel.objects.bulk_create(
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
        batch_size=batch_size,
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
        StockLevel.objects.select_for_update(no_key=True)
        .filter(organization_id=organization_id)
        .filter(_key_filter(keys))
        .order_by("pk")
    )
    return {(level.product_id, level.location_id, level.lot_id): level for level in locked}


def lock_or_create_stock_level(*, organization_id: int, key: StockKey) -> StockLevel:
    """Lock the stock row for `key`, creating it first when it does not exist: one statement in
    the common case, where lock_stock_levels(create=...) always sends the INSERT first.

    Only for a caller that holds the row's product locked and no stock row yet: the row is then
    inserted while this transaction holds no stock row another could wait for, so inserting after
    the first (empty) lock keeps the order that makes waits one-way.
    """
    level = lock_stock_levels(organization_id=organization_id, keys=[key]).get(key)
    if level is None:
        level = lock_stock_levels(organization_id=organization_id, keys=[], create=[key])[key]
    return level


def lock_many_stock_levels(
    *, organization_id: int, create: Iterable[StockKey], batch_size: int
) -> dict[StockKey, StockLevel]:
    """Create the missing rows for `create`, then lock them all, for posts touching thousands
    of rows: every statement handles at most `batch_size` rows.

    The callers hold the rows' products locked, so no receipt, issue or adjustment of them runs
    meanwhile. The primary keys are read first (a plain read; stock rows are never deleted while
    their product has history), then the rows are locked batch by batch in ascending pk order, the
    same global order in which lock_stock_levels locks: a transfer or reservation locking some of
    these rows waits for us or we for it, never both.
    """
    wanted = set(create)
    if not wanted:
        return {}
    ensure_stock_levels(organization_id=organization_id, keys=wanted, batch_size=batch_size)
    pks: set[int] = set()
    for keys in _chunks(sorted(wanted, key=_sort_key), batch_size):
        # Products × locations may match a few rows we do not want: they are dropped here. (An
        # OR of a thousand (product, location, lot) terms costs more to build and to plan.)
        rows = StockLevel.objects.filter(
            organization_id=organization_id,
            product_id__in={key[0] for key in keys},
            location_id__in={key[1] for key in keys},
        ).values_list("pk", "product_id", "location_id", "lot_id")
        pks.update(pk for pk, *key in rows if tuple(key) in wanted)
    levels: dict[StockKey, StockLevel] = {}
    for chunk in _chunks(sorted(pks), batch_size):
        locked = StockLevel.objects.select_for_update(no_key=True).filter(pk__in=chunk)
        for level in locked.order_by("pk"):
            levels[(level.product_id, level.location_id, level.lot_id)] = level
    return levels
