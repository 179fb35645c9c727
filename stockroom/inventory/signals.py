"""Events the inventory services publish, always after commit. Receivers must not write stock.

`alerts` and `realtime` subscribe to these; inventory never imports them.
"""

from django.dispatch import Signal

# sender=StockMovement, movement=, organization_id=
stock_changed = Signal()
# sender=Product, product_id=, organization_id=, available= (the product's total available)
low_stock = Signal()
