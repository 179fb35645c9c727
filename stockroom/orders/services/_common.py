"""Validation shared by the order services."""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from simple_history.utils import bulk_create_with_history

from django.utils.translation import gettext as _

from stockroom.catalog.models import Product
from stockroom.core.exceptions import ApplicationError
from stockroom.core.models import TenantModel
from stockroom.inventory.quantities import clean_quantity, to_decimal

from ..limits import (
    MAX_LINE_QUANTITY,
    MAX_ORDER_TOTAL,
    MAX_UNIT_PRICE,
    line_quantity_message,
    line_total_message,
    order_total_message,
    unit_price_message,
)
from ..models import PurchaseOrderLine, SalesOrderLine
from ..transitions import Transition

_Row = TypeVar("_Row", bound=TenantModel)


@dataclass(frozen=True)
class LineInput:
    """One line of an order as a form or API gives it. An empty (None) unit price is filled in by
    the order's service: a purchase order's with the supplier's price (else the cost price), a
    sales order's with the product's sale price."""

    product: Product
    quantity: Decimal
    unit_price: Decimal | None

    def stored_fields(self) -> dict:
        """The line's values as `sync_lines` stores them (a subclass adds its own fields)."""
        return {"quantity": self.quantity, "unit_price": self.unit_price}


def format_quantity(quantity: Decimal) -> str:
    """10.000 → "10", 2.500 → "2.5" (never "1E+1")."""
    return f"{quantity.normalize():f}"


def lock_for(transition: Transition, model: type[_Row], pk: int) -> _Row:
    """The document, re-read under SELECT … FOR UPDATE (SQLite: the transaction's write lock);
    refused with the transition's ConflictError unless its state allows `transition`."""
    locked = model.objects.select_for_update().get(pk=pk)
    transition.check(locked)
    return locked


def stamp(
    transition: Transition, locked: _Row, *, user, at: datetime, target: str | None = None
) -> _Row:
    """Move the locked document through `transition` (state, when, by whom) and save it;
    `target`: one of the transition's interim targets, when the outcome decides."""
    fields = transition.apply(locked, user=user, at=at, target=target)
    locked.save(update_fields=[*fields, "updated_at"])
    return locked


def clean_price(value, *, places: int, field: str = "unit_price") -> Decimal:
    """A unit price of an order line: not negative, within the line limit and `places`."""
    price = to_decimal(
        value, field=field, message=_("Enter a valid unit price."), code="invalid_price"
    )
    if price < 0:
        raise ApplicationError(
            _("The unit price cannot be negative."), field=field, code="negative_price"
        )
    if price > MAX_UNIT_PRICE:
        raise ApplicationError(unit_price_message(), field=field, code="price_large")
    quantum = Decimal(1).scaleb(-places)
    if price != price.quantize(quantum, rounding=ROUND_HALF_UP):
        raise ApplicationError(
            _("The unit price has too many decimal places."), field=field, code="price_precision"
        )
    return price


def clean_lines(
    lines: list[LineInput], *, organization_id: int, price_places: int
) -> list[LineInput]:
    """Check every line of an order; each product at most once; every line and the order
    within the order limits. Errors carry the row index."""
    cleaned: list[LineInput] = []
    seen: set[int] = set()
    order_total = Decimal(0)
    for index, line in enumerate(lines):
        try:
            product = line.product
            if product is None or product.organization_id != organization_id:
                raise ApplicationError(
                    _("Choose a product of this organization."),
                    field="product",
                    code="wrong_organization",
                )
            if not product.is_active:
                raise ApplicationError(
                    _("This product is inactive and cannot be ordered."),
                    field="product",
                    code="inactive_product",
                )
            if product.pk in seen:
                raise ApplicationError(
                    _("Each product may appear only once on an order."),
                    field="product",
                    code="duplicate_product",
                )
            seen.add(product.pk)
            quantity = clean_quantity(line.quantity, product=product)
            if quantity > MAX_LINE_QUANTITY:
                raise ApplicationError(
                    line_quantity_message(), field="quantity", code="quantity_large"
                )
            unit_price = clean_price(line.unit_price, places=price_places)
            if quantity * unit_price > MAX_ORDER_TOTAL:
                raise ApplicationError(line_total_message(), code="line_total_large")
            order_total += quantity * unit_price
            # `replace` keeps a subclass's own fields (a purchase line's receiving location).
            cleaned.append(replace(line, quantity=quantity, unit_price=unit_price))
        except ApplicationError as exc:
            exc.extra = {**exc.extra, "index": index}
            raise
    if order_total > MAX_ORDER_TOTAL:
        raise ApplicationError(order_total_message(), field="lines", code="order_total_large")
    return cleaned


def sync_lines(
    order,
    line_model: type[PurchaseOrderLine] | type[SalesOrderLine],
    lines: list[LineInput],
    *,
    new_order: bool = False,
) -> None:
    """Make the order's lines exactly `lines`: update by product, add new, delete the rest.

    `new_order`: the order was just created, so it has no lines to read. New lines and their
    history rows go in with one INSERT each, not two per line.
    """
    existing = {} if new_order else {line.product_id: line for line in order.lines.all()}
    wanted = {line.product.pk for line in lines}
    stale = [line.pk for product_id, line in existing.items() if product_id not in wanted]
    if stale:
        line_model.objects.filter(pk__in=stale).delete()
    added = []
    for line in lines:
        current = existing.get(line.product.pk)
        values = line.stored_fields()
        if current is None:
            added.append(
                line_model(
                    organization_id=order.organization_id,
                    order=order,
                    product=line.product,
                    **values,
                )
            )
        elif any(getattr(current, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(current, name, value)
            current.save(update_fields=[*values, "updated_at"])
    if added:
        bulk_create_with_history(added, line_model)
