"""Rows of the reports, scoped to an organization. Each runs a constant number of queries."""

import zoneinfo
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from stockroom.catalog.models import QUANTITY_DIGITS, QUANTITY_PLACES, Category, Product
from stockroom.core.tenancy import organization_id_of
from stockroom.inventory.models import (
    ZERO,
    Lot,
    StockLevel,
    StockMovement,
    Warehouse,
)
from stockroom.inventory.selectors import demand_movements, movement_history

from .ledger import CENT, stock_states_at

HUNDRED = Decimal("100")
A_SHARE = Decimal("80")
B_SHARE = Decimal("95")


def _quantity(expression) -> Coalesce:
    field = DecimalField(max_digits=QUANTITY_DIGITS + 6, decimal_places=QUANTITY_PLACES)
    return Coalesce(expression, Value(ZERO, output_field=field), output_field=field)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def organization_today(organization) -> date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(organization.time_zone)).date()


def end_of_day(organization, day: date) -> datetime:
    """The first instant after `day` in the organization's time zone."""
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


# --- valuation at a date -------------------------------------------------------------------------


class ValuationGrouping:
    PRODUCT = "product"
    CATEGORY = "category"
    WAREHOUSE = "warehouse"


def _warehouse_quantities(organization_id: int, until: datetime) -> dict[tuple[int, int], Decimal]:
    """(product, warehouse) → quantity from the ledger before `until`: two grouped queries."""
    movements = StockMovement.objects.filter(organization_id=organization_id, occurred_at__lt=until)
    quantities: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for product_id, warehouse_id, total in (
        movements.filter(to_location__isnull=False)
        .values_list("product_id", "to_location__warehouse_id")
        .annotate(total=_quantity(Sum("quantity")))
        .order_by()
    ):
        quantities[(product_id, warehouse_id)] += total
    for product_id, warehouse_id, total in (
        movements.filter(from_location__isnull=False)
        .values_list("product_id", "from_location__warehouse_id")
        .annotate(total=_quantity(Sum("quantity")))
        .order_by()
    ):
        quantities[(product_id, warehouse_id)] -= total
    return {key: quantity for key, quantity in quantities.items() if quantity != 0}


def inventory_valuation_at(
    *, organization, as_of: date, group_by: str = ValuationGrouping.PRODUCT
) -> list[dict]:
    """Stock value at the end of `as_of` (organization time), by product, category or warehouse.

    Quantities are the ledger's sums up to then; each product is valued at the moving-average
    cost in effect then (see ledger.py). Row values are rounded to the cent.
    """
    organization_id = organization_id_of(organization)
    until = end_of_day(organization, as_of)
    quantities = _warehouse_quantities(organization_id, until)
    product_ids = {product_id for product_id, _warehouse in quantities}
    costs = {
        product_id: snapshots[0].average_cost
        for product_id, snapshots in stock_states_at(
            organization=organization_id, moments=[until], product_ids=product_ids
        ).items()
    }
    products = Product.objects.filter(pk__in=product_ids).select_related("category").in_bulk()

    if group_by == ValuationGrouping.WAREHOUSE:
        warehouses = Warehouse.objects.filter(
            pk__in={warehouse_id for _product, warehouse_id in quantities}
        ).in_bulk()
        groups: dict[int, dict] = {}
        for (product_id, warehouse_id), quantity in quantities.items():
            row = groups.setdefault(
                warehouse_id,
                {"warehouse": warehouses[warehouse_id], "products": set(), "value": ZERO},
            )
            row["products"].add(product_id)
            row["value"] += quantity * costs.get(product_id, ZERO)
        return [
            {
                "code": row["warehouse"].code,
                "name": row["warehouse"].name,
                "product_count": len(row["products"]),
                "value": _money(row["value"]),
            }
            for row in sorted(groups.values(), key=lambda row: row["warehouse"].code)
        ]

    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (product_id, _warehouse), quantity in quantities.items():
        totals[product_id] += quantity
    if group_by == ValuationGrouping.CATEGORY:
        categories: dict[int | None, dict] = {}
        for product_id, quantity in totals.items():
            if quantity == 0:
                continue
            category = products[product_id].category
            row = categories.setdefault(
                category.pk if category else None,
                {
                    "category": category.name if category else _("Uncategorized"),
                    "product_count": 0,
                    "value": ZERO,
                },
            )
            row["product_count"] += 1
            row["value"] += quantity * costs.get(product_id, ZERO)
        rows = sorted(categories.values(), key=lambda row: row["category"].lower())
        for row in rows:
            row["value"] = _money(row["value"])
        return rows

    rows = []
    for product_id, quantity in totals.items():
        if quantity == 0:
            continue
        product = products[product_id]
        cost = costs.get(product_id, ZERO)
        rows.append(
            {
                "product": product,
                "sku": product.sku,
                "name": product.name,
                "category": product.category.name if product.category_id else "",
                "quantity": quantity,
                "unit_cost": cost,
                "value": _money(quantity * cost),
            }
        )
    return sorted(rows, key=lambda row: row["sku"])


