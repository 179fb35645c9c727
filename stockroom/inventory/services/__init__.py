"""Every write of the inventory app: the stock services (every change of stock goes through
them: receipts.py for stock in, stock.py for stock out, between places, corrections and
reservations, posting.py for what they share) and the places stock lives in (places.py).
Views, the API, the admin, tasks and the other apps' services call these; none writes stock
itself."""

from .places import (
    MAX_LOCATION_RANGE,
    MAX_RANGE_WIDTH,
    location_create,
    location_create_range,
    location_delete,
    location_range_codes,
    location_update,
    warehouse_create,
    warehouse_delete,
    warehouse_update,
)
from .posting import MAX_COST, idempotency_scope
from .receipts import BULK_BATCH_SIZE, ReceiptLine, stock_receive, stock_receive_bulk
from .stock import stock_adjust, stock_issue, stock_release, stock_reserve, stock_transfer

__all__ = [
    "BULK_BATCH_SIZE",
    "MAX_COST",
    "MAX_LOCATION_RANGE",
    "MAX_RANGE_WIDTH",
    "ReceiptLine",
    "idempotency_scope",
    "location_create",
    "location_create_range",
    "location_delete",
    "location_range_codes",
    "location_update",
    "stock_adjust",
    "stock_issue",
    "stock_receive",
    "stock_receive_bulk",
    "stock_release",
    "stock_reserve",
    "stock_transfer",
    "warehouse_create",
    "warehouse_delete",
    "warehouse_update",
]
