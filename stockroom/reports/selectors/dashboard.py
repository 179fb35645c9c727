"""Reads behind the dashboard. Aggregates are cached per organization and version: a stock
movement bumps the version, so the next request recomputes them."""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from stockroom.accounts.models import Invitation, Organization
from stockroom.catalog.models import Product
from stockroom.core.cache import cached_for_organization
from stockroom.inventory.models import Lot, MovementKind, StockMovement, Warehouse
from stockroom.inventory.selectors import inventory_valuation, low_stock_products
from stockroom.orders.models import (
    PurchaseOrder,
    PurchaseOrderStatus,
    SalesOrder,
    SalesOrderStatus,
)

from .ledger import stock_values_at
from .reports import end_of_day, organization_today

RECENT_ACTIVITY_SIZE = 10
CHART_DAYS = 30
EXPIRY_WINDOW_DAYS = 30
TOP_MOVERS_SIZE = 10
CLOSED_DAYS_TIMEOUT = 60 * 60 * 26  # past the end of the day in any time zone
OPEN_PURCHASE_ORDER_STATUSES = (
    PurchaseOrderStatus.DRAFT,
    PurchaseOrderStatus.SENT,
    PurchaseOrderStatus.PARTIALLY_RECEIVED,
)
OPEN_SALES_ORDER_STATUSES = (SalesOrderStatus.DRAFT, SalesOrderStatus.CONFIRMED)


def _team_counts(organization: Organization) -> dict[str, int]:
    members = organization.memberships.aggregate(
        total=Count("pk"),
        managers=Count("pk", filter=Q(role__in=["owner", "manager"])),
    )
    return {
        "member_count": members["total"],
        "manager_count": members["managers"],
        "pending_invitation_count": Invitation.objects.pending()
        .filter(organization=organization)
        .count(),
    }


def _stock_counts(organization: Organization) -> dict:
    return {
        "stock_value": inventory_valuation(organization=organization),
        "low_stock_count": low_stock_products(organization=organization).count(),
        "product_count": Product.objects.for_organization(organization)
        .filter(is_active=True)
        .count(),
        "warehouse_count": Warehouse.objects.for_organization(organization)
        .filter(is_active=True)
        .count(),
    }


def _order_and_lot_counts(organization: Organization) -> dict:
    today = organization_today(organization)
    return {
        "open_purchase_order_count": PurchaseOrder.objects.for_organization(organization)
        .filter(status__in=OPEN_PURCHASE_ORDER_STATUSES)
        .count(),
        "open_sales_order_count": SalesOrder.objects.for_organization(organization)
        .filter(status__in=OPEN_SALES_ORDER_STATUSES)
        .count(),
        # Lots still holding stock that expire from today to 30 days on.
        "expiring_lot_count": Lot.objects.for_organization(organization)
        .filter(
            expiry_date__gte=today,
            expiry_date__lte=today + timedelta(days=EXPIRY_WINDOW_DAYS),
            stock_levels__on_hand__gt=0,
        )
        .distinct()
        .count(),
    }


def organization_overview(organization: Organization) -> dict:
    """Headline figures of the dashboard. Cached; a stock movement invalidates them.

    Open orders are those not yet received / shipped or cancelled (drafts included). Order
    states change without a stock movement, so these counts may lag up to the cache timeout.
    """
    return cached_for_organization(
        organization.pk,
        "overview",
        lambda: {
            **_team_counts(organization),
            **_stock_counts(organization),
            **_order_and_lot_counts(organization),
        },
    )


def _chart_days(organization: Organization) -> list:
    today = organization_today(organization)
    return [today - timedelta(days=offset) for offset in range(CHART_DAYS - 1, -1, -1)]


def _closed_days_values(organization: Organization, days: list) -> list[str]:
    """Stock value at the end of each finished day, replayed from the ledger once per day.

    Movements post now, so they don't change finished days: this part is keyed by the date (and
    the organization), not by the cache version that every movement bumps. Only a movement
    back-dated into the window would be missed until the next day.
    """
    key = f"org:{organization.pk}:stock-value-history:{organization.time_zone}:{days[-1]}"
    values = cache.get(key)
    if values is None:
        moments = [end_of_day(organization, day) for day in days[:-1]]
        values = [str(v) for v in stock_values_at(organization=organization, moments=moments)]
        cache.set(key, values, CLOSED_DAYS_TIMEOUT)
    return values


def _stock_value_series(organization: Organization) -> dict:
    days = _chart_days(organization)
    # Today's value is the current valuation (on hand × moving average cost), which the cached
    # overview holds already.
    values = [
        *_closed_days_values(organization, days),
        str(organization_overview(organization)["stock_value"]),
    ]
    return {"labels": [day.isoformat() for day in days], "values": values}


def _movements_per_day(organization: Organization) -> dict:
    days = _chart_days(organization)
    since = end_of_day(organization, days[0] - timedelta(days=1))
    counts = {
        row["day"]: row["count"]
        for row in StockMovement.unscoped.filter(
            organization_id=organization.pk, occurred_at__gte=since
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=since.tzinfo))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by()
    }
    return {
        "labels": [day.isoformat() for day in days],
        "values": [counts.get(day, 0) for day in days],
    }


def _top_movers(organization: Organization) -> dict:
    since = timezone.now() - timedelta(days=CHART_DAYS)
    rows = (
        StockMovement.unscoped.filter(
            organization_id=organization.pk, kind=MovementKind.SHIPMENT, occurred_at__gte=since
        )
        .values("product__sku", "product__name")
        .annotate(shipped=Sum("quantity"))
        .order_by("-shipped", "product__sku")[:TOP_MOVERS_SIZE]
    )
    return {
        "labels": [row["product__sku"] for row in rows],
        "names": [row["product__name"] for row in rows],
        "values": [str(row["shipped"].normalize()) for row in rows],
    }


def dashboard_charts(organization: Organization) -> dict:
    """The chart series of the dashboard (JSON-ready). Cached; a stock movement invalidates them.

    Stock value per finished day is rebuilt from the ledger in one streamed query (see
    ledger.py) once per day; today's is the current valuation.
    """
    return cached_for_organization(
        organization.pk,
        "dashboard-charts",
        lambda: {
            "stock_value": _stock_value_series(organization),
            "movements_per_day": _movements_per_day(organization),
            "top_movers": _top_movers(organization),
        },
        organization.time_zone,
    )


def recent_movements(organization: Organization) -> QuerySet[StockMovement]:
    return (
        StockMovement.objects.for_organization(organization)
        .select_related("product", "from_location__warehouse", "to_location__warehouse", "user")
        .order_by("-occurred_at", "-pk")[:RECENT_ACTIVITY_SIZE]
    )