# --- movement history ----------------------------------------------------------------------------


def stock_movement_report(
    *,
    organization,
    date_from: date | None = None,
    date_to: date | None = None,
    kind: str = "",
    warehouse: Warehouse | None = None,
    product: Product | None = None,
    reason_code: str = "",
) -> QuerySet[StockMovement]:
    """The ledger filtered for the movement history report, newest first."""
    return movement_history(
        organization=organization,
        date_from=date_from,
        date_to=date_to,
        kind=kind or None,
        reason_code=reason_code or None,
        warehouse=warehouse,
        product=product,
    )


# --- ABC analysis --------------------------------------------------------------------------------


def abc_analysis(*, organization, days: int = 365, category: Category | None = None) -> list[dict]:
    """Active products ranked by consumption value (demand × its cost) over `days`: shipments,
    and consumption issues where the organization counts them (see demand_movements).

    Class A: the products that make up the first 80 % of the value, B the next 15 %, C the
    rest (including products that were not shipped at all). A product is placed by the share
    before it, so the item that crosses a boundary stays in the higher class.
    """
    organization_id = organization_id_of(organization)
    since = timezone.now() - timedelta(days=days)
    products = Product.objects.filter(organization_id=organization_id, is_active=True)
    if category is not None:
        products = products.filter(category=category)
    products = products.select_related("category").in_bulk()
    consumed: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    # Grouped by cost too: multiplying in Decimal here stays exact on SQLite.
    for product_id, unit_cost, quantity in (
        demand_movements(organization=organization)
        .filter(occurred_at__gte=since, product_id__in=list(products))
        .values_list("product_id", "unit_cost")
        .annotate(total=_quantity(Sum("quantity")))
        .order_by()
    ):
        consumed[product_id][0] += quantity
        consumed[product_id][1] += quantity * (unit_cost or ZERO)
    ranked = sorted(
        products.values(),
        key=lambda product: (-consumed[product.pk][1], product.sku),
    )
    grand_total = sum((consumed[product.pk][1] for product in ranked), start=ZERO)
    rows, running = [], ZERO
    for rank, product in enumerate(ranked, start=1):
        quantity, value = consumed[product.pk]
        share_before = running * HUNDRED / grand_total if grand_total else HUNDRED
        running += value
        if value > 0 and share_before < A_SHARE:
            abc_class = "A"
        elif value > 0 and share_before < B_SHARE:
            abc_class = "B"
        else:
            abc_class = "C"
        rows.append(
            {
                "product": product,
                "rank": rank,
                "sku": product.sku,
                "name": product.name,
                "category": product.category.name if product.category_id else "",
                "quantity": quantity,
                "value": _money(value),
                "share": _money(value * HUNDRED / grand_total) if grand_total else ZERO,
                "cumulative_share": _money(running * HUNDRED / grand_total)
                if grand_total
                else ZERO,
                "abc_class": abc_class,
            }
        )
    return rows


