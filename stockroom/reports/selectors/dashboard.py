"""Reads behind the dashboard. Aggregates are cached per organization and version: a stock
movement or an order changing state bumps the version, so the next request recomputes them (one
worker at a time, see core/cache.py). Nothing here replays the ledger: past days' stock values
are the snapshots the reports services write daily."""

from datetime import timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from stockroom.accounts.models import Invitation, Organization
from stockroom.catalog.models import Product
from stockroom.core.cache import cached_for_organization
from stockroom.inventory.models import Lot, StockMovement, Warehouse
from stockroom.inventory.selectors import demand_movements, inventory_valuation, low_stock_products
from stockroom.orders.models import (
    PurchaseOrder,
    PurchaseOrderStatus,
    SalesOrder,
    SalesOrderStatus,
)

from ..models import StockValueSnapshot
from .reports import end_of_day, organization_today

RECENT_ACTIVITY_SIZE = 10
CHART_DAYS = 30
FINISHED_DAYS = CHART_DAYS - 1  # the chart's days before today, valued from daily snapshots
EXPIRY_WINDOW_DAYS = 30
TOP_MOVERS_SIZE = 10
OPEN_PURCHASE_ORDER_STATUSES = (
    PurchaseOrderStatus.DRAFT,
    PurchaseOrderStatus.SENT,
    PurchaseOrderStatus.PARTIALLY_RECEIVED,
)
OPEN_SALES_ORDER_STATUSES = (
    SalesOrderStatus.DRAFT,
    SalesOrderStatus.CONFIRMED,
    SalesOrderStatus.PARTIALLY_SHIPPED,
)


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
    """Headline figures of the dashboard. Cached; a stock movement or an order created, changing
    state or deleted invalidates them (see receivers.py).

    Open orders are those not yet received / shipped or cancelled (drafts included).
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


def _closed_days_values(organization: Organization, days: list) -> list[str | None]:
    """Stock value at the end of each finished day, from the daily snapshots: one query.

    A day without a snapshot yet (the beat task has not run, or a movement was dated into it)
    is None, a gap in the chart; replaying the ledger here would cost seconds per request.
    """
    values = dict(
        StockValueSnapshot.objects.filter(
            organization_id=organization.pk, day__gte=days[0], day__lte=days[-1]
        ).values_list("day", "value")
    )
    return [str(values[day]) if day in values else None for day in days]


def _stock_value_series(organization: Organization) -> dict:
    days = _chart_days(organization)
    # Today's value is the current valuation (on hand × moving average cost), which the cached
    # overview holds already.
    values = [
        *_closed_days_values(organization, days[:-1]),
        str(organization_overview(organization)["stock_value"]),
    ]
    return {"labels": [day.isoformat() for day in days], "values": values}


def _movements_per_day(organization: Organization) -> dict:
    days = _chart_days(organization)
    since = end_of_day(organization, days[0] - timedelta(days=1))
    counts = {
        row["day"]: row["count"]
        for row in StockMovement.objects.filter(
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
        demand_movements(organization=organization)
        .filter(occurred_at__gte=since)
        .values("product__sku", "product__name")
        .annotate(shipped=Sum("quantity"))
        .order_by("-shipped", "product__sku")[:TOP_MOVERS_SIZE]
    )
    return {
        "labels": [row["product__sku"] for row in rows],
        "names": [row["product__name"] for row in rows],
        # Fixed-point: normalize() alone writes 40 as "4E+1".
        "values": [f"{row['shipped'].normalize():f}" for row in rows],
    }


def dashboard_charts(organization: Organization) -> dict:
    """The chart series of the dashboard (JSON-ready). Cached; a stock movement invalidates them.

    Stock value per finished day comes from the daily snapshots (None where a day has none);
    today's is the current valuation. The key holds the organization's date, so the series
    moves on at its midnight rather than when the cache entry expires.
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
        organization_today(organization),
    )


def recent_movements(organization: Organization) -> QuerySet[StockMovement]:
    return (
        StockMovement.objects.for_organization(organization)
        .select_related("product", "from_location__warehouse", "to_location__warehouse", "user")
        .order_by("-occurred_at", "-pk")[:RECENT_ACTIVITY_SIZE]
    )
