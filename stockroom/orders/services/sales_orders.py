"""Sales orders: draft → confirmed (stock reserved) → partially shipped → shipped (one shipment
document each time), or cancelled before anything shipped (reservations released).

Reservations are recorded per line, location and lot, so shipping and cancelling give back
exactly what was set aside. Stock rows are locked through `inventory.locks` in its global order
(products, then stock levels, each by primary key) before any of them changes.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from stockroom.catalog.models import MONEY_PLACES, Customer
from stockroom.core.exceptions import ApplicationError, ConflictError
from stockroom.core.tenancy import organization_id_of
from stockroom.inventory.locks import StockKey, lock_products, lock_stock_levels
from stockroom.inventory.models import Location, Lot, MovementKind, StockLevel
from stockroom.inventory.quantities import clean_quantity
from stockroom.inventory.services import stock_issue, stock_release, stock_reserve

from ..models import (
    ZERO,
    SalesOrder,
    SalesOrderLine,
    SalesOrderReservation,
    SalesOrderStatus,
    Shipment,
    ShipmentLine,
)
from ..transitions import SALES_ORDER_TRANSITIONS as TRANSITIONS
from ._common import (
    LineInput,
    clean_lines,
    format_quantity,
    lock_for,
    stamp,
    sync_lines,
)
from .numbering import SALES_ORDER_PREFIX, SHIPMENT_PREFIX, next_document_number


@dataclass(frozen=True)
class _Allocation:
    line: SalesOrderLine
    level: StockLevel
    quantity: Decimal


def _check_customer(customer: Customer, organization_id: int) -> None:
    if customer is None or customer.organization_id != organization_id:
        raise ApplicationError(
            _("Choose a customer of this organization."),
            field="customer",
            code="wrong_organization",
        )
    if not customer.is_active:
        raise ApplicationError(
            _("This customer is inactive."), field="customer", code="inactive_customer"
        )


def _with_sale_prices(lines: list[LineInput]) -> list[LineInput]:
    """Lines whose price was left empty take their product's sale price."""
    return [
        LineInput(product=line.product, quantity=line.quantity, unit_price=line.product.sale_price)
        if line.unit_price is None and line.product is not None
        else line
        for line in lines
    ]


@transaction.atomic
def sales_order_create(
    *, organization, user, customer: Customer, lines: list[LineInput], notes: str = ""
) -> SalesOrder:
    """A draft sales order with its lines, numbered SO-00001, … per organization. A line
    without a price takes its product's sale price."""
    organization_id = organization_id_of(organization)
    _check_customer(customer, organization_id)
    lines = clean_lines(
        _with_sale_prices(lines), organization_id=organization_id, price_places=MONEY_PLACES
    )
    order = SalesOrder.objects.create(
        organization_id=organization_id,
        number=next_document_number(organization_id=organization_id, prefix=SALES_ORDER_PREFIX),
        customer=customer,
        notes=notes or "",
        created_by=user,
    )
    sync_lines(order, SalesOrderLine, lines, new_order=True)
    return order


@transaction.atomic
def sales_order_update(
    *, order: SalesOrder, customer: Customer, lines: list[LineInput], notes: str = ""
) -> SalesOrder:
    """Change a draft's customer, notes and lines (an empty price: the product's sale price).
    Refused once confirmed."""
    locked = lock_for(TRANSITIONS["edit"], SalesOrder, order.pk)
    _check_customer(customer, locked.organization_id)
    lines = clean_lines(
        _with_sale_prices(lines), organization_id=locked.organization_id, price_places=MONEY_PLACES
    )
    locked.customer = customer
    locked.notes = notes or ""
    locked.save(update_fields=["customer", "notes", "updated_at"])
    sync_lines(locked, SalesOrderLine, lines)
    return locked


