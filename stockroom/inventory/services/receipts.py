"""Receipts: stock into a place, one (stock_receive) or many in one transaction
(stock_receive_bulk, for imports), with the same checks, lots and moving average cost."""

import copy
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stockroom.catalog.models import Product
from stockroom.core.exceptions import ApplicationError
from stockroom.core.tenancy import organization_id_of

from ..locks import (
    StockKey,
    lock_many_stock_levels,
    lock_or_create_stock_level,
    lock_products,
)
from ..models import ZERO, Location, Lot, MovementKind, StockLevel, StockMovement, text_length
from ..quantities import clean_quantity
from .posting import (
    Intent,
    Posting,
    check_location,
    check_product,
    clean_unit_cost,
    idempotency_conflict,
    idempotency_scope,
    incoming_cost,
    publish,
    save_level,
    take_in,
)


def _clean_receipt_lot_number(product: Product, lot_number: str) -> str:
    """The lot number a receipt of `product` names ("" for an untracked product)."""
    lot_number = (lot_number or "").strip()
    if not product.is_lot_tracked:
        if lot_number:
            raise ApplicationError(
                _("This product is not tracked by lot."),
                field="lot_number",
                code="lot_not_tracked",
            )
        return ""
    if not lot_number:
        raise ApplicationError(
            _("This product is tracked by lot: enter a lot number."),
            field="lot_number",
            code="lot_required",
        )
    if len(lot_number) > text_length(Lot, "lot_number"):
        raise ApplicationError(
            _("The lot number is too long."), field="lot_number", code="lot_number_long"
        )
    return lot_number


def _date_receipt_lot(lot: Lot, expiry_date: date | None) -> bool:
    """Check a receipt's expiry date against its existing lot; True if the lot takes it."""
    if expiry_date is not None and lot.expiry_date is not None and lot.expiry_date != expiry_date:
        raise ApplicationError(
            _("This lot already exists with a different expiry date."),
            field="expiry_date",
            code="lot_expiry_conflict",
        )
    if expiry_date is not None and lot.expiry_date is None:
        lot.expiry_date = expiry_date
        return True
    return False


def _resolve_receipt_lot(
    *,
    organization_id: int,
    product: Product,
    lot_number: str,
    expiry_date: date | None,
) -> Lot | None:
    lot_number = _clean_receipt_lot_number(product, lot_number)
    if not lot_number:
        return None
    # The product row is locked, so no other receipt of this product creates the lot meanwhile.
    lot = Lot.objects.filter(product_id=product.pk, lot_number=lot_number).first()
    if lot is None:
        return Lot.objects.create(
            organization_id=organization_id,
            product_id=product.pk,
            lot_number=lot_number,
            expiry_date=expiry_date,
        )
    if _date_receipt_lot(lot, expiry_date):
        lot.save(update_fields=["expiry_date", "updated_at"])
    return lot


# --- services ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptLine:
    """One receipt of stock_receive_bulk: what stock_receive takes for one product and place."""

    product: Product
    location: Location
    quantity: Decimal
    unit_cost: Decimal | None = None
    lot_number: str = ""
    expiry_date: date | None = None
    idempotency_key: str | None = None


def _clean_receipt(line: ReceiptLine, organization_id: int) -> tuple[Decimal, Decimal | None]:
    """A receipt's checks before any lock, the same for stock_receive and each line of
    stock_receive_bulk: (quantity, unit cost or None)."""
    check_product(line.product, organization_id)
    check_location(line.location, organization_id)
    quantity = clean_quantity(line.quantity, product=line.product)
    unit_cost = None if line.unit_cost is None else clean_unit_cost(line.unit_cost)
    return quantity, unit_cost


