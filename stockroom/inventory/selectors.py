"""Reads of stock, the ledger and its value, scoped to an organization.

Every list selector runs a constant number of queries however many rows it returns.
"""

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import (
    CharField,
    Count,
    DecimalField,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from stockroom.accounts.models import Organization
from stockroom.catalog.models import QUANTITY_DIGITS, QUANTITY_PLACES, Product
from stockroom.catalog.selectors import STOCK_LOW, products_by_stock
from stockroom.core.cache import cached_for_organization
from stockroom.core.tenancy import organization_id_of

from .models import ZERO, Location, Lot, StockLevel, StockMovement, Warehouse

CENT = Decimal("0.01")
QUANTITY_QUANTUM = Decimal(1).scaleb(-QUANTITY_PLACES)


def _quantity(expression) -> Coalesce:
    """SUM(...) that is 0, not NULL, over no rows, typed as a stock quantity."""
    field: DecimalField[Decimal, Decimal] = DecimalField(
        max_digits=QUANTITY_DIGITS + 6, decimal_places=QUANTITY_PLACES
    )
    return Coalesce(expression, Value(ZERO, output_field=field), output_field=field)


# A search term matching more products, bins or lots than this is common: the rows come soon
# enough in SKU order that the page needs no id list, which would only grow the SQL.
STOCK_SEARCH_ID_LIMIT = 500


def _search_matches(
    organization_id: int, search: str
) -> tuple[list[int] | None, list[int] | None, list[int] | None]:
    """Primary keys of the products (SKU, name, exact barcode), bins (code) and lots (number)
    matching `search`, in one query; None for a kind with more than STOCK_SEARCH_ID_LIMIT."""
    product, location, lot = "product", "location", "lot"

    def capped(model, condition: Q, kind: str) -> QuerySet:
        # LIMIT inside an IN subquery: SQLite refuses it directly in a member of a UNION.
        matches = model.objects.filter(condition, organization_id=organization_id).order_by()
        return (
            model.objects.filter(pk__in=matches.values("pk")[: STOCK_SEARCH_ID_LIMIT + 1])
            .order_by()
            .values_list(Value(kind, output_field=CharField()), "pk")
        )

    rows = capped(
        Product, Q(sku__icontains=search) | Q(name__icontains=search) | Q(barcode=search), product
    ).union(
        capped(Location, Q(code__icontains=search), location),
        capped(Lot, Q(lot_number__icontains=search), lot),
        all=True,
    )
    found: dict[str, list[int]] = {product: [], location: [], lot: []}
    for kind, pk in rows:
        found[kind].append(pk)

    def ids(kind: str) -> list[int] | None:
        return None if len(found[kind]) > STOCK_SEARCH_ID_LIMIT else sorted(found[kind])

    return ids(product), ids(location), ids(lot)


def _stock_search(organization_id: int, search: str) -> Q:
    """Stock rows whose product (SKU, name, exact barcode), bin code or lot number matches.

    The products, bins and lots are looked up first (one small query; on PostgreSQL the
    product part uses the trigram indexes), so the stock rows are then found by their own
    product, location and lot indexes. One OR across the joined tables instead forced a walk
    over every stock row of the organization, seconds for a rare term on 100,000 products."""
    products, locations, lots = _search_matches(organization_id, search)
    return (
        (
            Q(product_id__in=products)
            if products is not None
            else Q(product__sku__icontains=search)
            | Q(product__name__icontains=search)
            | Q(product__barcode=search)
        )
        | (
            Q(location_id__in=locations)
            if locations is not None
            else Q(location__code__icontains=search)
        )
        | (Q(lot_id__in=lots) if lots is not None else Q(lot__lot_number__icontains=search))
    )


def stock_levels(
    *,
    organization,
    product: Product | None = None,
    location: Location | None = None,
    warehouse: Warehouse | None = None,
    search: str = "",
) -> QuerySet[StockLevel]:
    """Non-zero stock rows of the organization, optionally narrowed and searched, by SKU."""
    organization_id = organization_id_of(organization)
    queryset = (
        StockLevel.objects.filter(organization_id=organization_id)
        # Same rows as "on hand or reserved > 0" (reserved is never above on hand, never
        # negative), in the form the partial index of stocked rows (on_hand > 0) can serve.
        .filter(on_hand__gt=0)
        # The product again, joined with its organization in the join condition: the rows come
        # in SKU order from the (organization, SKU) index instead of sorting every product of
        # the organization. As a join used only by the ORDER BY (not a filter), a COUNT drops
        # it, so counting a warehouse's rows reads no product.
        .alias(
            sku_order=FilteredRelation(
                "product", condition=Q(product__organization_id=organization_id)
            )
        )
        .select_related("product", "location__warehouse", "lot")
    )
    if product is not None:
        queryset = queryset.filter(product=product)
    if location is not None:
        queryset = queryset.filter(location=location)
    if warehouse is not None:
        queryset = queryset.filter(location__warehouse=warehouse)
    search = search.strip()
    if search:
        queryset = queryset.filter(_stock_search(organization_id, search))
    # A bin holds a small share of the organization's products: sorting its rows is cheaper
    # than walking every product in SKU order to find them, which PostgreSQL chose otherwise
    # (measured in docs/performance.md).
    sku = "product__sku" if location is not None else "sku_order__sku"
    return queryset.order_by(sku, "location__warehouse__code", "location__code", "lot_id")


def warehouse_list(*, organization, search: str = "", ordering: list[str]) -> QuerySet[Warehouse]:
    """The organization's warehouses with their location counts, searched by code or name."""
    queryset = Warehouse.objects.for_organization(organization).annotate(
        location_count=Count("locations", distinct=True)
    )
    if search:
        queryset = queryset.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return queryset.order_by(*ordering)


def warehouse_locations(*, organization, warehouse: Warehouse) -> QuerySet[Location]:
    """A warehouse's locations with their stocked-product count and on-hand sum (one query).

    Only stocked rows are joined (a row with nothing on hand adds nothing to either figure), so
    the sums come from the covering index of stocked rows without reading the table."""
    return (
        Location.objects.for_organization(organization)
        .filter(warehouse=warehouse)
        .alias(stocked=FilteredRelation("stock_levels", condition=Q(stock_levels__on_hand__gt=0)))
        .annotate(
            product_count=Count("stocked__product", distinct=True),
            on_hand=_quantity(Sum("stocked__on_hand")),
        )
        .order_by("code")
    )


def warehouse_stock_totals(*, organization, warehouse: Warehouse) -> dict:
    """On hand, reserved and stocked products over every location of a warehouse.

    Reads the stocked rows only (reserved never exceeds on hand, so the others add nothing),
    scoped through the organization's locations rather than the rows' own organization column:
    that keeps it an index-only scan of the stocked rows' covering index."""
    return StockLevel.objects.filter(
        location__in=Location.objects.for_organization(organization).filter(warehouse=warehouse),
        on_hand__gt=0,
    ).aggregate(
        total_on_hand=_quantity(Sum("on_hand")),
        total_reserved=_quantity(Sum("reserved")),
        products=Count("product", distinct=True),
    )


def _stocked_products(location) -> Coalesce:
    """How many products have stock at `location` (an OuterRef): a subquery evaluated for the
    rows of the page only, where a joined COUNT(DISTINCT) grouped every stock row first."""
    stocked = (
        StockLevel.objects.filter(on_hand__gt=0, location=location)
        .order_by()
        .values("location")
        .annotate(products=Count("product_id", distinct=True))
        .values("products")
    )
    return Coalesce(Subquery(stocked), 0)


def location_list(
    *, organization, warehouse=None, search: str = "", ordering: list[str]
) -> QuerySet[Location]:
    """Locations with their warehouse, parent and stocked-product count; filtered and sorted."""
    queryset = (
        Location.objects.for_organization(organization)
        .select_related("warehouse", "parent")
        .annotate(product_count=_stocked_products(OuterRef("pk")))
    )
    if warehouse:
        queryset = queryset.filter(warehouse=warehouse)
    if search:
        queryset = queryset.filter(Q(code__icontains=search) | Q(name__icontains=search))
    ordering = list(ordering)
    if ordering[0].lstrip("-") == "warehouse__code":
        ordering.insert(1, "code")
    return queryset.order_by(*ordering)


def warehouse_stocked_product_counts(*, organization) -> dict[int, int]:
    """Warehouse id → how many distinct products it holds stock of. One grouped query over
    the stocked rows (a partial index), cached until the organization's stock next moves."""
    organization_id = organization_id_of(organization)

    def count() -> dict[int, int]:
        rows = (
            StockLevel.objects.filter(organization_id=organization_id, on_hand__gt=0)
            .values("location__warehouse_id")
            .annotate(products=Count("product_id", distinct=True))
            .order_by()
        )
        return {row["location__warehouse_id"]: row["products"] for row in rows}

    return cached_for_organization(organization_id, "warehouse-stocked-products", count)


def product_stock_by_location(*, organization, product: Product) -> QuerySet[StockLevel]:
    """The product's non-zero rows, one per location and lot, lots by expiry."""
    return (
        StockLevel.objects.filter(organization_id=organization_id_of(organization), product=product)
        .filter(Q(on_hand__gt=0) | Q(reserved__gt=0))
        .select_related("product", "location__warehouse", "lot")
        .order_by("location__warehouse__code", "location__code", "lot__expiry_date", "lot_id")
    )


def product_totals(*, organization, product: Product) -> dict[str, Decimal]:
    """On hand, reserved and available of a product across all locations, as stored now (the
    product's maintained totals, re-read: `product` may be a copy loaded earlier)."""
    on_hand, reserved = (
        Product.objects.filter(organization_id=organization_id_of(organization), pk=product.pk)
        .values_list("stock_on_hand", "stock_reserved")
        .get()
    )
    return {"on_hand": on_hand, "reserved": reserved, "available": on_hand - reserved}


def _day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def movement_history(
    *,
    organization,
    product: Product | None = None,
    location: Location | None = None,
    warehouse: Warehouse | None = None,
    kind: str | None = None,
    date_from: date | datetime | None = None,
    date_to: date | datetime | None = None,
    reason_code: str | None = None,
) -> QuerySet[StockMovement]:
    """The ledger, newest first. Dates are inclusive; a datetime bound is exact. A reason code
    keeps the issues given that reason."""
    queryset = StockMovement.objects.filter(
        organization_id=organization_id_of(organization)
    ).select_related("product", "lot", "from_location__warehouse", "to_location__warehouse", "user")
    if product is not None:
        queryset = queryset.filter(product=product)
    if location is not None:
        queryset = queryset.filter(Q(from_location=location) | Q(to_location=location))
    if warehouse is not None:
        queryset = queryset.filter(
            Q(from_location__warehouse=warehouse) | Q(to_location__warehouse=warehouse)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    if reason_code:
        queryset = queryset.filter(reason_code=reason_code)
    # A date is a day in the current time zone, compared as a range of instants (not as
    # occurred_at::date) so that the (organization, occurred_at) index serves it.
    if date_from is not None:
        if isinstance(date_from, datetime):
            queryset = queryset.filter(occurred_at__gte=date_from)
        else:
            queryset = queryset.filter(occurred_at__gte=_day_start(date_from))
    if date_to is not None:
        if isinstance(date_to, datetime):
            queryset = queryset.filter(occurred_at__lte=date_to)
        else:
            queryset = queryset.filter(occurred_at__lt=_day_start(date_to + timedelta(days=1)))
    return queryset.order_by("-occurred_at", "-id")


def demand_movements(*, organization) -> QuerySet[StockMovement]:
    """The organization's movements that count as demand: shipments, and consumption issues
    when its settings say so. Given only the id, reads that setting (one query)."""
    if isinstance(organization, Organization):
        include_consumption = organization.demand_includes_consumption
    else:
        include_consumption = (
            Organization.objects.filter(pk=organization)
            .values_list("demand_includes_consumption", flat=True)
            .get()
        )
    return StockMovement.objects.filter(organization_id=organization_id_of(organization)).demand(
        include_consumption=include_consumption
    )


def low_stock_products(*, organization) -> QuerySet[Product]:
    """Active products whose total available is at or below their (positive) reorder point.

    Reads the products' maintained totals (one row each), not their stock rows."""
    active = Product.objects.filter(
        organization_id=organization_id_of(organization), is_active=True
    )
    return products_by_stock(active, STOCK_LOW).select_related("category").order_by("sku")


def inventory_valuation(*, organization) -> Decimal:
    """Σ on hand × average cost over the organization's products, rounded to the cent.

    Reads each stocked product's maintained total and multiplies here in Decimal, so the result
    is exact on SQLite too (which would multiply in floating point).
    """
    rows = Product.objects.filter(
        organization_id=organization_id_of(organization), stock_on_hand__gt=0
    ).values_list("stock_on_hand", "average_cost")
    total = sum((on_hand * average for on_hand, average in rows), start=ZERO)
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


class LedgerMismatch(NamedTuple):
    product_id: int
    location_id: int
    lot_id: int | None
    ledger_qty: Decimal
    level_qty: Decimal


def ledger_mismatches(*, organization=None) -> list[LedgerMismatch]:
    """Stock rows whose on hand differs from the ledger's sum of movements in minus out.

    Three grouped queries (in, out, levels) whatever the size of the ledger; a balance with
    movements but no stock row, or a non-zero row without movements, is reported too.
    """
    movements = StockMovement.objects.all()
    levels = StockLevel.objects.all()
    if organization is not None:
        movements = movements.filter(organization_id=organization_id_of(organization))
        levels = levels.filter(organization_id=organization_id_of(organization))

    ledger: dict[tuple[int, int, int | None], Decimal] = {}
    # What came into each place, less what left it.
    for end, sign in (("to_location", 1), ("from_location", -1)):
        totals = (
            movements.filter(**{f"{end}__isnull": False})
            .values_list("product_id", f"{end}_id", "lot_id")
            .annotate(total=_quantity(Sum("quantity")))
            .order_by()
        )
        for product_id, location_id, lot_id, total in totals:
            key = (product_id, location_id, lot_id)
            ledger[key] = ledger.get(key, ZERO) + sign * total

    ledger = {key: total.quantize(QUANTITY_QUANTUM) for key, total in ledger.items()}
    mismatches = []
    for product_id, location_id, lot_id, on_hand in levels.values_list(
        "product_id", "location_id", "lot_id", "on_hand"
    ).order_by():
        key = (product_id, location_id, lot_id)
        expected = ledger.pop(key, ZERO)
        if expected != on_hand:
            mismatches.append(LedgerMismatch(product_id, location_id, lot_id, expected, on_hand))
    for (product_id, location_id, lot_id), expected in ledger.items():
        if expected != 0:
            mismatches.append(LedgerMismatch(product_id, location_id, lot_id, expected, ZERO))
    return sorted(mismatches, key=lambda row: (row.product_id, row.location_id, row.lot_id or 0))


class ProductTotalMismatch(NamedTuple):
    product_id: int
    levels_on_hand: Decimal
    product_on_hand: Decimal
    levels_reserved: Decimal
    product_reserved: Decimal


def product_total_mismatches(*, organization=None) -> list[ProductTotalMismatch]:
    """Products whose maintained totals differ from the sums of their stock rows (two queries:
    the rows grouped by product, and the products' totals)."""
    levels = StockLevel.objects.all()
    products = Product.objects.all()
    if organization is not None:
        levels = levels.filter(organization_id=organization_id_of(organization))
        products = products.filter(organization_id=organization_id_of(organization))
    sums = {
        product_id: (on_hand.quantize(QUANTITY_QUANTUM), reserved.quantize(QUANTITY_QUANTUM))
        for product_id, on_hand, reserved in levels.values_list("product_id")
        .annotate(on_hand=_quantity(Sum("on_hand")), reserved=_quantity(Sum("reserved")))
        .order_by()
    }
    mismatches = []
    for product_id, on_hand, reserved in products.values_list(
        "pk", "stock_on_hand", "stock_reserved"
    ).order_by("pk"):
        expected_on_hand, expected_reserved = sums.get(product_id, (ZERO, ZERO))
        if (expected_on_hand, expected_reserved) != (on_hand, reserved):
            mismatches.append(
                ProductTotalMismatch(
                    product_id, expected_on_hand, on_hand, expected_reserved, reserved
                )
            )
    return mismatches
