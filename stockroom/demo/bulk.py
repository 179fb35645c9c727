"""The large generated data set of `seed_demo --products/--movements` (benchmarks).

Rows are bulk-inserted in batches, and the stock levels and average costs written are exactly
what the generated ledger sums to, so `verify_ledger` passes.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from stockroom.accounts.models import Organization, User
from stockroom.catalog.models import Category, Product, UnitOfMeasure
from stockroom.inventory import costing
from stockroom.inventory.models import Location, MovementKind, StockLevel, StockMovement

from .data import BOX, EACH, KG, LITRE, METRE, PACK
from .seeding import COST_QUANTUM

D = Decimal
BATCH = 5000


def _progress(stdout, label: str, done: int, total: int) -> None:
    stdout.write(f"{label} {done}/{total}")


@dataclass
class BulkGenerator:
    """Generates products and a ledger in memory, inserting in batches with bulk_create.

    It keeps the running balance of every (product, location) and every product's moving
    average cost exactly as the services would, then writes those as stock levels and
    average costs, so the result is indistinguishable from service-posted stock.
    """

    organization: Organization
    clerk: User
    categories: list[Category]
    bins: list[Location]
    rng: random.Random
    stdout: object
    product_ids: list[int] = field(default_factory=list)

    PREFIX = "GEN-"

    def products(self, count: int) -> None:
        existing = set(
            Product.objects.filter(
                organization=self.organization, sku__startswith=self.PREFIX
            ).values_list("sku", flat=True)
        )
        units = [EACH, EACH, EACH, BOX, PACK, KG, LITRE, METRE]
        nouns = ["bracket", "hinge", "valve", "cable tie", "gasket", "filter", "bearing", "clamp"]
        adjectives = ["steel", "brass", "nylon", "heavy-duty", "compact", "industrial", "mini"]
        batch, done = [], 0
        with transaction.atomic():
            for number in range(1, count + 1):
                sku = f"{self.PREFIX}{number:06d}"
                done += 1
                if sku not in existing:
                    cost = D(self.rng.randint(50, 25000)) / 100
                    batch.append(
                        Product(
                            organization=self.organization,
                            sku=sku,
                            name=f"{self.rng.choice(adjectives).title()} "
                            f"{self.rng.choice(nouns)} {number}",
                            category=self.rng.choice(self.categories),
                            unit=self.rng.choice(units),
                            cost_price=cost,
                            sale_price=(cost * D("1.6")).quantize(D("0.01")),
                            reorder_point=D(self.rng.choice([0, 0, 5, 10, 20])),
                        )
                    )
                if len(batch) >= BATCH:
                    Product.objects.bulk_create(batch, batch_size=BATCH)
                    batch = []
                if done % 10000 == 0 or done == count:
                    _progress(self.stdout, "products", done, count)
            if batch:
                Product.objects.bulk_create(batch, batch_size=BATCH)
        self.product_ids = list(
            Product.objects.filter(organization=self.organization, sku__startswith=self.PREFIX)
            .order_by("pk")
            .values_list("pk", flat=True)[:count]
        )

    def movements(self, count: int) -> None:
        """Generate `count` movements on the generated products, once per organization."""
        marker = "bulk:"
        already = StockMovement.objects.filter(
            organization=self.organization, idempotency_key__startswith=marker
        )
        if count == 0 or not self.product_ids or already.exists():
            _progress(self.stdout, "movements", 0, count)
            return
        products = {
            row["pk"]: row
            for row in Product.objects.filter(pk__in=self.product_ids).values(
                "pk", "unit", "cost_price"
            )
        }
        ids = self.product_ids
        bins = [location.pk for location in self.bins]
        # (product_id, location_id) → on hand; product_id → [on hand total, average cost]
        balances: dict[tuple[int, int], Decimal] = {}
        stocked: dict[int, list[int]] = {}
        costs: dict[int, list[Decimal]] = {}
        start = timezone.now() - timedelta(days=365)
        step = timedelta(days=365) / max(count, 1)
        batch: list[StockMovement] = []

        with transaction.atomic():
            for number in range(count):
                # First every product gets a receipt; then a mix of everything.
                if number < len(ids):
                    product_id = ids[number]
                    kind = MovementKind.RECEIPT
                else:
                    product_id = self.rng.choice(ids)
                    kind = self.rng.choices(
                        [
                            MovementKind.RECEIPT,
                            MovementKind.SHIPMENT,
                            MovementKind.TRANSFER,
                            MovementKind.ADJUSTMENT,
                        ],
                        weights=[35, 40, 15, 10],
                    )[0]
                product = products[product_id]
                places = UnitOfMeasure.decimal_places(product["unit"])
                with_stock = [
                    loc for loc in stocked.get(product_id, []) if balances[(product_id, loc)] > 0
                ]
                if kind != MovementKind.RECEIPT and not with_stock:
                    kind = MovementKind.RECEIPT
                total, average = costs.setdefault(product_id, [D(0), D(0)])
                movement = StockMovement(
                    organization_id=self.organization.pk,
                    kind=kind,
                    product_id=product_id,
                    user_id=self.clerk.pk,
                    occurred_at=start + step * number,
                    # One key marks the generated ledger (see above); more would only cost.
                    idempotency_key=f"{marker}{self.organization.pk}" if number == 0 else None,
                )
                if kind == MovementKind.RECEIPT or (
                    kind == MovementKind.ADJUSTMENT and self.rng.random() < 0.4
                ):
                    location = self.rng.choice(bins)
                    quantity = self._quantity(places, 10, 200)
                    if kind == MovementKind.RECEIPT:
                        unit_cost = (
                            product["cost_price"] * D(self.rng.choice(["0.9", "1", "1.1"]))
                        ).quantize(COST_QUANTUM)
                        movement.reference = f"PO-{number}"
                    else:
                        unit_cost = average or product["cost_price"]
                        movement.reason = "Found during count"
                    average = costing.moving_average(total, average, quantity, unit_cost)
                    costs[product_id] = [total + quantity, average]
                    movement.to_location_id, movement.quantity = location, quantity
                    movement.unit_cost = unit_cost
                    _credit(balances, stocked, product_id, location, quantity)
                else:
                    source = self.rng.choice(with_stock)
                    have = balances[(product_id, source)]
                    quantity = min(have, self._quantity(places, 1, 40))
                    movement.from_location_id, movement.quantity = source, quantity
                    movement.unit_cost = average
                    balances[(product_id, source)] -= quantity
                    if kind == MovementKind.TRANSFER:
                        target = self.rng.choice([loc for loc in bins if loc != source] or bins)
                        if target == source:  # a single bin: nothing to transfer to
                            movement.kind = kind = MovementKind.SHIPMENT
                        else:
                            movement.to_location_id = target
                            _credit(balances, stocked, product_id, target, quantity)
                    if kind != MovementKind.TRANSFER:
                        costs[product_id] = [total - quantity, average]
                        if kind == MovementKind.SHIPMENT:
                            movement.reference = f"SO-{number}"
                        else:
                            movement.reason = "Damaged"
                batch.append(movement)
                if len(batch) >= BATCH:
                    StockMovement.objects.bulk_create(batch, batch_size=BATCH)
                    batch = []
                if (number + 1) % 50000 == 0 or number + 1 == count:
                    _progress(self.stdout, "movements", number + 1, count)
            if batch:
                StockMovement.objects.bulk_create(batch, batch_size=BATCH)

            levels = [
                StockLevel(
                    organization_id=self.organization.pk,
                    product_id=product_id,
                    location_id=location_id,
                    on_hand=on_hand,
                )
                for (product_id, location_id), on_hand in balances.items()
            ]
            for offset in range(0, len(levels), BATCH):
                StockLevel.objects.bulk_create(levels[offset : offset + BATCH])
                _progress(
                    self.stdout, "stock levels", min(offset + BATCH, len(levels)), len(levels)
                )
            # The totals the inventory services would have kept: on hand per product.
            updates = [
                Product(pk=product_id, average_cost=average, stock_on_hand=total)
                for product_id, (total, average) in costs.items()
            ]
            Product.objects.bulk_update(
                updates, ["average_cost", "stock_on_hand"], batch_size=BATCH
            )

    def _quantity(self, places: int, low: int, high: int) -> Decimal:
        whole = D(self.rng.randint(low, high))
        if places:
            whole += D(self.rng.randint(0, 999)) / 1000
        return whole


def _credit(
    balances: dict[tuple[int, int], Decimal],
    stocked: dict[int, list[int]],
    product_id: int,
    location_id: int,
    quantity: Decimal,
) -> None:
    """Adds stock to a (product, location) balance, noting where each product first lands."""
    key = (product_id, location_id)
    if key not in balances:
        balances[key] = D(0)
        stocked.setdefault(product_id, []).append(location_id)
    balances[key] += quantity
