"""Reads of orders and counts, scoped to an organization, with their related rows fetched up
front so that list pages run a constant number of queries whatever their length."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from stockroom.catalog.models import (
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    Product,
    ProductSupplier,
    Supplier,
    UnitOfMeasure,
)
from stockroom.core.tenancy import organization_id_of
from stockroom.inventory.models import StockLevel
from stockroom.inventory.selectors import demand_movements, low_stock_products

from .models import (
    ZERO,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderReceipt,
    PurchaseOrderStatus,
    SalesOrder,
    SalesOrderLine,
    SalesOrderReservation,
    Shipment,
    ShipmentLine,
    StockCount,
    StockCountLine,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

DEMAND_WINDOW_DAYS = 90
OPEN_PURCHASE_STATUSES = (
    PurchaseOrderStatus.DRAFT,
    PurchaseOrderStatus.SENT,
    PurchaseOrderStatus.PARTIALLY_RECEIVED,
)
_QUANTITY: "DecimalField[Decimal, Decimal]" = DecimalField(
    max_digits=QUANTITY_DIGITS + 6, decimal_places=QUANTITY_PLACES
)


def _sum(expression) -> Coalesce:
    return Coalesce(expression, Value(ZERO, output_field=_QUANTITY), output_field=_QUANTITY)


def _order_list(
    model: type[PurchaseOrder] | type[SalesOrder],
    line_model: type[PurchaseOrderLine] | type[SalesOrderLine],
    partner: str,
    *,
    organization,
    search: str,
    status: str,
) -> QuerySet:
    """Orders, newest first, with their partner (supplier or customer) and lines (for totals)
    fetched; searched by number, partner name or a line's SKU."""
    queryset = (
        model.objects.filter(organization_id=organization_id_of(organization))
        .select_related(partner)
        .prefetch_related(Prefetch("lines", line_model.objects.order_by("pk")))
    )
    if status:
        queryset = queryset.filter(status=status)
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Q(number__icontains=search)
            | Q(**{f"{partner}__name__icontains": search})
            | Q(lines__product__sku__icontains=search)
        ).distinct()
    return queryset.order_by("-created_at", "-id")


# --- purchase orders -----------------------------------------------------------------------------


def purchase_order_list(
    *, organization, search: str = "", status: str = ""
) -> QuerySet[PurchaseOrder]:
    """Purchase orders, newest first, with supplier and lines (for totals) fetched."""
    return _order_list(
        PurchaseOrder,
        PurchaseOrderLine,
        "supplier",
        organization=organization,
        search=search,
        status=status,
    )


def purchase_order_detail(*, organization, pk: int) -> PurchaseOrder:
    receipts = PurchaseOrderReceipt.objects.select_related(
        "location__warehouse", "lot", "received_by"
    ).order_by("received_at", "pk")
    lines = (
        PurchaseOrderLine.objects.select_related("product", "receiving_location__warehouse")
        .prefetch_related(Prefetch("receipts", receipts))
        .order_by("pk")
    )
    return (
        PurchaseOrder.objects.filter(organization_id=organization_id_of(organization))
        .select_related("supplier", "created_by", "sent_by", "closed_by", "cancelled_by")
        .prefetch_related(Prefetch("lines", lines))
        .get(pk=pk)
    )


# --- sales orders --------------------------------------------------------------------------------


def sales_order_list(*, organization, search: str = "", status: str = "") -> QuerySet[SalesOrder]:
    """Sales orders, newest first, with customer and lines (for totals) fetched."""
    return _order_list(
        SalesOrder,
        SalesOrderLine,
        "customer",
        organization=organization,
        search=search,
        status=status,
    )


