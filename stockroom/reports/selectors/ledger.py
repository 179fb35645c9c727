"""Stock quantities and average costs at past moments, rebuilt from the ledger.

Method. The ledger is append-only and every movement that brings stock in (receipt, gain
adjustment, gain count) records the unit cost it was taken in at; the inventory services fold
it into the product's moving weighted-average cost:

    new average = (on hand × old average + quantity × unit cost) / (on hand + quantity),
    rounded half-up to 4 decimals; when nothing was on hand, the average is the unit cost.

Outgoing movements (shipments, losses) lower on hand and leave the average alone; transfers
change neither the product's total nor its average and are skipped. Replaying each product's
movements in time order (occurred_at, then id) therefore gives the quantity and average cost
in effect at any moment. One query streams the non-transfer movements up to the last moment;
the replay is a single pass in Decimal (exact on SQLite too).

A movement posted later with a back-dated `occurred_at` is replayed where its date puts it, so
the average it yields can differ from the one the service computed at posting time.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from stockroom.core.tenancy import organization_id_of
from stockroom.inventory.costing import moving_average
from stockroom.inventory.models import ZERO, MovementKind, StockMovement

CENT = Decimal("0.01")
STREAM_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class StockState:
    quantity: Decimal
    average_cost: Decimal

    @property
    def value(self) -> Decimal:
        return self.quantity * self.average_cost


EMPTY = StockState(ZERO, ZERO)


def _movements(organization_id: int, until: datetime, product_ids: Iterable[int] | None):
    queryset = StockMovement.objects.filter(
        organization_id=organization_id, occurred_at__lt=until
    ).exclude(kind=MovementKind.TRANSFER)
    if product_ids is not None:
        queryset = queryset.filter(product_id__in=list(product_ids))
    return (
        queryset.order_by("product_id", "occurred_at", "id")
        .values_list("product_id", "occurred_at", "quantity", "unit_cost", "to_location_id")
        .iterator(chunk_size=STREAM_CHUNK)
    )


def _replay(
    organization_id: int, moments: list[datetime], product_ids: Iterable[int] | None
) -> Iterator[tuple[int, list[StockState]]]:
    """Per product (one at a time, as the stream ends it), its state just before each moment.

    Yielding product by product keeps memory to one product's snapshots: a whole organization's
    (100k products × 29 days) would otherwise sit in a dict while it is summed.
    """
    current_product = None
    quantity = average = ZERO
    snapshots: list[StockState] = []
    index = 0
    for product_id, occurred_at, moved, unit_cost, to_location_id in _movements(
        organization_id, moments[-1], product_ids
    ):
        if product_id != current_product:
            if current_product is not None:
                snapshots.extend([StockState(quantity, average)] * (len(moments) - len(snapshots)))
                yield current_product, snapshots
            current_product, quantity, average, snapshots, index = product_id, ZERO, ZERO, [], 0
        while index < len(moments) and occurred_at >= moments[index]:
            snapshots.append(StockState(quantity, average))
            index += 1
        if to_location_id is not None:  # stock comes in: fold its cost into the average
            cost = unit_cost if unit_cost is not None else average
            average = moving_average(quantity, average, moved, cost)
            quantity += moved
        else:
            quantity -= moved
    if current_product is not None:
        snapshots.extend([StockState(quantity, average)] * (len(moments) - len(snapshots)))
        yield current_product, snapshots


def stock_states_at(
    *, organization, moments: list[datetime], product_ids: Iterable[int] | None = None
) -> dict[int, list[StockState]]:
    """Per product, its quantity and average cost just before each moment (sorted ascending).

    Products without any movement before the last moment are left out.
    """
    if not moments:
        return {}
    return dict(_replay(organization_id_of(organization), sorted(moments), product_ids))


def stock_values_at(*, organization, moments: list[datetime]) -> list[Decimal]:
    """The organization's stock value (Σ quantity × average cost) at each moment, to the cent.

    `moments` must be in ascending order; one streamed pass over the ledger serves them all.
    """
    if not moments:
        return []
    if list(moments) != sorted(moments):
        raise ValueError("moments must be in ascending order")
    totals = [ZERO] * len(moments)
    for _product_id, snapshots in _replay(organization_id_of(organization), moments, None):
        for position, state in enumerate(snapshots):
            totals[position] += state.value
    return [total.quantize(CENT, rounding=ROUND_HALF_UP) for total in totals]
