"""Reads behind the dashboard and reports. Aggregates are cached per organization and version."""

from django.db.models import Count, Q, QuerySet

from stockroom.accounts.models import Invitation, Organization
from stockroom.catalog.models import Product
from stockroom.core.cache import cached_for_organization
from stockroom.inventory.models import StockMovement, Warehouse
from stockroom.inventory.selectors import inventory_valuation, low_stock_products

RECENT_ACTIVITY_SIZE = 10


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


def organization_overview(organization: Organization) -> dict:
    """Headline figures of the dashboard. Cached; a stock movement invalidates them."""
    return cached_for_organization(
        organization.pk,
        "overview",
        lambda: {**_team_counts(organization), **_stock_counts(organization)},
    )


def recent_movements(organization: Organization) -> QuerySet[StockMovement]:
    return (
        StockMovement.objects.for_organization(organization)
        .select_related("product", "from_location__warehouse", "to_location__warehouse", "user")
        .order_by("-occurred_at", "-pk")[:RECENT_ACTIVITY_SIZE]
    )
