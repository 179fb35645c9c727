"""Invariants the order tests check against the stock rows."""

from decimal import Decimal

from django.db.models import Sum

from stockroom.orders.models import SalesOrderReservation


def open_reserved_total(*, organization, product=None) -> Decimal:
    """Σ of the open reservations of confirmed sales orders: what StockLevel.reserved must hold."""
    queryset = SalesOrderReservation.objects.filter(
        organization_id=organization.pk, closed_at__isnull=True
    )
    if product is not None:
        queryset = queryset.filter(line__product=product)
    return queryset.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
