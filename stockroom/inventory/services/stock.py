"""Every change of stock. Each service validates, locks (see locks.py), writes one ledger movement
and the stock levels it moves, and publishes events after commit.

Quantities are Decimals; a quantity may carry no more decimals than the product's unit allows.
"""

import copy
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from stockroom.catalog.models import Product
from stockroom.core import events
from stockroom.core.exceptions import ApplicationError
from stockroom.core.tenancy import organization_id_of

from ..costing import COST_QUANTUM, moving_average
from ..locks import (
    StockKey,
    lock_many_stock_levels,
    lock_or_create_stock_level,
    lock_product,
    lock_products,
    lock_stock_levels,
)
from ..models import ZERO, Location, Lot, MovementKind, StockLevel, StockMovement
from ..quantities import clean_quantity
from ..signals import low_stock, stock_changed

MAX_COST = Decimal("9999999999.9999")


# --- validation ----------------------------------------------------------------------------------


def _clean_unit_cost(unit_cost) -> Decimal:
    try:
        unit_cost = unit_cost if isinstance(unit_cost, Decimal) else Decimal(str(unit_cost))
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError(
            _("Enter a valid unit cost."), field="unit_cost", code="invalid_unit_cost"
        ) from None
    if not unit_cost.is_finite() or unit_cost > MAX_COST:
        raise ApplicationError(
            _("Enter a valid unit cost."), field="unit_cost", code="invalid_unit_cost"
        )
    if unit_cost < 0:
        raise ApplicationError(
            _("The unit cost cannot be negative."), field="unit_cost", code="negative_unit_cost"
        )
    if unit_cost != unit_cost.quantize(COST_QUANTUM, rounding=ROUND_HALF_UP):
        raise ApplicationError(
            _("The unit cost has too many decimal places."),
            field="unit_cost",
            code="unit_cost_precision",
        )
    return unit_cost


def _check_product(product: Product, organization_id: int) -> None:
    if product is None or product.organization_id != organization_id:
        raise ApplicationError(
            _("Choose a product of this organization."), field="product", code="wrong_organization"
        )
    if not product.is_active:
        raise ApplicationError(
            _("This product is inactive; stock cannot be moved."),
            field="product",
            code="inactive_product",
        )


def _check_location(location: Location, organization_id: int, field: str = "location") -> None:
    if location is None or location.organization_id != organization_id:
        raise ApplicationError(
            _("Choose a location of this organization."), field=field, code="wrong_organization"
        )
    if not location.is_active:
        raise ApplicationError(
            _("This location is inactive; stock cannot be moved there or from it."),
            field=field,
            code="inactive_location",
        )


def _check_lot(lot: Lot | None, product: Product, organization_id: int) -> None:
    """Lot-tracked products need a lot of their own; other products take none."""
    if lot is None:
        if product.is_lot_tracked:
            raise ApplicationError(
                _("This product is tracked by lot: choose a lot."), field="lot", code="lot_required"
            )
        return
    if lot.organization_id != organization_id:
        raise ApplicationError(
            _("Choose a lot of this organization."), field="lot", code="wrong_organization"
        )
    if lot.product_id != product.pk:
        raise ApplicationError(
            _("The lot belongs to another product."), field="lot", code="lot_product_mismatch"
        )
    if not product.is_lot_tracked:
        raise ApplicationError(
            _("This product is not tracked by lot."), field="lot", code="lot_not_tracked"
        )


def _insufficient(field: str = "quantity") -> ApplicationError:
    return ApplicationError(
        _("Not enough stock available for this quantity."),
        field=field,
        code="insufficient_stock",
    )


# --- idempotency ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Intent:
    """What a request means to post, compared with an earlier movement under the same key."""

    kind: str
    product_id: int
    quantity: Decimal
    from_location_id: int | None
    to_location_id: int | None

    def matches(self, movement: StockMovement) -> bool:
        return (
            movement.kind == self.kind
            and movement.product_id == self.product_id
            and movement.quantity == self.quantity
            and movement.from_location_id == self.from_location_id
            and movement.to_location_id == self.to_location_id
        )