# --- slow movers / dead stock --------------------------------------------------------------------


def slow_movers(*, organization, days: int = 90, category: Category | None = None) -> list[dict]:
    """Products with stock on hand and no demand (shipment, or consumption where counted) in the
    last `days`, most valuable first."""
    organization_id = organization_id_of(organization)
    now = timezone.now()
    since = now - timedelta(days=days)
    last_shipment = (
        demand_movements(organization=organization)
        .filter(product=OuterRef("pk"))
        .order_by()
        .values("product")
        .annotate(last=Max("occurred_at"))
        .values("last")
    )
    products = (
        Product.objects.filter(organization_id=organization_id, stock_on_hand__gt=0)
        .annotate(last_shipped_at=Subquery(last_shipment))
        .filter(Q(last_shipped_at__isnull=True) | Q(last_shipped_at__lt=since))
        .select_related("category")
    )
    if category is not None:
        products = products.filter(category=category)
    rows = []
    for product in products:
        rows.append(
            {
                "product": product,
                "sku": product.sku,
                "name": product.name,
                "category": product.category.name if product.category_id else "",
                "quantity": product.stock_on_hand,
                "unit_cost": product.average_cost,
                "value": _money(product.stock_on_hand * product.average_cost),
                "last_shipped_at": product.last_shipped_at,
                "days_idle": (now - product.last_shipped_at).days
                if product.last_shipped_at
                else None,
            }
        )
    return sorted(rows, key=lambda row: (-row["value"], row["sku"]))


# --- lot expiry ----------------------------------------------------------------------------------


class ExpiryState:
    EXPIRED = "expired"
    EXPIRING = "expiring"
    OK = "ok"


def lot_expiry(
    *,
    organization,
    within_days: int | None = None,
    warehouse: Warehouse | None = None,
    include_expired: bool = True,
    warning_days: int = 30,
) -> list[dict]:
    """Lots with stock on hand by expiry date (soonest first), expired ones flagged."""
    organization_id = organization_id_of(organization)
    today = organization_today(organization)
    levels = StockLevel.objects.filter(
        organization_id=organization_id, lot__isnull=False, on_hand__gt=0
    )
    if warehouse is not None:
        levels = levels.filter(location__warehouse=warehouse)
    if within_days is not None:
        levels = levels.filter(lot__expiry_date__lte=today + timedelta(days=within_days))
    if not include_expired:
        levels = levels.filter(Q(lot__expiry_date__gte=today) | Q(lot__expiry_date__isnull=True))
    grouped = levels.values("lot_id").annotate(on_hand_total=_quantity(Sum("on_hand"))).order_by()
    totals = {row["lot_id"]: row["on_hand_total"] for row in grouped}
    lots = Lot.objects.filter(pk__in=list(totals)).select_related("product")
    rows = []
    for lot in lots:
        quantity = totals[lot.pk]
        if lot.expiry_date is None:
            state, days_left = ExpiryState.OK, None
        else:
            days_left = (lot.expiry_date - today).days
            if days_left < 0:
                state = ExpiryState.EXPIRED
            elif days_left <= warning_days:
                state = ExpiryState.EXPIRING
            else:
                state = ExpiryState.OK
        rows.append(
            {
                "product": lot.product,
                "lot": lot,
                "lot_number": lot.lot_number,
                "sku": lot.product.sku,
                "name": lot.product.name,
                "expiry_date": lot.expiry_date,
                "days_left": days_left,
                "quantity": quantity,
                "value": _money(quantity * lot.product.average_cost),
                "state": state,
            }
        )
    return sorted(
        rows, key=lambda row: (row["expiry_date"] is None, row["expiry_date"] or today, row["sku"])
    )
