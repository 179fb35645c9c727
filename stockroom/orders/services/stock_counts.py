"""Stock counts: counting → submitted → approved, or cancelled.

The sheet snapshots on hand when it is made. On approval each line's variance is taken against
the on hand *then* (counted − current), so stock that moved while the count was open is not
counted twice; the sheet shows that drift (current − snapshot) before a manager approves.
"""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stockroom.catalog.models import Product
from stockroom.core.exceptions import ApplicationError, ConflictError
from stockroom.core.tenancy import organization_id_of
from stockroom.inventory.locks import StockKey, lock_products, lock_stock_levels
from stockroom.inventory.models import ZERO, Location, Lot, MovementKind, StockLevel, Warehouse
from stockroom.inventory.services import stock_adjust

from ..models import StockCount, StockCountLine
from ..transitions import STOCK_COUNT_TRANSITIONS as TRANSITIONS
from ._common import clean_quantity, lock_for, stamp
from .numbering import STOCK_COUNT_PREFIX, next_document_number


@transaction.atomic
def stock_count_create(
    *, organization, user, warehouse: Warehouse, location: Location | None = None, notes: str = ""
) -> StockCount:
    """A count sheet for a location, or for every location of the warehouse, listing what is on
    hand there now (per product and lot) as the expected quantities."""
    organization_id = organization_id_of(organization)
    if warehouse is None or warehouse.organization_id != organization_id:
        raise ApplicationError(
            _("Choose a warehouse of this organization."),
            field="warehouse",
            code="wrong_organization",
        )
    if location is not None and location.warehouse_id != warehouse.pk:
        raise ApplicationError(
            _("Choose a location of this warehouse."), field="location", code="wrong_warehouse"
        )
    levels = StockLevel.objects.filter(organization_id=organization_id, on_hand__gt=0)
    if location is not None:
        levels = levels.filter(location=location)
    else:
        levels = levels.filter(location__warehouse=warehouse)
    rows = list(
        levels.order_by("location__code", "product__sku", "lot__lot_number").values_list(
            "product_id", "location_id", "lot_id", "on_hand"
        )
    )
    if not rows:
        raise ApplicationError(
            _("There is no stock to count here."), field="location", code="nothing_to_count"
        )
    count = StockCount.objects.create(
        organization_id=organization_id,
        number=next_document_number(organization_id=organization_id, prefix=STOCK_COUNT_PREFIX),
        warehouse=warehouse,
        location=location,
        notes=notes or "",
        created_by=user,
    )
    StockCountLine.objects.bulk_create(
        StockCountLine(
            organization_id=organization_id,
            count=count,
            product_id=product_id,
            location_id=location_id,
            lot_id=lot_id,
            expected_quantity=on_hand,
        )
        for product_id, location_id, lot_id, on_hand in rows
    )
    return count


@transaction.atomic
def stock_count_record(
    *, count: StockCount, user, quantities: dict[int, Decimal | None]
) -> StockCount:
    """Enter counted quantities by line id (None clears a line). Only while counting."""
    locked = lock_for(TRANSITIONS["record"], StockCount, count.pk)
    lines = {
        line.pk: line
        for line in locked.lines.select_related("product").filter(pk__in=list(quantities))
    }
    now = timezone.now()
    for line_id, value in quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise ApplicationError(
                _("This line is not on the stock count."), code="line_not_on_count"
            )
        if value is None or value == "":
            quantity = None
        else:
            try:
                quantity = clean_quantity(
                    value, product=line.product, field="counted_quantity", allow_zero=True
                )
            except ApplicationError as exc:
                exc.extra = {**exc.extra, "line_id": line.pk}
                raise
        if quantity == line.counted_quantity:
            continue
        line.counted_quantity = quantity
        line.counted_at = now if quantity is not None else None
        line.counted_by = user if quantity is not None else None
        line.save(update_fields=["counted_quantity", "counted_at", "counted_by", "updated_at"])
    return locked


def _check_found_item(
    count: StockCount, product: Product, location: Location, lot: Lot | None
) -> None:
    organization_id = count.organization_id
    if product is None or product.organization_id != organization_id or not product.is_active:
        raise ApplicationError(
            _("Choose an active product of this organization."), field="product", code="bad_product"
        )
    if location is None or location.organization_id != organization_id:
        raise ApplicationError(
            _("Choose a location of this organization."), field="location", code="bad_location"
        )
    outside_sheet = (
        location.pk != count.location_id
        if count.location_id is not None
        else location.warehouse_id != count.warehouse_id
    )
    if outside_sheet:
        raise ApplicationError(
            _("This location is not part of the count (%(scope)s).") % {"scope": count.scope_label},
            field="location",
            code="outside_count",
        )
    if product.is_lot_tracked and lot is None:
        raise ApplicationError(
            _("This product is lot-tracked: give the lot number."), field="lot", code="lot_required"
        )
    if not product.is_lot_tracked and lot is not None:
        raise ApplicationError(
            _("This product is not lot-tracked."), field="lot", code="lot_not_tracked"
        )
    if lot is not None and lot.product_id != product.pk:
        raise ApplicationError(
            _("This lot belongs to another product."), field="lot", code="lot_of_other_product"
        )


