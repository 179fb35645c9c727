"""Purchase orders: draft → sent → partially received → received (or closed short), or
cancelled before anything is received."""

import zoneinfo
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from stockroom.accounts.models import Organization
from stockroom.catalog.models import COST_PLACES, MAX_LEAD_TIME_DAYS, ProductSupplier, Supplier
from stockroom.core import events
from stockroom.core.exceptions import ApplicationError, ConflictError
from stockroom.core.tenancy import organization_id_of
from stockroom.inventory.models import Location
from stockroom.inventory.services import stock_receive

from ..models import PurchaseOrder, PurchaseOrderLine, PurchaseOrderReceipt, PurchaseOrderStatus
from ..transitions import PURCHASE_ORDER_TRANSITIONS as TRANSITIONS
from ._common import (
    LineInput,
    clean_lines,
    clean_quantity,
    format_quantity,
    lock_for,
    stamp,
    sync_lines,
)
from .numbering import PURCHASE_ORDER_PREFIX, next_document_number

Status = PurchaseOrderStatus


@dataclass(frozen=True)
class PurchaseLineInput(LineInput):
    """A purchase order line: a LineInput that may also name where it is received into."""

    receiving_location: Location | None = None

    def stored_fields(self) -> dict:
        location = self.receiving_location
        return {
            **super().stored_fields(),
            "receiving_location_id": location.pk if location is not None else None,
        }


@dataclass(frozen=True)
class ReceiptInput:
    """What arrived for one line: quantity, the lot for lot-tracked products, and where it
    goes (None: the line's receiving location, else the location of the whole receipt)."""

    line: PurchaseOrderLine
    quantity: Decimal | None
    lot_number: str = ""
    expiry_date: date | None = None
    location: Location | None = None


def _check_supplier(supplier: Supplier, organization_id: int) -> None:
    if supplier is None or supplier.organization_id != organization_id:
        raise ApplicationError(
            _("Choose a supplier of this organization."),
            field="supplier",
            code="wrong_organization",
        )
    if not supplier.is_active:
        raise ApplicationError(
            _("This supplier is inactive."), field="supplier", code="inactive_supplier"
        )


def _with_defaults(
    lines: list[LineInput],
    *,
    supplier: Supplier,
    expected_date: date | None,
    organization: Organization,
) -> tuple[list[LineInput], date | None]:
    """Fill what was left empty: a line's unit price with the supplier's price for the product
    (its product–supplier link) else the product's cost price; the expected date with today
    (in the organization's time zone) plus the longest lead time of the supplier's links to the
    ordered products. One query."""
    products = [line.product.pk for line in lines if line.product is not None]
    links = {
        product_id: (price, lead_time)
        for product_id, price, lead_time in ProductSupplier.objects.filter(
            organization_id=organization.pk, supplier=supplier, product_id__in=products
        ).values_list("product_id", "price", "lead_time_days")
    }
    filled = []
    for line in lines:
        if line.unit_price is None and line.product is not None:
            # A link's price of 0 means "not set" (the field's default), as in reorder.
            price = links.get(line.product.pk, (None, 0))[0]
            line = replace(line, unit_price=price or line.product.cost_price)
        filled.append(line)
    if expected_date is None and links:
        # A link saved before lead times were bounded may hold more than the calendar has left.
        lead_time = min(max(days for _price, days in links.values()), MAX_LEAD_TIME_DAYS)
        today = timezone.now().astimezone(zoneinfo.ZoneInfo(organization.time_zone)).date()
        expected_date = today + timedelta(days=lead_time)
    return filled, expected_date


def _check_receiving_locations(lines: list[LineInput], organization_id: int) -> None:
    for index, line in enumerate(lines):
        location = getattr(line, "receiving_location", None)
        if location is not None and (
            location.organization_id != organization_id or not location.is_active
        ):
            raise ApplicationError(
                _("Choose an active location of this organization."),
                field="receiving_location",
                code="invalid_location",
                extra={"index": index},
            )


