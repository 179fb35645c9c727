"""Stock out of a place (issue and shipment), between places (transfer), corrections
(adjustment and count) and reservations. Each service validates, locks (see locks.py), writes one
ledger movement and the stock levels it moves, and publishes events after commit."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from stockroom.catalog.models import Product
from stockroom.core.exceptions import ApplicationError
from stockroom.core.tenancy import organization_id_of

from ..locks import (
    StockKey,
    lock_or_create_stock_level,
    lock_product,
    lock_stock_levels,
)
from ..models import IssueReason, Location, Lot, MovementKind, StockLevel, StockMovement
from ..quantities import clean_quantity
from .posting import (
    Intent,
    Posting,
    change_product_stock,
    check_location,
    check_lot,
    check_product,
    insufficient,
    queue_low_stock,
    save_level,
    take_in,
)


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
    reason_code: str = "",
) -> StockMovement:
    """Take stock out of a location, at the current average cost. Never beyond available.

    A manual issue (kind ISSUE, the default) needs a reason code (IssueReason); a sales order's
    shipment passes kind SHIPMENT and no code. Shipments are the sales the demand figures (top
    movers, ABC, reorder, slow movers) count, with consumption issues where the organization
    says so.
    """
    if kind not in (MovementKind.ISSUE, MovementKind.SHIPMENT):
        raise ApplicationError(
            _("Stock leaves a location as an issue or a shipment."), field="kind", code="bad_kind"
        )
    check_reason_code(kind, reason_code)
    organization_id = organization_id_of(organization)
    check_product(product, organization_id)
    check_location(location, organization_id)
    check_lot(lot, product, organization_id)
    quantity = clean_quantity(quantity, product=product)
    posting = Posting(organization_id, user, reference, reason, occurred_at, idempotency_key)
    intent = Intent(kind, product.pk, quantity, location.pk, None)

    def post() -> StockMovement:
        locked, earlier = posting.lock_product(product, intent)
        if earlier is not None:
            return earlier
        key: StockKey = (product.pk, location.pk, lot.pk if lot else None)
        level = lock_stock_levels(organization_id=organization_id, keys=[key]).get(key)
        if level is None or level.available < quantity:
            raise insufficient()
        level.on_hand -= quantity
        save_level(level, "on_hand")
        change_product_stock(locked, product, on_hand=-quantity)
        return posting.record(
            kind=kind,
            product=locked,
            lot=lot,
            quantity=quantity,
            from_location=location,
            unit_cost=locked.average_cost,
            reason_code=reason_code,
            check_low_stock=True,
        )

    return posting.once(intent, post)


def check_reason_code(kind: str, reason_code: str) -> None:
    """An issue names one of the reasons; a shipment names none."""
    if kind == MovementKind.ISSUE and reason_code not in IssueReason.values:
        raise ApplicationError(
            _("Choose the reason for the issue: consumption, sample, damage, scrap or other."),
            field="reason_code",
            code="reason_code_required",
        )
    if kind != MovementKind.ISSUE and reason_code:
        raise ApplicationError(
            _("Only an issue has a reason code."),
            field="reason_code",
            code="reason_code_not_allowed",
        )


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
    check_product(product, organization_id)
    check_location(from_location, organization_id, field="from_location")
    check_location(to_location, organization_id, field="to_location")
    if from_location.pk == to_location.pk:
        raise ApplicationError(
            _("Choose a different location to transfer to."),
            field="to_location",
            code="same_location",
        )
    check_lot(lot, product, organization_id)
    quantity = clean_quantity(quantity, product=product)
    posting = Posting(organization_id, user, reference, reason, occurred_at, idempotency_key)
    intent = Intent(MovementKind.TRANSFER, product.pk, quantity, from_location.pk, to_location.pk)

    def post() -> StockMovement:
        # Transfers leave the product's total and average cost alone: only the two rows lock.
        lot_id = lot.pk if lot else None
        source: StockKey = (product.pk, from_location.pk, lot_id)
        target: StockKey = (product.pk, to_location.pk, lot_id)
        levels = lock_stock_levels(organization_id=organization_id, keys=[source], create=[target])
        level_from = levels.get(source)
        if level_from is None or level_from.available < quantity:
            raise insufficient()
        level_from.on_hand -= quantity
        save_level(level_from, "on_hand")
        level_to = levels[target]
        level_to.on_hand += quantity
        save_level(level_to, "on_hand")
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
    check_product(product, organization_id)
    check_location(location, organization_id)
    check_lot(lot, product, organization_id)
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
    posting = Posting(organization_id, user, reference, reason, occurred_at, idempotency_key)
    intent = Intent(
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
        level: StockLevel | None
        if gain:
            cost = take_in(locked, product, quantity, None)
            level = lock_or_create_stock_level(organization_id=organization_id, key=key)
            level.on_hand += quantity
        else:
            cost = locked.average_cost
            level = lock_stock_levels(organization_id=organization_id, keys=[key]).get(key)
            if level is None or level.available < quantity:
                raise insufficient()
            level.on_hand -= quantity
            change_product_stock(locked, product, on_hand=-quantity)
        save_level(level, "on_hand")
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
    check_product(product, organization_id)
    check_location(location, organization_id)
    check_lot(lot, product, organization_id)
    quantity = clean_quantity(quantity, product=product)
    locked = lock_product(product.pk)
    # Read and checked just above: only a delete committed in between could leave None.
    assert locked is not None
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
        raise insufficient()
    level.reserved += quantity
    save_level(level, "reserved")
    change_product_stock(locked, product, reserved=quantity)
    queue_low_stock(locked, locked.organization_id)
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
    save_level(level, "reserved")
    change_product_stock(locked, product, reserved=-quantity)
    return level