def _lock_candidate_levels(organization_id: int, product_ids: list[int]) -> list[StockLevel]:
    """Lock every stock row of the products that holds stock, in one pk-ordered statement, and
    return those that may be reserved from, in the order stock is taken: warehouse and bin
    code, then the lot that expires first (untracked and undated last).

    The products are locked first, as every stock service does (reserving changes their
    totals), so no stock row of theirs appears or changes until we commit."""
    lock_products(product_ids)
    keys: list[StockKey] = list(
        StockLevel.objects.filter(
            organization_id=organization_id, product_id__in=product_ids, on_hand__gt=0
        ).values_list("product_id", "location_id", "lot_id")
    )
    locked = lock_stock_levels(organization_id=organization_id, keys=keys)
    locations = Location.objects.select_related("warehouse").in_bulk(
        {location_id for _product, location_id, _lot in locked}
    )
    lots = Lot.objects.in_bulk({lot_id for _p, _l, lot_id in locked if lot_id})
    today = timezone.localdate()
    candidates = []
    for (_product_id, location_id, lot_id), level in locked.items():
        location = locations[location_id]
        lot = lots.get(lot_id) if lot_id else None
        if not (location.is_active and location.warehouse.is_active):
            continue
        if lot is not None and lot.expiry_date is not None and lot.expiry_date < today:
            continue  # expired stock is not sold
        level.location, level.lot = location, lot
        candidates.append(level)

    def order_key(level: StockLevel):
        expiry = level.lot.expiry_date if level.lot and level.lot.expiry_date else None
        return (
            level.location.warehouse.code,
            level.location.code,
            expiry is None,
            expiry or today,
            level.pk,
        )

    return sorted(candidates, key=order_key)


def _allocate(
    organization_id: int, wanted: list[tuple[SalesOrderLine, Decimal]]
) -> tuple[list[_Allocation], dict[int, Decimal]]:
    """Plan reservations for `wanted` (line, quantity) from the locked rows; returns the plan
    and, per line id, what could not be covered."""
    levels = _lock_candidate_levels(organization_id, [line.product_id for line, _q in wanted])
    free = {level.pk: level.available for level in levels}
    plan: list[_Allocation] = []
    short: dict[int, Decimal] = {}
    for line, quantity in wanted:
        need = quantity
        for level in levels:
            if need <= 0:
                break
            if level.product_id != line.product_id or free[level.pk] <= 0:
                continue
            take = min(free[level.pk], need)
            free[level.pk] -= take
            need -= take
            plan.append(_Allocation(line, level, take))
        if need > 0:
            short[line.pk] = need
    return plan, short


def _reserve(organization_id: int, plan: list[_Allocation]) -> None:
    now = timezone.now()
    for allocation in plan:
        level, line = allocation.level, allocation.line
        stock_reserve(
            organization=organization_id,
            product=line.product,
            location=level.location,
            lot=level.lot,
            quantity=allocation.quantity,
        )
    # One INSERT for the order's reservations; a refused stock_reserve above raised before it.
    SalesOrderReservation.objects.bulk_create(
        SalesOrderReservation(
            organization_id=organization_id,
            line=allocation.line,
            location=allocation.level.location,
            lot=allocation.level.lot,
            quantity=allocation.quantity,
            reserved_at=now,
        )
        for allocation in plan
    )


def _shortage_error(line: SalesOrderLine, missing: Decimal) -> ApplicationError:
    return ApplicationError(
        _(
            "Not enough stock to reserve %(product)s in full: %(missing)s short. "
            "Confirm with backorders to reserve what is available."
        )
        % {"product": line.product.sku, "missing": format_quantity(missing)},
        code="insufficient_stock",
        extra={"line_id": line.pk, "missing": missing},
    )


@transaction.atomic
def sales_order_confirm(*, order: SalesOrder, user, allow_backorder: bool = False) -> SalesOrder:
    """Reserve every line's stock across locations. When a line cannot be covered in full,
    nothing is reserved, unless `allow_backorder`: then what is available is reserved and the
    rest stays backordered on the line."""
    confirm = TRANSITIONS["confirm"]
    locked = lock_for(confirm, SalesOrder, order.pk)
    lines = list(locked.lines.select_related("product").order_by("pk"))
    if not lines:
        raise ConflictError(
            _("Add at least one line before confirming the sales order."), code="empty_order"
        )
    for line in lines:
        if not line.product.is_active:
            raise ApplicationError(
                _("%(product)s is inactive and cannot be reserved.")
                % {"product": line.product.sku},
                code="inactive_product",
                extra={"line_id": line.pk},
            )
    plan, short = _allocate(locked.organization_id, [(line, line.quantity) for line in lines])
    if short and not allow_backorder:
        line = next(line for line in lines if line.pk in short)
        raise _shortage_error(line, short[line.pk])
    _reserve(locked.organization_id, plan)
    for line in lines:
        if line.pk in short:
            line.backordered_quantity = short[line.pk]
            line.save(update_fields=["backordered_quantity", "updated_at"])
    return stamp(confirm, locked, user=user, at=timezone.now())