def _replay(movement: StockMovement | None, intent: _Intent) -> StockMovement | None:
    """The movement posted before under the same key, if it means the same; else a refusal."""
    if movement is None:
        return None
    if not intent.matches(movement):
        raise _idempotency_conflict()
    movement.replayed = True
    return movement


def idempotency_scope(user) -> int:
    """Whose idempotency keys a movement's key is unique among: the posting user's, as for every
    other POST (api.idempotency), so one member's key never replays another's movement. Posts
    without a user (commands) share scope 0."""
    return user.pk if user is not None else 0


def _keyed_movements(organization_id: int, scope: int, idempotency_key: str):
    return StockMovement.objects.filter(
        organization_id=organization_id, idempotency_scope=scope, idempotency_key=idempotency_key
    )


def _movements_by_key(organization_id: int, scope: int, idempotency_key: str):
    return _keyed_movements(organization_id, scope, idempotency_key).select_related(
        "product", "lot", "user"
    )


def _earlier_movement(
    organization_id: int, scope: int, idempotency_key: str, intent: _Intent
) -> StockMovement | None:
    return _replay(_movements_by_key(organization_id, scope, idempotency_key).first(), intent)


def _idempotency_conflict() -> ApplicationError:
    return ApplicationError(
        _("This idempotency key was already used for a different stock movement."),
        code="idempotency_conflict",
    )


def _post_once(
    *,
    organization_id: int,
    scope: int,
    idempotency_key: str | None,
    intent: _Intent,
    post: Callable[[], StockMovement],
    look_up_first: bool = True,
) -> StockMovement:
    """Run `post` in one transaction, unless a movement with the key exists already.

    Services that lock the product look the key up in `post`, with the lock's own statement
    (`look_up_first=False`, see _lock_product). A concurrent request with the same key that
    commits first makes our movement insert trip the unique constraint: our whole transaction
    rolls back (nothing of it was applied) and the winner's movement is returned. Inside a
    caller's transaction `atomic` becomes a savepoint by itself.
    """
    try:
        with transaction.atomic():
            if idempotency_key and look_up_first:
                earlier = _earlier_movement(organization_id, scope, idempotency_key, intent)
                if earlier is not None:
                    return earlier
            return post()
    except IntegrityError:
        earlier = (
            _earlier_movement(organization_id, scope, idempotency_key, intent)
            if idempotency_key
            else None
        )
        if earlier is None:
            raise
        return earlier


# --- shared steps --------------------------------------------------------------------------------


def _lock_product(
    product: Product,
    organization_id: int,
    idempotency_key: str | None = None,
    intent: _Intent | None = None,
    scope: int = 0,
) -> tuple[Product, StockMovement | None]:
    """Lock the product row and re-check it on the fresh copy; with an idempotency key, the
    lock's statement also finds a movement posted under it before: (locked product, that
    movement or None). One statement where a lookup and a lock took two."""
    earlier_id = None
    if idempotency_key:
        earlier_id = Subquery(
            _keyed_movements(organization_id, scope, idempotency_key).values("pk")[:1]
        )
    locked = lock_product(product.pk, **({"earlier_movement_id": earlier_id} if earlier_id else {}))
    _check_product(locked, organization_id)
    earlier = None
    if idempotency_key and locked.earlier_movement_id is not None:
        earlier = _replay(
            _movements_by_key(organization_id, scope, idempotency_key).get(
                pk=locked.earlier_movement_id
            ),
            intent,
        )
    return locked, earlier


def _receipt_unit_cost(product: Product, unit_cost: Decimal | None) -> Decimal:
    """Stock received without a cost comes in at the average cost, else at the cost price."""
    if unit_cost is None:
        return product.average_cost or product.cost_price
    return unit_cost


