"""Purchase orders, sales orders (with their stock reservations and shipments) and stock counts.

Rows here only record documents and their state; every change of stock goes through the
inventory services, and every change of state through `orders.services`. One module per
document; every model is importable from `stockroom.orders.models`.
"""

from .base import ZERO, Document, DocumentSequence, OrderLine
from .purchase_orders import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderReceipt,
    PurchaseOrderStatus,
)
from .sales_orders import (
    SalesOrder,
    SalesOrderLine,
    SalesOrderReservation,
    SalesOrderStatus,
    Shipment,
    ShipmentLine,
)
from .stock_counts import StockCount, StockCountLine, StockCountStatus

__all__ = [
    "ZERO",
    "Document",
    "DocumentSequence",
    "OrderLine",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseOrderReceipt",
    "PurchaseOrderStatus",
    "SalesOrder",
    "SalesOrderLine",
    "SalesOrderReservation",
    "SalesOrderStatus",
    "Shipment",
    "ShipmentLine",
    "StockCount",
    "StockCountLine",
    "StockCountStatus",
]
