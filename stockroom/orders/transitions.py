"""Every state change of purchase orders, sales orders and stock counts, declared once.

A `Transition` says from which states a document may take it, where it lands, which role action
it needs, which timestamp and actor fields it stamps, and how it is refused in any other state.
The services guard with `Transition.check`, the pages' buttons and views, the API's permissions
and the admin's cancel action all read these tables, so a rule changes in one place.

Some entries change no state (`target` is None): editing a draft, entering counts. They are
gated by state like the rest, and refused the same way.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stockroom.accounts.roles import Action, role_allows
from stockroom.core.exceptions import ConflictError

from .models import PurchaseOrderStatus, SalesOrderStatus, StockCountStatus


@dataclass(frozen=True)
class Refusal:
    code: str
    message: Promise

    def error(self) -> ConflictError:
        return ConflictError(str(self.message), code=self.code)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str | None
    action: Action
    # Why it is refused from a state that is not a source; `refusals` names the states whose
    # refusal says something more precise than `refusal`.
    refusal: Refusal
    refusals: Mapping[str, Refusal] = field(default_factory=dict)
    at_field: str | None = None
    by_field: str | None = None
    # Fields emptied on the way (a reopened count is no longer submitted by anyone).
    clears: tuple[str, ...] = ()
    # Where the transition may land short of `target` when the outcome decides (a shipment
    # that leaves lines open). Only landing on `target` stamps `at_field` and `by_field`.
    interim_targets: frozenset[str] = frozenset()

    def allows(self, status: str) -> bool:
        return status in self.sources

    def refusal_for(self, status: str) -> Refusal:
        return self.refusals.get(status, self.refusal)

    def check(self, document) -> None:
        """Raise the refusal (a ConflictError) unless the document is in a source state."""
        if not self.allows(document.status):
            raise self.refusal_for(document.status).error()

    def apply(self, document, *, user, at, target: str | None = None) -> list[str]:
        """Move the (locked) document to the target (or to `target`, one of the interim
        targets), stamping when and by whom on the final target; returns the fields to save."""
        if target is not None and target != self.target and target not in self.interim_targets:
            raise ValueError(f"{self.name} cannot land on {target}")
        target = target or self.target
        fields = []
        if target is not None:
            document.status = target
            fields.append("status")
        final = target == self.target
        for name, value in ((self.at_field, at), (self.by_field, user)):
            if name and final:
                setattr(document, name, value)
                fields.append(name)
        for name in self.clears:
            setattr(document, name, None)
            fields.append(name)
        return fields


class Transitions:
    """One document's table: its transitions by name, in the order the page offers them."""

    def __init__(self, *transitions: Transition) -> None:
        self.by_name = {transition.name: transition for transition in transitions}

    def __getitem__(self, name: str) -> Transition:
        return self.by_name[name]

    def __iter__(self):
        return iter(self.by_name.values())

    def action_permissions(self, *names: str) -> dict[str, Action]:
        """{name: role action} of the named transitions (all when none is named), for views
        whose actions are named after them."""
        return {t.name: t.action for t in self if not names or t.name in names}

    def available(self, document, role: str | None) -> dict[str, bool]:
        """{name: True} for every transition the document's state and `role` allow now."""
        return {
            transition.name: True
            for transition in self
            if transition.allows(document.status) and role_allows(role, transition.action)
        }


PO = PurchaseOrderStatus
SO = SalesOrderStatus
COUNT = StockCountStatus


_PO_CLOSED = Refusal("order_closed", _("This purchase order is closed short."))