def _change_product_stock(
    product: Product,
    original: Product,
    *,
    on_hand: Decimal = ZERO,
    reserved: Decimal = ZERO,
    average_cost: Decimal | None = None,
) -> None:
    """Apply a change of the product's stock totals (and average cost) to its locked row.

    `product` is the row locked by this transaction, so its figures are current and the new
    values are written as they are, in one UPDATE; the caller's `original` instance follows.
    """
    changes = {}
    if on_hand:
        changes["stock_on_hand"] = product.stock_on_hand + on_hand
    if reserved:
        changes["stock_reserved"] = product.stock_reserved + reserved
    if average_cost is not None and average_cost != product.average_cost:
        changes["average_cost"] = average_cost
    if not changes:
        return
    Product.objects.filter(pk=product.pk).update(**changes)
    for instance in (product, original):
        for field, value in changes.items():
            setattr(instance, field, value)


def _incoming_cost(
    product: Product, on_hand: Decimal, quantity: Decimal, unit_cost: Decimal | None
) -> tuple[Decimal, Decimal]:
    """(the unit cost incoming stock is valued at, the product's new moving average cost) when
    `quantity` comes in on top of `on_hand`: one rule for single and bulk receipts and gains."""
    cost = _receipt_unit_cost(product, unit_cost)
    return cost, moving_average(on_hand, product.average_cost, quantity, cost)


def _take_in(
    product: Product, original: Product, quantity: Decimal, unit_cost: Decimal | None
) -> Decimal:
    """Add incoming stock to the product's total and fold it into its moving average cost;
    returns the unit cost used. `product` is the locked row (see _change_product_stock)."""
    cost, average = _incoming_cost(product, product.stock_on_hand, quantity, unit_cost)
    _change_product_stock(product, original, on_hand=quantity, average_cost=average)
    return cost


def _publish(movement: StockMovement, *, check_low_stock: bool) -> None:
    """Queue the events of a posted movement for after the commit."""
    organization_id = movement.organization_id
    events.send_after_commit(
        stock_changed,
        hook="stock_changed",
        sender=StockMovement,
        movement=movement,
        organization_id=organization_id,
    )
    if check_low_stock:
        _queue_low_stock(movement.product, organization_id)


def _queue_low_stock(product: Product, organization_id: int) -> None:
    """Announce after commit that `product` (its locked, updated row) is at or below its
    reorder point."""
    if product.reorder_point <= 0:
        return
    available = product.stock_available
    if available <= product.reorder_point:
        product_id = product.pk
        events.send_after_commit(
            low_stock,
            hook="low_stock",
            sender=Product,
            product_id=product_id,
            organization_id=organization_id,
            available=available,
        )


@dataclass(frozen=True)
class _Posting:
    """What every movement of a stock service carries besides what it moves (who, why, when,
    under which idempotency key), and the steps every service takes with it: lock the product,
    post once per key, record the movement and publish it after commit."""

    organization_id: int
    user: object = None
    reference: str = ""
    reason: str = ""
    occurred_at: datetime | None = None
    idempotency_key: str | None = None

    @property
    def scope(self) -> int:
        return idempotency_scope(self.user)

    def lock_product(
        self, product: Product, intent: _Intent
    ) -> tuple[Product, StockMovement | None]:
        return _lock_product(
            product, self.organization_id, self.idempotency_key, intent, self.scope
        )

    def once(
        self, intent: _Intent, post: Callable[[], StockMovement], *, look_up_first: bool = False
    ) -> StockMovement:
        return _post_once(
            organization_id=self.organization_id,
            scope=self.scope,
            idempotency_key=self.idempotency_key,
            intent=intent,
            post=post,
            look_up_first=look_up_first,
        )

    def movement(self, **moved) -> StockMovement:
        """The (unsaved) ledger row of this posting: `moved` says what moved where, at what
        cost (kind, product, lot, quantity, from_location, to_location, unit_cost)."""
        return StockMovement(
            organization_id=self.organization_id,
            reference=self.reference,
            reason=self.reason,
            user=self.user,
            occurred_at=self.occurred_at or timezone.now(),
            idempotency_key=self.idempotency_key or None,
            idempotency_scope=self.scope,
            **moved,
        )

    def record(self, *, check_low_stock: bool, **moved) -> StockMovement:
        """Write the movement and queue its events for after the commit."""
        movement = self.movement(**moved)
        movement.save(force_insert=True)
        _publish(movement, check_low_stock=check_low_stock)
        return movement