def stock_receive(
    *,
    organization,
    product: Product,
    location: Location,
    quantity: Decimal,
    unit_cost: Decimal | None = None,
    lot_number: str = "",
    expiry_date: date | None = None,
    user=None,
    reference: str = "",
    reason: str = "",
    idempotency_key: str | None = None,
    occurred_at: datetime | None = None,
) -> StockMovement:
    """Receive stock into a location (creating the lot if needed) and update average cost."""
    organization_id = organization_id_of(organization)
    quantity, unit_cost = _clean_receipt(
        ReceiptLine(product=product, location=location, quantity=quantity, unit_cost=unit_cost),
        organization_id,
    )
    posting = Posting(organization_id, user, reference, reason, occurred_at, idempotency_key)
    intent = Intent(MovementKind.RECEIPT, product.pk, quantity, None, location.pk)

    def post() -> StockMovement:
        locked, earlier = posting.lock_product(product, intent)
        if earlier is not None:
            return earlier
        lot = _resolve_receipt_lot(
            organization_id=organization_id,
            product=locked,
            lot_number=lot_number,
            expiry_date=expiry_date,
        )
        key: StockKey = (product.pk, location.pk, lot.pk if lot else None)
        cost = take_in(locked, product, quantity, unit_cost)
        level = lock_or_create_stock_level(organization_id=organization_id, key=key)
        level.on_hand += quantity
        save_level(level, "on_hand")
        return posting.record(
            kind=MovementKind.RECEIPT,
            product=locked,
            lot=lot,
            quantity=quantity,
            to_location=location,
            unit_cost=cost,
            check_low_stock=False,
        )

    return posting.once(intent, post)


# --- bulk receipts -------------------------------------------------------------------------------

# Rows per statement of a bulk post: large enough that 100,000 lines take a few hundred
# statements, small enough for SQLite's parameter limit and PostgreSQL's plan time.
BULK_BATCH_SIZE = 1000