def _clean_purchase_lines(
    lines: list[LineInput],
    *,
    supplier: Supplier,
    expected_date: date | None,
    organization: Organization,
) -> tuple[list[LineInput], date | None]:
    lines, expected_date = _with_defaults(
        lines, supplier=supplier, expected_date=expected_date, organization=organization
    )
    lines = clean_lines(lines, organization_id=organization.pk, price_places=COST_PLACES)
    _check_receiving_locations(lines, organization.pk)
    return lines, expected_date


@transaction.atomic
def purchase_order_create(
    *,
    organization,
    user,
    supplier: Supplier,
    lines: list[LineInput],
    expected_date: date | None = None,
    notes: str = "",
) -> PurchaseOrder:
    """A draft purchase order with its lines, numbered PO-00001, PO-00002, … per organization.
    An empty unit price or expected date takes its default (see `_with_defaults`)."""
    organization_id = organization_id_of(organization)
    _check_supplier(supplier, organization_id)
    if not isinstance(organization, Organization):
        organization = Organization.objects.get(pk=organization_id)
    lines, expected_date = _clean_purchase_lines(
        lines, supplier=supplier, expected_date=expected_date, organization=organization
    )
    order = PurchaseOrder.objects.create(
        organization_id=organization_id,
        number=next_document_number(organization_id=organization_id, prefix=PURCHASE_ORDER_PREFIX),
        supplier=supplier,
        expected_date=expected_date,
        notes=notes or "",
        created_by=user,
    )
    sync_lines(order, PurchaseOrderLine, lines, new_order=True)
    return order


@transaction.atomic
def purchase_order_update(
    *,
    order: PurchaseOrder,
    supplier: Supplier,
    lines: list[LineInput],
    expected_date: date | None = None,
    notes: str = "",
) -> PurchaseOrder:
    """Change a draft's supplier, dates, notes and lines (replacing them). Refused once sent.
    An empty unit price or expected date takes its default, as on creation."""
    locked = lock_for(TRANSITIONS["edit"], PurchaseOrder, order.pk)
    _check_supplier(supplier, locked.organization_id)
    lines, expected_date = _clean_purchase_lines(
        lines, supplier=supplier, expected_date=expected_date, organization=locked.organization
    )
    locked.supplier = supplier
    locked.expected_date = expected_date
    locked.notes = notes or ""
    locked.save(update_fields=["supplier", "expected_date", "notes", "updated_at"])
    sync_lines(locked, PurchaseOrderLine, lines)
    return locked


@transaction.atomic
def purchase_order_send(*, order: PurchaseOrder, user) -> PurchaseOrder:
    """Mark a draft as sent and, after commit, email it (HTML + PDF) to the supplier."""
    from ..tasks import send_purchase_order_email

    send = TRANSITIONS["send"]
    locked = lock_for(send, PurchaseOrder, order.pk)
    if not locked.lines.exists():
        raise ConflictError(
            _("Add at least one line before sending the purchase order."), code="empty_order"
        )
    stamp(send, locked, user=user, at=timezone.now())
    if locked.supplier.email:
        events.on_commit(
            partial(send_purchase_order_email.delay, locked.organization_id, locked.pk),
            hook="orders.purchase_order_email",
        )
    return locked


@transaction.atomic
def purchase_order_mark_emailed(*, order: PurchaseOrder, email: str) -> PurchaseOrder:
    """Record that the order went out to `email` (called by the email task once sent)."""
    PurchaseOrder.objects.filter(pk=order.pk).update(emailed_to=email, emailed_at=timezone.now())
    order.refresh_from_db(fields=["emailed_to", "emailed_at"])
    return order