@transaction.atomic
def sales_order_reserve_backorders(*, order: SalesOrder, user) -> SalesOrder:
    """Try again to reserve what is backordered on a confirmed or partly shipped order;
    reserves what it can."""
    locked = lock_for(TRANSITIONS["reserve_backorders"], SalesOrder, order.pk)
    lines = list(
        locked.lines.select_related("product").filter(backordered_quantity__gt=0).order_by("pk")
    )
    if not lines:
        raise ConflictError(
            _("Nothing on this sales order is backordered."), code="nothing_backordered"
        )
    plan, short = _allocate(
        locked.organization_id, [(line, line.backordered_quantity) for line in lines]
    )
    if not plan:
        raise ApplicationError(
            _("No stock is available yet for the backordered lines."), code="insufficient_stock"
        )
    _reserve(locked.organization_id, plan)
    for line in lines:
        line.backordered_quantity = short.get(line.pk, ZERO)
        line.save(update_fields=["backordered_quantity", "updated_at"])
    return locked


def _open_reservations(order: SalesOrder) -> list[SalesOrderReservation]:
    return list(
        SalesOrderReservation.objects.filter(line__order=order, closed_at__isnull=True)
        .select_related("line__product", "location", "lot")
        .order_by("pk")
    )


def _lock_reserved_levels(order: SalesOrder, reservations: list[SalesOrderReservation]) -> None:
    """Lock every stock row the reservations touch at once, in primary-key order. Releasing them
    one by one in line order would let two orders with the same products in a different order
    each hold a row the other waits for."""
    lock_stock_levels(
        organization_id=order.organization_id,
        keys=[(r.line.product_id, r.location_id, r.lot_id) for r in reservations],
    )


def _shipment_quantities(
    order: SalesOrder,
    open_by_line: dict[int, list[SalesOrderReservation]],
    lines: list[tuple[SalesOrderLine, object]] | None,
) -> list[tuple[SalesOrderLine, Decimal]]:
    """(line, quantity) to ship, checked against each line's open reservations; by default
    everything reserved and not yet shipped. Errors name the input row (`index`)."""
    if lines is None:
        wanted = [
            (reservations[0].line, sum((r.quantity for r in reservations), start=ZERO))
            for reservations in open_by_line.values()
        ]
        if not wanted:
            raise ConflictError(
                _("Nothing on this sales order is reserved and waiting to ship."),
                code="nothing_to_ship",
            )
        return sorted(wanted, key=lambda pair: pair[0].pk)
    if not lines:
        raise ApplicationError(
            _("Enter a quantity to ship on at least one line."),
            field="lines",
            code="empty_shipment",
        )
    wanted = []
    seen: set[int] = set()
    for index, (line, raw_quantity) in enumerate(lines):
        try:
            if line is None or line.order_id != order.pk:
                raise ApplicationError(
                    _("Choose a line of this sales order."), field="line", code="wrong_order"
                )
            if line.pk in seen:
                raise ApplicationError(
                    _("Each line may appear only once on a shipment."),
                    field="line",
                    code="duplicate_line",
                )
            seen.add(line.pk)
            quantity = clean_quantity(raw_quantity, product=line.product)
            reserved = sum((r.quantity for r in open_by_line.get(line.pk, [])), start=ZERO)
            if quantity > reserved:
                raise ApplicationError(
                    _(
                        "Only %(reserved)s of %(product)s is reserved and not yet shipped; "
                        "ship at most that."
                    )
                    % {"reserved": format_quantity(reserved), "product": line.product.sku},
                    field="quantity",
                    code="exceeds_reserved",
                )
        except ApplicationError as exc:
            exc.extra = {**exc.extra, "index": index}
            raise
        wanted.append((line, quantity))
    return wanted


