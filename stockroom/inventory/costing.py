"""The moving weighted-average cost rule, in one place: the inventory services apply it when
stock comes in, and the reports replay it over the ledger to value past days."""

from decimal import ROUND_HALF_UP, Decimal

from stockroom.catalog.models import COST_PLACES

COST_QUANTUM = Decimal(1).scaleb(-COST_PLACES)


def moving_average(
    on_hand: Decimal, average: Decimal, quantity: Decimal, unit_cost: Decimal
) -> Decimal:
    """Weighted average of what is on hand and what comes in, rounded half-up to the cost's
    places; when nothing is on hand, the unit cost itself."""
    if on_hand <= 0:
        return unit_cost.quantize(COST_QUANTUM, rounding=ROUND_HALF_UP)
    total = on_hand * average + quantity * unit_cost
    return (total / (on_hand + quantity)).quantize(COST_QUANTUM, rounding=ROUND_HALF_UP)