@transaction.atomic
def purchase_order_cancel(*, order: PurchaseOrder, user) -> PurchaseOrder:
    """Cancel an order nothing has been received against (a partly received one is closed)."""
    cancel = TRANSITIONS["cancel"]
    locked = lock_for(cancel, PurchaseOrder, order.pk)
    return stamp(cancel, locked, user=user, at=timezone.now())


@transaction.atomic
def purchase_order_close(*, order: PurchaseOrder, user) -> PurchaseOrder:
    """Close a partly received order short: what came stays in stock and is the order's value;
    what is outstanding is no longer on order."""
    close = TRANSITIONS["close"]
    locked = lock_for(close, PurchaseOrder, order.pk)
    return stamp(close, locked, user=user, at=timezone.now())


def _line_error(exc: ApplicationError, line: PurchaseOrderLine) -> ApplicationError:
    exc.extra = {**exc.extra, "line_id": line.pk}
    return exc


@transaction.atomic
def purchase_order_receive(
    *,
    order: PurchaseOrder,
    user,
    location: Location | None,
    receipts: list[ReceiptInput],
    allow_over_receipt: bool = False,
    occurred_at: datetime | None = None,
) -> list[PurchaseOrderReceipt]:
    """Receive some or all lines at each line's unit price (which updates the average cost),
    each into its receipt's location, else its line's receiving location, else `location`.
    More than outstanding is refused unless `allow_over_receipt`."""
    locked = lock_for(TRANSITIONS["receive"], PurchaseOrder, order.pk)
    lines = {line.pk: line for line in locked.lines.select_related("product", "receiving_location")}
    occurred_at = occurred_at or timezone.now()
    posted: list[PurchaseOrderReceipt] = []
    for receipt in receipts:
        if receipt.quantity in (None, "") or receipt.quantity == 0:
            continue
        line = lines.get(receipt.line.pk)
        if line is None:
            raise ApplicationError(
                _("This line is not on the purchase order."), code="line_not_on_order"
            )
        try:
            into = receipt.location or line.receiving_location or location
            if into is None:
                raise ApplicationError(
                    _("Choose where to receive this line."),
                    field="location",
                    code="location_required",
                )
            quantity = clean_quantity(receipt.quantity, product=line.product)
            over = quantity > line.remaining
            if over and not allow_over_receipt:
                raise ApplicationError(
                    _(
                        "Cannot receive more than ordered: %(remaining)s outstanding. "
                        "Tick “accept over-receipt” to receive more."
                    )
                    % {"remaining": format_quantity(line.remaining)},
                    field="quantity",
                    code="over_receipt",
                )
            movement = stock_receive(
                organization=locked.organization_id,
                product=line.product,
                location=into,
                quantity=quantity,
                unit_cost=line.unit_price,
                lot_number=receipt.lot_number,
                expiry_date=receipt.expiry_date,
                user=user,
                reference=locked.number,
                reason=f"Receipt {locked.number}",
                occurred_at=occurred_at,
            )
        except ApplicationError as exc:
            raise _line_error(exc, line) from None
        PurchaseOrderLine.objects.filter(pk=line.pk).update(
            received_quantity=F("received_quantity") + quantity
        )
        line.received_quantity += quantity
        posted.append(
            PurchaseOrderReceipt.objects.create(
                organization_id=locked.organization_id,
                line=line,
                movement=movement,
                location=into,
                lot=movement.lot,
                quantity=quantity,
                over_receipt=over,
                received_at=occurred_at,
                received_by=user,
            )
        )
    if not posted:
        raise ApplicationError(
            _("Enter a quantity to receive on at least one line."), code="nothing_received"
        )
    if all(line.received_quantity >= line.quantity for line in lines.values()):
        locked.status = Status.RECEIVED
        locked.received_at = occurred_at
    else:
        locked.status = Status.PARTIALLY_RECEIVED
    locked.save(update_fields=["status", "received_at", "updated_at"])
    order.status, order.received_at = locked.status, locked.received_at
    return posted
