"""Order endpoints of API v1: purchase orders, sales orders, stock counts and reorder.

Documents are created and changed only through `stockroom.orders.services`; every state
transition is a `POST .../{id}/<action>/`. A refused transition is the service's
ApplicationError in the one error shape (409 for the state of the document, 400 for the input),
never a 500. Creating POSTs and the transitions that post stock (receive, ship, approve) honour
`Idempotency-Key`.
"""

from .purchase_orders import PurchaseOrderViewSet
from .reorder import ReorderSuggestionViewSet
from .sales_orders import SalesOrderViewSet
from .stock_counts import StockCountViewSet

__all__ = [
    "PurchaseOrderViewSet",
    "ReorderSuggestionViewSet",
    "SalesOrderViewSet",
    "StockCountViewSet",
]
