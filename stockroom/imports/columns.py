"""The columns of each import file, in order. The product export writes the product import's
columns, so an exported file can be edited and imported again."""

PRODUCT_COLUMNS = (
    "sku",
    "name",
    "category",
    "unit",
    "cost_price",
    "sale_price",
    "reorder_point",
    "reorder_quantity",
    "barcode",
    "description",
    "is_lot_tracked",
    "active",
)
OPENING_STOCK_COLUMNS = (
    "sku",
    "warehouse",
    "location",
    "quantity",
    "unit_cost",
    "lot_number",
    "expiry_date",
)