def _batches(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _naming_line(error: ApplicationError, index: int) -> ApplicationError:
    """Tell the caller which line was refused (its index in `lines`)."""
    error.extra = {**error.extra, "index": index}
    return error


def _clean_receipt_lines(
    lines: Sequence[ReceiptLine], organization_id: int, scope: int, batch_size: int
) -> list[tuple[Decimal, Decimal | None]]:
    """stock_receive's checks before its locks, for every line: (quantity, unit cost) each."""
    cleaned = []
    keys: dict[str, int] = {}
    for index, line in enumerate(lines):
        try:
            cleaned.append(_clean_receipt(line, organization_id))
            if line.idempotency_key in keys:
                raise idempotency_conflict()
        except ApplicationError as exc:
            raise _naming_line(exc, index) from None
        if line.idempotency_key:
            keys[line.idempotency_key] = index
    # A bulk post is all or nothing: a key posted before refuses it rather than being skipped.
    for batch in _batches(list(keys), batch_size):
        taken = StockMovement.objects.filter(
            organization_id=organization_id, idempotency_scope=scope, idempotency_key__in=batch
        ).values_list("idempotency_key", flat=True)
        for key in taken:
            raise _naming_line(idempotency_conflict(), keys[key])
    return cleaned


def _receipt_lots(
    lines: Sequence[ReceiptLine],
    products: dict[int, Product],
    organization_id: int,
    batch_size: int,
) -> list[Lot | None]:
    """The lot of every line, as _resolve_receipt_lot would find or create it line by line."""
    numbers = []
    for index, line in enumerate(lines):
        product = products.get(line.product.pk)
        try:
            locked = check_product(product, organization_id)  # again, on the locked copy
            numbers.append(_clean_receipt_lot_number(locked, line.lot_number))
        except ApplicationError as exc:
            raise _naming_line(exc, index) from None
    pairs = zip(lines, numbers, strict=True)
    wanted = {(line.product.pk, number) for line, number in pairs if number}
    lots: dict[tuple[int, str], Lot] = {}
    for batch in _batches(sorted(wanted), batch_size):
        found = Lot.objects.filter(
            product_id__in={product_id for product_id, _number in batch},
            lot_number__in={number for _product_id, number in batch},
        )
        lots.update(
            ((lot.product_id, lot.lot_number), lot)
            for lot in found
            if (lot.product_id, lot.lot_number) in wanted
        )
    new: list[Lot] = []
    dated: dict[int, Lot] = {}
    resolved: list[Lot | None] = []
    for index, (line, number) in enumerate(zip(lines, numbers, strict=True)):
        if not number:
            resolved.append(None)
            continue
        lot = lots.get((line.product.pk, number))
        if lot is None:
            lot = Lot(
                organization_id=organization_id,
                product_id=line.product.pk,
                lot_number=number,
                expiry_date=line.expiry_date,
            )
            lots[(line.product.pk, number)] = lot
            new.append(lot)
        else:
            try:
                if _date_receipt_lot(lot, line.expiry_date) and lot.pk is not None:
                    dated[lot.pk] = lot
            except ApplicationError as exc:
                raise _naming_line(exc, index) from None
        resolved.append(lot)
    # The products are locked, so no other receipt creates or dates these lots meanwhile.
    Lot.objects.bulk_create(new, batch_size=batch_size)
    if dated:
        now = timezone.now()
        for lot in dated.values():
            lot.updated_at = now
        Lot.objects.bulk_update(
            list(dated.values()), ["expiry_date", "updated_at"], batch_size=batch_size
        )
    return resolved


def _write_locked_rows(model, rows: list, fields: list[str], batch_size: int) -> None:
    """Save `fields` of many locked rows, one INSERT … ON CONFLICT (id) DO UPDATE per batch.

    Every row exists, so every insert turns into an update of `fields` alone. bulk_update's
    CASE WHEN statements grow with the square of the batch (docs/performance.md, "Why the code
    is shaped this way"). Copies are written, so pre_save's timestamps stay off the callers'
    instances.
    """
    model.objects.bulk_create(
        [copy.copy(row) for row in rows],
        batch_size=batch_size,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=fields,
    )


@transaction.atomic
def stock_receive_bulk(
    *,
    organization,
    lines: Sequence[ReceiptLine],
    user=None,
    reference: str = "",
    reason: str = "",
    occurred_at: datetime | None = None,
    batch_size: int = BULK_BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
) -> list[StockMovement]:
    """Post many receipts in one transaction, all or nothing, exactly as stock_receive would
    line after line (same checks and codes, lots, moving average cost), in a number of queries
    that grows with the batches, not the lines.

    A refusal names its line in `error.extra["index"]` (the index in `lines`). An idempotency key
    that was used before refuses the post (nothing is replayed). `on_progress(n)` is called as
    each batch of n movements is written.

    After commit, ONE stock_changed summarises the post (with its last movement): its receivers
    only refresh (the reports cache version, the dashboard through the live event); one event
    per product made a large import wait on the realtime receiver's publish (docs/performance.md).
    Receipts only raise availability, so there is no low-stock check (as one by one).
    """
    organization_id = organization_id_of(organization)
    cleaned = _clean_receipt_lines(lines, organization_id, idempotency_scope(user), batch_size)
    if not lines:
        return []
    products = lock_products({line.product.pk for line in lines}, batch_size=batch_size)
    lots = _receipt_lots(lines, products, organization_id, batch_size)
    # The locked rows' totals are current: every receipt, issue and adjustment keeps them.
    on_hand = {pk: product.stock_on_hand for pk, product in products.items()}
    posting = Posting(organization_id, user, reference, reason, occurred_at or timezone.now())
    movements = []
    for line, (quantity, unit_cost), lot in zip(lines, cleaned, lots, strict=True):
        product = products[line.product.pk]
        # take_in, line by line, on the running totals of the locked products.
        before = on_hand.get(product.pk, ZERO)
        cost, product.average_cost = incoming_cost(product, before, quantity, unit_cost)
        on_hand[product.pk] = before + quantity
        movements.append(
            replace(posting, idempotency_key=line.idempotency_key).movement(
                kind=MovementKind.RECEIPT,
                product=product,
                lot=lot,
                quantity=quantity,
                to_location=line.location,
                unit_cost=cost,
            )
        )
    # Receipts always have a target location (to_location_id is typed nullable for the ledger).
    keys: list[StockKey] = [
        (movement.product_id, cast(int, movement.to_location_id), movement.lot_id)
        for movement in movements
    ]
    levels = lock_many_stock_levels(
        organization_id=organization_id, create=keys, batch_size=batch_size
    )
    for key, movement in zip(keys, movements, strict=True):
        levels[key].on_hand += movement.quantity
    for batch in _batches(movements, batch_size):
        StockMovement.objects.bulk_create(batch)
        if on_progress is not None:
            on_progress(len(batch))
    _write_locked_rows(StockLevel, list(levels.values()), ["on_hand", "updated_at"], batch_size)
    for pk, product in products.items():
        product.stock_on_hand = on_hand[pk]
    # Like change_product_stock's queryset update: the stock fields alone, updated_at untouched.
    _write_locked_rows(
        Product, list(products.values()), ["average_cost", "stock_on_hand"], batch_size
    )
    for line in lines:
        locked = products[line.product.pk]
        line.product.average_cost = locked.average_cost
        line.product.stock_on_hand = locked.stock_on_hand
    if movements:
        publish(movements[-1], check_low_stock=False)
    return movements
