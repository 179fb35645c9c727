"""Invariants the order tests check against the stock rows."""

from decimal import Decimal

from django.db.models import Q, Sum

from stockroom.orders.models import SalesOrderLine, SalesOrderReservation, SalesOrderStatus


def open_reserved_total(*, organization, product=None) -> Decimal:
    """Σ of the open reservations of confirmed sales orders: what StockLevel.reserved must hold."""
    queryset = SalesOrderReservation.objects.filter(
        organization_id=organization.pk, closed_at__isnull=True
    )
    if product is not None:
        queryset = queryset.filter(line__product=product)
    return queryset.aggregate(total=Sum("quantity"))["total"] or Decimal(0)


def reservation_gaps(*, organization) -> list[tuple[str, str, Decimal, Decimal]]:
    """(order, sku, open reserved, expected) of every line of a confirmed or partly shipped
    order whose open reservations differ from quantity − shipped − backordered."""
    lines = (
        SalesOrderLine.objects.filter(
            organization_id=organization.pk,
            order__status__in=[SalesOrderStatus.CONFIRMED, SalesOrderStatus.PARTIALLY_SHIPPED],
        )
        .annotate(
            open_reserved=Sum(
                "reservations__quantity", filter=Q(reservations__closed_at__isnull=True)
            )
        )
        .select_related("order", "product")
        .order_by("pk")
    )
    gaps = []
    for line in lines:
        expected = line.quantity - line.shipped_quantity - line.backordered_quantity
        reserved = line.open_reserved or Decimal(0)
        if reserved != expected:
            gaps.append((line.order.number, line.product.sku, reserved, expected))
    return gaps
