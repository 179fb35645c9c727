"""Inventory pages: places.py (warehouses and bins), stock.py (stock levels, the movement ledger,
a product's stock, the movement forms) and what they share (common.py). Reads go through the
selectors, writes through the services."""

from .places import (
    LocationCreateView,
    LocationDeleteView,
    LocationDetailView,
    LocationListView,
    LocationRangeCreateView,
    LocationUpdateView,
    WarehouseCreateView,
    WarehouseDeleteView,
    WarehouseDetailView,
    WarehouseListView,
    WarehouseUpdateView,
)
from .stock import (
    AdjustmentView,
    IssueView,
    MovementListView,
    ProductStockView,
    ReceiptView,
    StockLevelListView,
    TransferView,
)

__all__ = [
    "AdjustmentView",
    "IssueView",
    "LocationCreateView",
    "LocationDeleteView",
    "LocationDetailView",
    "LocationListView",
    "LocationRangeCreateView",
    "LocationUpdateView",
    "MovementListView",
    "ProductStockView",
    "ReceiptView",
    "StockLevelListView",
    "TransferView",
    "WarehouseCreateView",
    "WarehouseDeleteView",
    "WarehouseDetailView",
    "WarehouseListView",
    "WarehouseUpdateView",
]
