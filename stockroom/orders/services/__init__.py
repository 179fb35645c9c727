"""Every write of the orders app. Views, the admin and tasks call these; none writes itself."""

from ._common import LineInput
from .numbering import next_document_number
from .purchase_orders import (
    PurchaseLineInput,
    ReceiptInput,
    purchase_order_cancel,
    purchase_order_close,
    purchase_order_create,
    purchase_order_mark_emailed,
    purchase_order_receive,
    purchase_order_send,
    purchase_order_update,
)
from .reorder import reorder_create_purchase_orders
from .sales_orders import (
    sales_order_cancel,
    sales_order_confirm,
    sales_order_create,
    sales_order_reserve_backorders,
    sales_order_ship,
    sales_order_update,
)
from .stock_counts import (
    stock_count_add_line,
    stock_count_approve,
    stock_count_cancel,
    stock_count_create,
    stock_count_record,
    stock_count_reopen,
    stock_count_submit,
)

__all__ = [
    "LineInput",
    "PurchaseLineInput",
    "ReceiptInput",
    "next_document_number",
    "purchase_order_cancel",
    "purchase_order_close",
    "purchase_order_create",
    "purchase_order_mark_emailed",
    "purchase_order_receive",
    "purchase_order_send",
    "purchase_order_update",
    "reorder_create_purchase_orders",
    "sales_order_cancel",
    "sales_order_confirm",
    "sales_order_create",
    "sales_order_reserve_backorders",
    "sales_order_ship",
    "sales_order_update",
    "stock_count_add_line",
    "stock_count_approve",
    "stock_count_cancel",
    "stock_count_create",
    "stock_count_record",
    "stock_count_reopen",
    "stock_count_submit",
]