def _save_level(level: StockLevel, *fields: str) -> None:
    level.save(update_fields=[*fields, "updated_at"])


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
    if len(lot_number) > Lot._meta.get_field("lot_number").max_length:
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
    _check_product(line.product, organization_id)
    _check_location(line.location, organization_id)
    quantity = clean_quantity(line.quantity, product=line.product)
    unit_cost = None if line.unit_cost is None else _clean_unit_cost(line.unit_cost)
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
    posting = _Posting(organization_id, user, reference, reason, occurred_at, idempotency_key)
    intent = _Intent(MovementKind.RECEIPT, product.pk, quantity, None, location.pk)

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
        cost = _take_in(locked, product, quantity, unit_cost)
        level = lock_or_create_stock_level(organization_id=organization_id, key=key)
        level.on_hand += quantity
        _save_level(level, "on_hand")
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
    error.extra = {**error.extra, "line": index}
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
                raise _idempotency_conflict()
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
            raise _naming_line(_idempotency_conflict(), keys[key])
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
            _check_product(product, organization_id)  # again, on the locked copy
            numbers.append(_clean_receipt_lot_number(product, line.lot_number))
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

    A refusal names its line in `error.extra["line"]` (the index in `lines`). An idempotency key
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
    posting = _Posting(organization_id, user, reference, reason, occurred_at or timezone.now())
    movements = []
    for line, (quantity, unit_cost), lot in zip(lines, cleaned, lots, strict=True):
        product = products[line.product.pk]
        # _take_in, line by line, on the running totals of the locked products.
        before = on_hand.get(product.pk, ZERO)
        cost, product.average_cost = _incoming_cost(product, before, quantity, unit_cost)
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
    keys: list[StockKey] = [
        (movement.product_id, movement.to_location_id, movement.lot_id) for movement in movements
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
    # Like _change_product_stock's queryset update: the stock fields alone, updated_at untouched.
    _write_locked_rows(
        Product, list(products.values()), ["average_cost", "stock_on_hand"], batch_size
    )
    for line in lines:
        locked = products[line.product.pk]
        line.product.average_cost = locked.average_cost
        line.product.stock_on_hand = locked.stock_on_hand
    if movements:
        _publish(movements[-1], check_low_stock=False)
    return movements


def stock_issue(
    *,
    organization,
    product: Product,
    location: Location,
    quantity: Decimal,
    lot: Lot | None = None,
    user=None,
    reference: str = "",
    reason: str = "",
    idempotency_key: str | None = None,
    occurred_at: datetime | None = None,
    kind: str = MovementKind.ISSUE,
) -> StockMovement:
    """Take stock out of a location, at the current average cost. Never beyond available.

    A manual issue (kind ISSUE) by default; a sales order's shipment passes kind SHIPMENT, the
    only outflow the demand reports (top movers, ABC, reorder, slow movers) count as sales.
    """
    if kind not in (MovementKind.ISSUE, MovementKind.SHIPMENT):
        raise ApplicationError(
            _("Stock leaves a location as an issue or a shipment."), field="kind", code="bad_kind"
        )
    organization_id = organization_id_of(organization)
    _check_product(product, organization_id)
    _check_location(location, organization_id)
    _check_lot(lot, product, organization_id)
    quantity = clean_quantity(quantity, product=product)
    posting = _Posting(organization_id, user, reference, reason, occurred_at, idempotency_key)
    intent = _Intent(kind, product.pk, quantity, location.pk, None)

    def post() -> StockMovement:
        locked, earlier = posting.lock_product(product, intent)
        if earlier is not None:
            return earlier
        key: StockKey = (product.pk, location.pk, lot.pk if lot else None)
        level = lock_stock_levels(organization_id=organization_id, keys=[key]).get(key)
        if level is None or level.available < quantity:
            raise _insufficient()
        level.on_hand -= quantity
        _save_level(level, "on_hand")
        _change_product_stock(locked, product, on_hand=-quantity)
        return posting.record(
            kind=kind,
            product=locked,
            lot=lot,
            quantity=quantity,
            from_location=location,
            unit_cost=locked.average_cost,
            check_low_stock=True,
        )

    return posting.once(intent, post)


def stock_transfer(
    *,
    organization,
    product: Product,
    from_location: Location,
    to_location: Location,
    quantity: Decimal,
    lot: Lot | None = None,
    user=None,
    reference: str = "",
    reason: str = "",
    idempotency_key: str | None = None,
    occurred_at: datetime | None = None,
) -> StockMovement:
    """Move stock between two locations of the organization. Never beyond available."""
    organization_id = organization_id_of(organization)
    _check_product(product, organization_id)
    _check_location(from_location, organization_id, field="from_location")
    _check_location(to_location, organization_id, field="to_location")
    if from_location.pk == to_location.pk:
        raise ApplicationError(
            _("Choose a different location to transfer to."),
            field="to_location",
            code="same_location",
        )
    _check_lot(lot, product, organization_id)
    quantity = clean_quantity(quantity, product=product)
    posting = _Posting(organization_id, user, reference, reason, occurred_at, idempotency_key)
    intent = _Intent(MovementKind.TRANSFER, product.pk, quantity, from_location.pk, to_location.pk)

    def post() -> StockMovement:
        # Transfers leave the product's total and average cost alone: only the two rows lock.
        lot_id = lot.pk if lot else None
        source: StockKey = (product.pk, from_location.pk, lot_id)
        target: StockKey = (product.pk, to_location.pk, lot_id)
        levels = lock_stock_levels(organization_id=organization_id, keys=[source], create=[target])
        level_from = levels.get(source)
        if level_from is None or level_from.available < quantity:
            raise _insufficient()
        level_from.on_hand -= quantity
        _save_level(level_from, "on_hand")
        level_to = levels[target]
        level_to.on_hand += quantity
        _save_level(level_to, "on_hand")
        return posting.record(
            kind=MovementKind.TRANSFER,
            product=product,
            lot=lot,
            quantity=quantity,
            from_location=from_location,
            to_location=to_location,
            unit_cost=product.average_cost,
            # A transfer leaves the product's total available unchanged: no low-stock check.
            check_low_stock=False,
        )

    # No product lock to look the key up with: the look-up is a query of its own.
    return posting.once(intent, post, look_up_first=True)


def stock_adjust(
    *,
    organization,
    product: Product,
    location: Location,
    quantity_delta: Decimal,
    reason: str,
    lot: Lot | None = None,
    user=None,
    reference: str = "",
    idempotency_key: str | None = None,
    kind: str = MovementKind.ADJUSTMENT,
    occurred_at: datetime | None = None,
) -> StockMovement:
    """Correct stock by a signed delta with a reason (kind COUNT for stock-count variances).

    A gain is valued at the average cost; a loss never goes below what is reserved.
    """
    organization_id = organization_id_of(organization)
    if kind not in (MovementKind.ADJUSTMENT, MovementKind.COUNT):
        raise ApplicationError(
            _("An adjustment is either an adjustment or a count."), field="kind", code="bad_kind"
        )
    _check_product(product, organization_id)
    _check_location(location, organization_id)
    _check_lot(lot, product, organization_id)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give a reason for the adjustment."), field="reason", code="reason_required"
        )
    try:
        delta = (
            quantity_delta if isinstance(quantity_delta, Decimal) else Decimal(str(quantity_delta))
        )
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError(
            _("Enter a valid quantity."), field="quantity", code="invalid_quantity"
        ) from None
    if delta.is_finite() and delta == 0:
        raise ApplicationError(
            _("The adjustment must change the quantity."), field="quantity", code="zero_delta"
        )
    gain = delta > 0 if delta.is_finite() else True
    quantity = clean_quantity(abs(delta), product=product)
    key: StockKey = (product.pk, location.pk, lot.pk if lot else None)
    posting = _Posting(organization_id, user, reference, reason, occurred_at, idempotency_key)
    intent = _Intent(
        kind,
        product.pk,
        quantity,
        None if gain else location.pk,
        location.pk if gain else None,
    )

    def post() -> StockMovement:
        locked, earlier = posting.lock_product(product, intent)
        if earlier is not None:
            return earlier
        if gain:
            cost = _take_in(locked, product, quantity, None)
            level = lock_or_create_stock_level(organization_id=organization_id, key=key)
            level.on_hand += quantity
        else:
            cost = locked.average_cost
            level = lock_stock_levels(organization_id=organization_id, keys=[key]).get(key)
            if level is None or level.available < quantity:
                raise _insufficient()
            level.on_hand -= quantity
            _change_product_stock(locked, product, on_hand=-quantity)
        _save_level(level, "on_hand")
        return posting.record(
            kind=kind,
            product=locked,
            lot=lot,
            quantity=quantity,
            from_location=None if gain else location,
            to_location=location if gain else None,
            unit_cost=cost,
            check_low_stock=not gain,
        )

    return posting.once(intent, post)