@transaction.atomic
def stock_count_add_line(
    *,
    count: StockCount,
    user,
    product: Product,
    location: Location,
    lot: Lot | None = None,
    counted_quantity,
) -> StockCountLine:
    """Stock found while counting that the sheet does not list (misplaced, never received):
    a new line whose expected quantity is what the books hold there now (usually nothing).
    Approval posts its variance like any other line's, so found stock enters the ledger as a
    count gain at the product's average cost."""
    locked = lock_for(TRANSITIONS["record"], StockCount, count.pk)
    _check_found_item(locked, product, location, lot)
    quantity = clean_quantity(
        counted_quantity, product=product, field="counted_quantity", allow_zero=True
    )
    if locked.lines.filter(product=product, location=location, lot=lot).exists():
        raise ApplicationError(
            _("%(product)s is already on the count at %(location)s.")
            % {"product": product.sku, "location": location.code},
            field="product",
            code="line_exists",
        )
    expected = (
        StockLevel.objects.filter(product=product, location=location, lot=lot)
        .values_list("on_hand", flat=True)
        .first()
    )
    return StockCountLine.objects.create(
        organization_id=locked.organization_id,
        count=locked,
        product=product,
        location=location,
        lot=lot,
        expected_quantity=expected if expected is not None else ZERO,
        counted_quantity=quantity,
        counted_at=timezone.now(),
        counted_by=user,
    )


@transaction.atomic
def stock_count_submit(*, count: StockCount, user) -> StockCount:
    """Hand a fully counted sheet to a manager for approval."""
    submit = TRANSITIONS["submit"]
    locked = lock_for(submit, StockCount, count.pk)
    if locked.lines.filter(counted_quantity__isnull=True).exists():
        raise ConflictError(
            _("Enter a counted quantity on every line before submitting."), code="uncounted_lines"
        )
    return stamp(submit, locked, user=user, at=timezone.now())


@transaction.atomic
def stock_count_reopen(*, count: StockCount, user) -> StockCount:
    """Send a submitted sheet back to counting (e.g. to recount a line with a large variance)."""
    reopen = TRANSITIONS["reopen"]
    locked = lock_for(reopen, StockCount, count.pk)
    return stamp(reopen, locked, user=user, at=timezone.now())


@transaction.atomic
def stock_count_approve(
    *, count: StockCount, user, occurred_at: datetime | None = None
) -> StockCount:
    """Post each line's variance (counted − current on hand) as a count movement."""
    approve = TRANSITIONS["approve"]
    locked = lock_for(approve, StockCount, count.pk)
    lines = list(locked.lines.select_related("product", "location", "lot").order_by("pk"))
    # Lock in the inventory's global order so the on hand read below cannot move under us.
    lock_products({line.product_id for line in lines})
    keys: list[StockKey] = [(line.product_id, line.location_id, line.lot_id) for line in lines]
    levels = lock_stock_levels(organization_id=locked.organization_id, keys=keys)
    reason = f"Count {locked.number}"
    occurred_at = occurred_at or timezone.now()
    for line, key in zip(lines, keys, strict=True):
        level = levels.get(key)
        current = level.on_hand if level is not None else ZERO
        variance = line.counted_quantity - current
        line.posted_variance = variance
        if variance != 0:
            try:
                line.adjustment = stock_adjust(
                    organization=locked.organization_id,
                    product=line.product,
                    location=line.location,
                    lot=line.lot,
                    quantity_delta=variance,
                    kind=MovementKind.COUNT,
                    reason=reason,
                    reference=locked.number,
                    user=user,
                    occurred_at=occurred_at,
                )
            except ApplicationError as exc:
                exc.extra = {**exc.extra, "line_id": line.pk}
                raise
        line.save(update_fields=["posted_variance", "adjustment", "updated_at"])
    return stamp(approve, locked, user=user, at=occurred_at)


@transaction.atomic
def stock_count_cancel(*, count: StockCount, user) -> StockCount:
    """Abandon a count that is not yet approved; nothing is posted."""
    cancel = TRANSITIONS["cancel"]
    locked = lock_for(cancel, StockCount, count.pk)
    return stamp(cancel, locked, user=user, at=timezone.now())
