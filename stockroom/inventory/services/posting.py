"""What every stock service shares: the checks before the locks, the product lock, posting once
per idempotency key, the product's stock totals and moving average cost, and the movement a
posting records and publishes after commit. The services themselves are in receipts.py (stock
in) and stock.py (stock out, between places, corrections and reservations).

Quantities are Decimals; a quantity may carry no more decimals than the product's unit allows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from stockroom.catalog.models import Product
from stockroom.core import events
from stockroom.core.exceptions import ApplicationError, ConflictError

from ..costing import COST_QUANTUM, moving_average
from ..locks import (
    lock_product,
)
from ..models import ZERO, Location, Lot, StockLevel, StockMovement
from ..signals import low_stock, stock_changed

if TYPE_CHECKING:
    from stockroom.accounts.models import User

MAX_COST = Decimal("9999999999.9999")


# --- validation ----------------------------------------------------------------------------------


def clean_unit_cost(unit_cost) -> Decimal:
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


def check_product(product: Product | None, organization_id: int) -> Product:
    """`product`, if it is an active product of the organization; else a refusal."""
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
    return product


def check_location(location: Location, organization_id: int, field: str = "location") -> None:
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


def check_lot(lot: Lot | None, product: Product, organization_id: int) -> None:
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


def insufficient(field: str = "quantity") -> ApplicationError:
    return ApplicationError(
        _("Not enough stock available for this quantity."),
        field=field,
        code="insufficient_stock",
    )


# --- idempotency ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intent:
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


def _replay(movement: StockMovement | None, intent: Intent) -> StockMovement | None:
    """The movement posted before under the same key, if it means the same; else a refusal."""
    if movement is None:
        return None
    if not intent.matches(movement):
        raise idempotency_conflict()
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
    organization_id: int, scope: int, idempotency_key: str, intent: Intent
) -> StockMovement | None:
    return _replay(_movements_by_key(organization_id, scope, idempotency_key).first(), intent)


def idempotency_conflict() -> ApplicationError:
    return ConflictError(
        _("This idempotency key was already used for a different stock movement."),
        code="idempotency_conflict",
    )


def _post_once(
    *,
    organization_id: int,
    scope: int,
    idempotency_key: str | None,
    intent: Intent,
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
    idempotency_key: str | None,
    intent: Intent,
    scope: int,
) -> tuple[Product, StockMovement | None]:
    """Lock the product row and re-check it on the fresh copy; with an idempotency key, the
    lock's statement also finds a movement posted under it before: (locked product, that
    movement or None). One statement where a lookup and a lock took two."""
    earlier_id = None
    if idempotency_key:
        earlier_id = Subquery(
            _keyed_movements(organization_id, scope, idempotency_key).values("pk")[:1]
        )
    locked = check_product(
        lock_product(product.pk, **({"earlier_movement_id": earlier_id} if earlier_id else {})),
        organization_id,
    )
    earlier = None
    # The annotation exists only when there is a key (the stubs cannot see it either way).
    earlier_movement_id = getattr(locked, "earlier_movement_id", None)
    if idempotency_key and earlier_movement_id is not None:
        earlier = _replay(
            _movements_by_key(organization_id, scope, idempotency_key).get(pk=earlier_movement_id),
            intent,
        )
    return locked, earlier


def _receipt_unit_cost(product: Product, unit_cost: Decimal | None) -> Decimal:
    """Stock received without a cost comes in at the average cost, else at the cost price."""
    if unit_cost is None:
        return product.average_cost or product.cost_price
    return unit_cost


def change_product_stock(
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


def incoming_cost(
    product: Product, on_hand: Decimal, quantity: Decimal, unit_cost: Decimal | None
) -> tuple[Decimal, Decimal]:
    """(the unit cost incoming stock is valued at, the product's new moving average cost) when
    `quantity` comes in on top of `on_hand`: one rule for single and bulk receipts and gains."""
    cost = _receipt_unit_cost(product, unit_cost)
    return cost, moving_average(on_hand, product.average_cost, quantity, cost)


def take_in(
    product: Product, original: Product, quantity: Decimal, unit_cost: Decimal | None
) -> Decimal:
    """Add incoming stock to the product's total and fold it into its moving average cost;
    returns the unit cost used. `product` is the locked row (see change_product_stock)."""
    cost, average = incoming_cost(product, product.stock_on_hand, quantity, unit_cost)
    change_product_stock(product, original, on_hand=quantity, average_cost=average)
    return cost


def publish(movement: StockMovement, *, check_low_stock: bool) -> None:
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
        queue_low_stock(movement.product, organization_id)


def queue_low_stock(product: Product, organization_id: int) -> None:
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
class Posting:
    """What every movement of a stock service carries besides what it moves (who, why, when,
    under which idempotency key), and the steps every service takes with it: lock the product,
    post once per key, record the movement and publish it after commit."""

    organization_id: int
    user: "User | None" = None
    reference: str = ""
    reason: str = ""
    occurred_at: datetime | None = None
    idempotency_key: str | None = None

    @property
    def scope(self) -> int:
        return idempotency_scope(self.user)

    def lock_product(
        self, product: Product, intent: Intent
    ) -> tuple[Product, StockMovement | None]:
        return _lock_product(
            product, self.organization_id, self.idempotency_key, intent, self.scope
        )

    def once(
        self, intent: Intent, post: Callable[[], StockMovement], *, look_up_first: bool = False
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
        publish(movement, check_low_stock=check_low_stock)
        return movement


def save_level(level: StockLevel, *fields: str) -> None:
    level.save(update_fields=[*fields, "updated_at"])