def _locked_for_reservation(
    *, organization, product: Product, location: Location, quantity, lot: Lot | None
) -> tuple[Decimal, Product, StockLevel | None]:
    """Check a reservation's input, then lock its product and stock row (in that order)."""
    organization_id = organization_id_of(organization)
    _check_product(product, organization_id)
    _check_location(location, organization_id)
    _check_lot(lot, product, organization_id)
    quantity = clean_quantity(quantity, product=product)
    locked = lock_product(product.pk)
    key: StockKey = (product.pk, location.pk, lot.pk if lot else None)
    level = lock_stock_levels(organization_id=organization_id, keys=[key]).get(key)
    return quantity, locked, level


@transaction.atomic
def stock_reserve(
    *,
    organization,
    product: Product,
    location: Location,
    quantity: Decimal,
    lot: Lot | None = None,
) -> StockLevel:
    """Set stock aside (e.g. for a confirmed sales order). Never beyond available."""
    quantity, locked, level = _locked_for_reservation(
        organization=organization, product=product, location=location, quantity=quantity, lot=lot
    )
    if level is None or level.available < quantity:
        raise _insufficient()
    level.reserved += quantity
    _save_level(level, "reserved")
    _change_product_stock(locked, product, reserved=quantity)
    _queue_low_stock(locked, locked.organization_id)
    return level


@transaction.atomic
def stock_release(
    *,
    organization,
    product: Product,
    location: Location,
    quantity: Decimal,
    lot: Lot | None = None,
) -> StockLevel:
    """Give reserved stock back to available. Never more than is reserved."""
    quantity, locked, level = _locked_for_reservation(
        organization=organization, product=product, location=location, quantity=quantity, lot=lot
    )
    if level is None or level.reserved < quantity:
        raise ApplicationError(
            _("Cannot release more than is reserved."), field="quantity", code="over_release"
        )
    level.reserved -= quantity
    _save_level(level, "reserved")
    _change_product_stock(locked, product, reserved=-quantity)
    return level
