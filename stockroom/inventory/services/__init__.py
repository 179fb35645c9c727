"""Every write of the inventory app: the stock services (stock.py: every change of stock goes
through them) and the places stock lives in (places.py: warehouses and bins). Views, the API,
the admin, tasks and the other apps' services call these; none writes stock itself."""

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
from .stock import (
    BULK_BATCH_SIZE,
    MAX_COST,
    ReceiptLine,
    idempotency_scope,
    stock_adjust,
    stock_issue,
    stock_receive,
    stock_receive_bulk,
    stock_release,
    stock_reserve,
    stock_transfer,
)

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
