"""Events the inventory services publish, always after commit. Receivers must not write stock.

`alerts` and `realtime` subscribe to these; inventory never imports them.
"""

from django.dispatch import Signal

# sender=StockMovement, movement=, organization_id=. Once per movement, except a bulk post
# (stock_receive_bulk: an import's opening stock), which sends one for the whole post carrying
# its last movement, so a 100,000-row import does not publish 100,000 live events.
stock_changed = Signal()
# sender=Product, product_id=, organization_id=, available= (the product's total available)
low_stock = Signal()