PURCHASE_ORDER_TRANSITIONS = Transitions(
    Transition(
        name="edit",
        sources=frozenset({PO.DRAFT}),
        target=None,
        action=Action.MANAGE_ORDERS,
        refusal=Refusal(
            "order_not_editable",
            _("A purchase order's lines cannot be changed once it has been sent."),
        ),
        refusals={
            PO.CANCELLED: Refusal("order_cancelled", _("This purchase order is cancelled.")),
        },
    ),
    Transition(
        name="send",
        sources=frozenset({PO.DRAFT}),
        target=PO.SENT,
        action=Action.MANAGE_ORDERS,
        at_field="sent_at",
        by_field="sent_by",
        refusal=Refusal("already_sent", _("This purchase order has already been sent.")),
        refusals={
            PO.CANCELLED: Refusal("order_cancelled", _("This purchase order is cancelled.")),
        },
    ),
    Transition(
        # Lands on `received` when every line is in, on `partially_received` until then.
        name="receive",
        sources=frozenset({PO.SENT, PO.PARTIALLY_RECEIVED}),
        target=PO.RECEIVED,
        action=Action.RECEIVE_PURCHASE_ORDERS,
        at_field="received_at",
        refusal=Refusal("order_not_sent", _("Send the purchase order before receiving it.")),
        refusals={
            PO.CANCELLED: Refusal(
                "order_cancelled", _("A cancelled purchase order cannot be received.")
            ),
            PO.RECEIVED: Refusal(
                "order_received", _("This purchase order has been received in full.")
            ),
            PO.CLOSED: _PO_CLOSED,
        },
    ),
    Transition(
        # Ends a partly received order: what came stays in stock and is the order's value; the
        # rest is no longer on order.
        name="close",
        sources=frozenset({PO.PARTIALLY_RECEIVED}),
        target=PO.CLOSED,
        action=Action.MANAGE_ORDERS,
        at_field="closed_at",
        by_field="closed_by",
        refusal=Refusal(
            "nothing_received",
            _(
                "Only a partially received purchase order can be closed short; "
                "cancel an order that has received nothing."
            ),
        ),
        refusals={
            PO.RECEIVED: Refusal(
                "order_received",
                _("This purchase order has been received in full; there is nothing to close."),
            ),
            PO.CLOSED: Refusal("already_closed", _("This purchase order is already closed.")),
            PO.CANCELLED: Refusal("order_cancelled", _("This purchase order is cancelled.")),
        },
    ),
    Transition(
        # Only before any receipt: an order with stock in is closed short instead, so that its
        # value stays what was received.
        name="cancel",
        sources=frozenset({PO.DRAFT, PO.SENT}),
        target=PO.CANCELLED,
        action=Action.MANAGE_ORDERS,
        at_field="cancelled_at",
        by_field="cancelled_by",
        refusal=Refusal("already_cancelled", _("This purchase order is already cancelled.")),
        refusals={
            PO.PARTIALLY_RECEIVED: Refusal(
                "order_has_receipts",
                _(
                    "Stock has been received against this purchase order, so it cannot be "
                    "cancelled. Close it short instead."
                ),
            ),
            PO.RECEIVED: Refusal(
                "order_received", _("A purchase order received in full cannot be cancelled.")
            ),
            PO.CLOSED: _PO_CLOSED,
        },
    ),
)


SALES_ORDER_TRANSITIONS = Transitions(
    Transition(
        name="edit",
        sources=frozenset({SO.DRAFT}),
        target=None,
        action=Action.MANAGE_ORDERS,
        refusal=Refusal(
            "order_not_editable",
            _("A sales order's lines cannot be changed once it has been confirmed."),
        ),
        refusals={
            SO.CANCELLED: Refusal("order_cancelled", _("This sales order is cancelled.")),
        },
    ),
    Transition(
        name="confirm",
        sources=frozenset({SO.DRAFT}),
        target=SO.CONFIRMED,
        action=Action.MANAGE_ORDERS,
        at_field="confirmed_at",
        by_field="confirmed_by",
        refusal=Refusal("already_confirmed", _("This sales order has already been confirmed.")),
        refusals={
            SO.CANCELLED: Refusal(
                "order_cancelled", _("A cancelled sales order cannot be confirmed.")
            ),
        },
    ),
    Transition(
        name="reserve_backorders",
        sources=frozenset({SO.CONFIRMED, SO.PARTIALLY_SHIPPED}),
        target=None,
        action=Action.MANAGE_ORDERS,
        refusal=Refusal(
            "not_confirmed", _("Only a confirmed sales order has backorders to reserve.")
        ),
    ),
    Transition(
        # Each shipment lands on `shipped` when every line has left in full, on
        # `partially_shipped` until then.
        name="ship",
        sources=frozenset({SO.CONFIRMED, SO.PARTIALLY_SHIPPED}),
        target=SO.SHIPPED,
        interim_targets=frozenset({SO.PARTIALLY_SHIPPED}),
        action=Action.SHIP_SALES_ORDERS,
        at_field="shipped_at",
        by_field="shipped_by",
        refusal=Refusal("not_confirmed", _("Confirm the sales order before shipping it.")),
        refusals={
            SO.CANCELLED: Refusal(
                "order_cancelled", _("A cancelled sales order cannot be shipped.")
            ),
            SO.SHIPPED: Refusal("already_shipped", _("This sales order has already been shipped.")),
        },
    ),
    Transition(
        name="cancel",
        sources=frozenset({SO.DRAFT, SO.CONFIRMED}),
        target=SO.CANCELLED,
        action=Action.MANAGE_ORDERS,
        at_field="cancelled_at",
        by_field="cancelled_by",
        refusal=Refusal("already_cancelled", _("This sales order is already cancelled.")),
        refusals={
            SO.SHIPPED: Refusal("already_shipped", _("A shipped sales order cannot be cancelled.")),
            SO.PARTIALLY_SHIPPED: Refusal(
                "partially_shipped",
                _(
                    "Part of this sales order has been shipped, so it cannot be cancelled; "
                    "a sales order can be cancelled only before anything has shipped."
                ),
            ),
        },
    ),
)