def sales_order_detail(*, organization, pk: int) -> SalesOrder:
    reservations = SalesOrderReservation.objects.select_related(
        "location__warehouse", "lot"
    ).order_by("pk")
    lines = (
        SalesOrderLine.objects.select_related("product")
        .prefetch_related(Prefetch("reservations", reservations))
        .order_by("pk")
    )
    shipment_lines = ShipmentLine.objects.select_related(
        "line__product", "location__warehouse", "lot"
    ).order_by("pk")
    shipments = (
        Shipment.objects.select_related("shipped_by")
        .prefetch_related(Prefetch("lines", shipment_lines))
        .order_by("shipped_at", "pk")
    )
    return (
        SalesOrder.objects.filter(organization_id=organization_id_of(organization))
        .select_related("customer", "created_by", "confirmed_by", "shipped_by", "cancelled_by")
        .prefetch_related(Prefetch("lines", lines), Prefetch("shipments", shipments))
        .get(pk=pk)
    )


def sellable_available(*, organization, product_ids: list[int]) -> dict[int, Decimal]:
    """{product id: on hand − reserved} over the stock a confirmation may reserve from (active
    locations of active warehouses, no expired lot), in one query; products with none are 0."""
    today = timezone.localdate()
    rows = (
        StockLevel.objects.filter(
            organization_id=organization_id_of(organization),
            product_id__in=product_ids,
            location__is_active=True,
            location__warehouse__is_active=True,
        )
        .filter(
            Q(lot__isnull=True) | Q(lot__expiry_date__isnull=True) | Q(lot__expiry_date__gte=today)
        )
        .values("product_id")
        .annotate(available=Sum(F("on_hand") - F("reserved")))
        .order_by()
    )
    available = dict.fromkeys(product_ids, ZERO)
    available.update({row["product_id"]: row["available"] for row in rows})
    return available


def shipment_detail(*, organization, pk: int) -> Shipment:
    """A shipment with its order, customer and lines (product, location, lot), for the packing
    slip."""
    lines = ShipmentLine.objects.select_related(
        "line__product", "location__warehouse", "lot"
    ).order_by("pk")
    return (
        Shipment.objects.filter(organization_id=organization_id_of(organization))
        .select_related("order__customer", "organization", "shipped_by")
        .prefetch_related(Prefetch("lines", lines))
        .get(pk=pk)
    )


# --- stock counts --------------------------------------------------------------------------------


def stock_count_list(*, organization, search: str = "", status: str = "") -> QuerySet[StockCount]:
    queryset = (
        StockCount.objects.filter(organization_id=organization_id_of(organization))
        .select_related("warehouse", "location__warehouse", "created_by")
        .annotate(
            line_count=Count("lines"),
            counted_count=Count("lines", filter=Q(lines__counted_quantity__isnull=False)),
        )
    )
    if status:
        queryset = queryset.filter(status=status)
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Q(number__icontains=search)
            | Q(warehouse__code__icontains=search)
            | Q(warehouse__name__icontains=search)
            | Q(location__code__icontains=search)
        )
    return queryset.order_by("-created_at", "-id")


def stock_count_detail(*, organization, pk: int) -> StockCount:
    return (
        StockCount.objects.filter(organization_id=organization_id_of(organization))
        .select_related(
            "warehouse",
            "location__warehouse",
            "created_by",
            "submitted_by",
            "approved_by",
            "cancelled_by",
        )
        .get(pk=pk)
    )


class _OnHandNow(TypedDict):
    current_with_lot: Decimal | None
    current_without_lot: Decimal | None


def stock_count_lines(
    *, count: StockCount
) -> "QuerySet[WithAnnotations[StockCountLine, _OnHandNow]]":
    """The sheet's lines with the on hand now (`current_on_hand`) to show drift and variance."""
    current = StockLevel.objects.filter(
        product_id=OuterRef("product_id"), location_id=OuterRef("location_id")
    )
    current_with_lot = current.filter(lot_id=OuterRef("lot_id")).values("on_hand")[:1]
    current_without_lot = current.filter(lot__isnull=True).values("on_hand")[:1]
    return (
        StockCountLine.objects.filter(count=count)
        .select_related("product", "location__warehouse", "lot", "counted_by")
        .annotate(
            current_with_lot=Subquery(current_with_lot, output_field=_QUANTITY),
            current_without_lot=Subquery(current_without_lot, output_field=_QUANTITY),
        )
        .order_by("location__code", "product__sku", "lot__lot_number", "pk")
    )