@transaction.atomic
def sales_order_ship(
    *,
    order: SalesOrder,
    user,
    lines: list[tuple[SalesOrderLine, object]] | None = None,
    carrier: str = "",
    tracking_number: str = "",
    notes: str = "",
    occurred_at: datetime | None = None,
) -> Shipment:
    """Ship (line, quantity) pairs of a confirmed or partly shipped order as one shipment
    (SHP-00001), by default everything reserved and not yet shipped. Each line ships from its
    open reservations in the order they were made: the stock is released and issued from the
    same location and lot; a reservation shipped in part keeps its remainder open. The order
    lands on `shipped` once every line has left in full, else on `partially_shipped`."""
    ship = TRANSITIONS["ship"]
    locked = lock_for(ship, SalesOrder, order.pk)
    # The order row lock serializes every change of its reservations (confirm, reserve,
    # ship, cancel), so this read is stable until we commit.
    open_by_line: dict[int, list[SalesOrderReservation]] = {}
    for reservation in _open_reservations(locked):
        open_by_line.setdefault(reservation.line_id, []).append(reservation)
    wanted = _shipment_quantities(locked, open_by_line, lines)
    touched = [r for line, _q in wanted for r in open_by_line.get(line.pk, [])]
    # Products first, as every stock service does, so shipping cannot deadlock with an issue.
    lock_products({reservation.line.product_id for reservation in touched})
    _lock_reserved_levels(locked, touched)
    occurred_at = occurred_at or timezone.now()
    shipment = Shipment.objects.create(
        organization_id=locked.organization_id,
        number=next_document_number(organization_id=locked.organization_id, prefix=SHIPMENT_PREFIX),
        order=locked,
        carrier=(carrier or "").strip(),
        tracking_number=(tracking_number or "").strip(),
        notes=notes or "",
        shipped_at=occurred_at,
        shipped_by=user,
    )
    for line, quantity in wanted:
        need = quantity
        for reservation in open_by_line[line.pk]:
            if need <= 0:
                break
            take = min(reservation.quantity, need)
            need -= take
            _ship_reservation(locked, shipment, reservation, take, user=user, at=occurred_at)
        SalesOrderLine.objects.filter(pk=line.pk).update(
            shipped_quantity=F("shipped_quantity") + quantity
        )
    complete = not locked.lines.filter(shipped_quantity__lt=F("quantity")).exists()
    stamp(
        ship,
        locked,
        user=user,
        at=occurred_at,
        target=None if complete else SalesOrderStatus.PARTIALLY_SHIPPED,
    )
    order.status = locked.status
    return shipment


def _ship_reservation(
    order: SalesOrder,
    shipment: Shipment,
    reservation: SalesOrderReservation,
    quantity: Decimal,
    *,
    user,
    at: datetime,
) -> None:
    """Release `quantity` of the reservation, issue it from the same location and lot, and
    record the shipment line. Shipped in part, the reservation keeps the rest open and a
    closed one records the shipped part, so open reservations always equal what is confirmed
    and not yet shipped."""
    line = reservation.line
    stock_release(
        organization=order.organization_id,
        product=line.product,
        location=reservation.location,
        lot=reservation.lot,
        quantity=quantity,
    )
    movement = stock_issue(
        organization=order.organization_id,
        product=line.product,
        location=reservation.location,
        lot=reservation.lot,
        quantity=quantity,
        user=user,
        reference=order.number,
        reason=f"Shipment {shipment.number}",
        occurred_at=at,
        kind=MovementKind.SHIPMENT,
    )
    if quantity == reservation.quantity:
        reservation.closed_at = at
        reservation.shipment = movement
        reservation.save(update_fields=["closed_at", "shipment", "updated_at"])
    else:
        reservation.quantity -= quantity
        reservation.save(update_fields=["quantity", "updated_at"])
        SalesOrderReservation.objects.create(
            organization_id=order.organization_id,
            line=line,
            location=reservation.location,
            lot=reservation.lot,
            quantity=quantity,
            reserved_at=reservation.reserved_at,
            closed_at=at,
            shipment=movement,
        )
    ShipmentLine.objects.create(
        organization_id=order.organization_id,
        shipment=shipment,
        line=line,
        location=reservation.location,
        lot=reservation.lot,
        quantity=quantity,
        movement=movement,
    )


@transaction.atomic
def sales_order_cancel(*, order: SalesOrder, user) -> SalesOrder:
    """Cancel a draft or confirmed order (nothing shipped yet), releasing every open
    reservation."""
    cancel = TRANSITIONS["cancel"]
    locked = lock_for(cancel, SalesOrder, order.pk)
    now = timezone.now()
    reservations = _open_reservations(locked)
    lock_products({reservation.line.product_id for reservation in reservations})
    _lock_reserved_levels(locked, reservations)
    for reservation in reservations:
        stock_release(
            organization=locked.organization_id,
            product=reservation.line.product,
            location=reservation.location,
            lot=reservation.lot,
            quantity=reservation.quantity,
        )
        reservation.closed_at = now
        reservation.save(update_fields=["closed_at", "updated_at"])
    locked.lines.filter(~Q(backordered_quantity=0)).update(backordered_quantity=ZERO)
    return stamp(cancel, locked, user=user, at=now)
