"""The data migration that gives orders shipped before shipments were documents a shipment."""

import importlib
from decimal import Decimal

from django.apps import apps

from stockroom.orders import services
from stockroom.orders.models import DocumentSequence, SalesOrderReservation, Shipment
from stockroom.orders.services import LineInput

D = Decimal
migration = importlib.import_module("stockroom.orders.migrations.0007_shipments_of_shipped_orders")


def _shipped_before_shipments(organization, user, customer, products, bin_a, stock):
    """An order shipped in full, then stripped of its shipment: the rows a database written
    before migration 0006 holds (closed reservations that name their issue movement)."""
    for product in products:
        stock(product, bin_a, "5")
    order = services.sales_order_create(
        organization=organization,
        user=user,
        customer=customer,
        lines=[LineInput(product=p, quantity=D("2"), unit_price=D("1")) for p in products],
    )
    services.sales_order_confirm(order=order, user=user)
    services.sales_order_ship(order=order, user=user)
    Shipment.objects.filter(order=order).delete()
    return order


def test_each_shipped_order_gets_one_shipment_with_its_movements(
    organization, user, customer, product, flour, bin_a, stock
):
    first = _shipped_before_shipments(organization, user, customer, [product, flour], bin_a, stock)
    second = _shipped_before_shipments(organization, user, customer, [product], bin_a, stock)
    DocumentSequence.objects.filter(prefix="SHP").delete()

    migration.create_shipments(apps, None)
    migration.create_shipments(apps, None)  # a second run finds nothing left to do

    shipments = list(Shipment.objects.order_by("number"))
    assert [(s.number, s.order_id, s.shipped_by) for s in shipments] == [
        ("SHP-00001", first.pk, user),
        ("SHP-00002", second.pk, user),
    ]
    first.refresh_from_db()
    assert shipments[0].shipped_at == first.shipped_at
    for shipment in shipments:
        reservations = SalesOrderReservation.objects.filter(line__order=shipment.order_id)
        assert sorted(
            (line.line_id, line.location_id, line.quantity, line.movement_id)
            for line in shipment.lines.all()
        ) == sorted((r.line_id, r.location_id, r.quantity, r.shipment_id) for r in reservations)
    assert DocumentSequence.objects.get(prefix="SHP").last_value == 2