# What a sheet that is no longer counting says to whoever would change its counts.
_COUNTING_CLOSED: dict[str, Refusal] = {
    COUNT.CANCELLED: Refusal("count_cancelled", _("This stock count is cancelled.")),
    COUNT.APPROVED: Refusal("already_approved", _("This stock count has already been approved.")),
}
_COUNT_SUBMITTED = Refusal(
    "count_submitted", _("This stock count has been submitted; reopen it to change the counts.")
)

STOCK_COUNT_TRANSITIONS = Transitions(
    Transition(
        # Entering counted quantities and adding found stock.
        name="record",
        sources=frozenset({COUNT.COUNTING}),
        target=None,
        action=Action.ENTER_COUNTS,
        refusal=_COUNT_SUBMITTED,
        refusals=_COUNTING_CLOSED,
    ),
    Transition(
        name="submit",
        sources=frozenset({COUNT.COUNTING}),
        target=COUNT.SUBMITTED,
        action=Action.ENTER_COUNTS,
        at_field="submitted_at",
        by_field="submitted_by",
        refusal=_COUNT_SUBMITTED,
        refusals=_COUNTING_CLOSED,
    ),
    Transition(
        name="approve",
        sources=frozenset({COUNT.SUBMITTED}),
        target=COUNT.APPROVED,
        action=Action.APPROVE_COUNTS,
        at_field="approved_at",
        by_field="approved_by",
        refusal=Refusal("not_submitted", _("Submit the stock count before approving it.")),
        refusals={
            COUNT.APPROVED: Refusal(
                "already_approved", _("This stock count has already been approved.")
            ),
            COUNT.CANCELLED: Refusal(
                "count_cancelled", _("A cancelled stock count cannot be approved.")
            ),
        },
    ),
    Transition(
        name="reopen",
        sources=frozenset({COUNT.SUBMITTED}),
        target=COUNT.COUNTING,
        action=Action.APPROVE_COUNTS,
        clears=("submitted_at", "submitted_by"),
        refusal=Refusal("not_submitted", _("Only a submitted stock count can be reopened.")),
    ),
    Transition(
        name="cancel",
        sources=frozenset({COUNT.COUNTING, COUNT.SUBMITTED}),
        target=COUNT.CANCELLED,
        action=Action.APPROVE_COUNTS,
        at_field="cancelled_at",
        by_field="cancelled_by",
        refusal=Refusal("already_cancelled", _("This stock count is already cancelled.")),
        refusals={
            COUNT.APPROVED: Refusal(
                "already_approved", _("An approved stock count cannot be cancelled.")
            ),
        },
    ),
)


def transitions_of(document) -> Transitions:
    """The table of a purchase order, sales order or stock count (a row or its model)."""
    return _TABLES[document._meta.model_name]


_TABLES = {
    "purchaseorder": PURCHASE_ORDER_TRANSITIONS,
    "salesorder": SALES_ORDER_TRANSITIONS,
    "stockcount": STOCK_COUNT_TRANSITIONS,
}
