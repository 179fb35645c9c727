"""Template helpers of the order pages. `qty` is the shared quantity filter of
core/templatetags/formatting.py, registered here too so order templates loading only this
library format quantities the same way as every other page.

Pages never compare states or role names themselves: `available_transitions` says which
buttons a document offers the member, and `status_tone` colours its state."""

from django import template

from stockroom.core.templatetags.formatting import qty

from ..models import PurchaseOrderStatus, SalesOrderStatus, StockCountStatus
from ..transitions import transitions_of

register = template.Library()
register.filter("qty", qty)


@register.simple_tag
def available_transitions(document, membership) -> dict[str, bool]:
    """{transition name: True} for what the document's state and the member's role allow:
    `{% available_transitions order active_membership as can %}{% if can.send %}…`."""
    role = membership.role if membership is not None else None
    return transitions_of(document).available(document, role)


# Bootstrap badge colour of each state: open work, waiting on someone, done, and the rest dark.
_TONES: dict[str, str] = {
    PurchaseOrderStatus.DRAFT: "secondary",
    PurchaseOrderStatus.SENT: "primary",
    SalesOrderStatus.CONFIRMED: "primary",
    SalesOrderStatus.PARTIALLY_SHIPPED: "warning",
    StockCountStatus.COUNTING: "primary",
    PurchaseOrderStatus.PARTIALLY_RECEIVED: "warning",
    StockCountStatus.SUBMITTED: "warning",
    PurchaseOrderStatus.RECEIVED: "success",
    PurchaseOrderStatus.CLOSED: "success",
    SalesOrderStatus.SHIPPED: "success",
    StockCountStatus.APPROVED: "success",
}


@register.filter
def status_tone(status: str) -> str:
    return _TONES.get(status, "dark")