@dataclass
class CountLineView:
    """A count line as a manager reviews it: drift since the snapshot and the variance to post."""

    line: StockCountLine
    current_on_hand: Decimal
    drift: Decimal
    variance: Decimal | None


def stock_count_review(*, count: StockCount) -> list[CountLineView]:
    rows = []
    for line in stock_count_lines(count=count):
        current = line.current_with_lot if line.lot_id else line.current_without_lot
        current = current if current is not None else ZERO
        if line.posted_variance is not None:
            variance = line.posted_variance
        elif line.counted_quantity is not None:
            variance = line.counted_quantity - current
        else:
            variance = None
        rows.append(
            CountLineView(
                line=line,
                current_on_hand=current,
                drift=current - line.expected_quantity,
                variance=variance,
            )
        )
    return rows


# --- reorder -------------------------------------------------------------------------------------


@dataclass
class ReorderSuggestion:
    product: Product
    supplier: Supplier | None
    available: Decimal
    on_order: Decimal
    shipped_last_90_days: Decimal
    lead_time_days: int
    lead_time_demand: Decimal
    suggested_quantity: Decimal
    unit_price: Decimal

    @property
    def can_order(self) -> bool:
        return self.supplier is not None and self.suggested_quantity > 0 and self.on_order == 0


def _round_up(quantity: Decimal, unit: str) -> Decimal:
    quantum = Decimal(1).scaleb(-UnitOfMeasure.decimal_places(unit))
    return quantity.quantize(quantum, rounding=ROUND_CEILING)


def reorder_suggestions(*, organization) -> list[ReorderSuggestion]:
    """Products at or below their reorder point and how much to order: the larger of the
    reorder quantity and the demand over the preferred supplier's lead time (demand of the
    last 90 days / 90 × lead time) minus what is available, rounded up to the unit's precision.
    Demand is shipments, and consumption issues where the organization counts them.

    Four queries whatever the number of products (five given only the organization's id).
    """
    organization_id = organization_id_of(organization)
    products = list(low_stock_products(organization=organization_id))
    ids = [product.pk for product in products]
    since = timezone.now() - timedelta(days=DEMAND_WINDOW_DAYS)
    shipped = dict(
        demand_movements(organization=organization)
        .filter(product_id__in=ids, occurred_at__gte=since)
        .values_list("product_id")
        .annotate(total=_sum(Sum("quantity")))
        .order_by()
    )
    preferred = {
        link.product_id: link
        for link in ProductSupplier.objects.filter(
            product_id__in=ids, is_preferred=True
        ).select_related("supplier")
    }
    on_order = dict(
        PurchaseOrderLine.objects.filter(
            organization_id=organization_id,
            product_id__in=ids,
            order__status__in=OPEN_PURCHASE_STATUSES,
        )
        .values_list("product_id")
        .annotate(total=_sum(Sum("quantity") - Sum("received_quantity")))
        .order_by()
    )
    suggestions = []
    for product in products:
        link = preferred.get(product.pk)
        lead_time = link.lead_time_days if link else 0
        demand = shipped.get(product.pk, ZERO)
        lead_time_demand = demand / DEMAND_WINDOW_DAYS * lead_time
        available = product.stock_available
        suggested = _round_up(
            max(product.reorder_quantity, lead_time_demand - available), product.unit
        )
        if suggested <= 0:
            # No reorder quantity and no recent demand: at least bring it back to the point.
            suggested = _round_up(max(product.reorder_point - available, ZERO), product.unit)
        suggestions.append(
            ReorderSuggestion(
                product=product,
                supplier=link.supplier if link else None,
                available=available,
                on_order=max(on_order.get(product.pk, ZERO), ZERO),
                shipped_last_90_days=demand,
                lead_time_days=lead_time,
                lead_time_demand=lead_time_demand.quantize(Decimal("0.001")),
                suggested_quantity=suggested,
                unit_price=link.price if link and link.price else product.cost_price,
            )
        )
    return suggestions
