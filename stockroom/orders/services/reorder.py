"""Turn reorder suggestions into draft purchase orders, one per preferred supplier."""

from itertools import groupby

from django.db import transaction
from django.utils.translation import gettext as _

from stockroom.core.exceptions import ApplicationError, ConflictError
from stockroom.core.tenancy import organization_id_of

from ..models import PurchaseOrder
from ..selectors import reorder_suggestions
from ._common import LineInput
from .purchase_orders import purchase_order_create


@transaction.atomic
def reorder_create_purchase_orders(*, organization, user) -> list[PurchaseOrder]:
    """One draft purchase order per preferred supplier for every low-stock product that has one
    and is not already on an open order. Products without a preferred supplier are left out."""
    organization_id = organization_id_of(organization)
    # (supplier, suggestion): `can_order` implies a supplier; naming it types the pair.
    orderable = [
        (s.supplier, s)
        for s in reorder_suggestions(organization=organization_id)
        if s.can_order and s.supplier is not None
    ]
    if not orderable:
        raise ConflictError(
            _("Nothing to order: no low-stock product with a preferred supplier is waiting."),
            code="nothing_to_order",
        )
    orderable.sort(key=lambda pair: (pair[0].name, pair[0].pk, pair[1].product.sku))
    orders = []
    for supplier, group in groupby(orderable, key=lambda pair: pair[0]):
        suggestions = [suggestion for _supplier, suggestion in group]
        try:
            order = purchase_order_create(
                organization=organization_id,
                user=user,
                supplier=supplier,
                lines=[
                    LineInput(
                        product=s.product,
                        quantity=s.suggested_quantity,
                        unit_price=s.unit_price,
                    )
                    for s in suggestions
                ],
                notes=_("Created from reorder suggestions."),
            )
        except ApplicationError as exc:
            # The caller sent no lines, so a row number would mean nothing: name the product
            # (or, for the order total, the supplier) whose suggestion the order limits refuse.
            row = exc.extra.get("index")
            name = suggestions[row].product.sku if row is not None else supplier.name
            raise type(exc)(
                _("%(name)s: %(message)s") % {"name": name, "message": exc.message},
                code=exc.code,
            ) from None
        orders.append(order)
    return orders
