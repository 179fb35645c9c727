"""Orders shipped before shipments were documents get one shipment each (SHP-00001, … per
organization, in the order they shipped), whose lines are their shipped reservations and the
movements that issued them: the order page and the API list what left for every order."""

from itertools import groupby

from django.db import migrations


def create_shipments(apps, schema_editor):
    Reservation = apps.get_model("orders", "SalesOrderReservation")
    Shipment = apps.get_model("orders", "Shipment")
    ShipmentLine = apps.get_model("orders", "ShipmentLine")
    Sequence = apps.get_model("orders", "DocumentSequence")
    shipped = (
        Reservation.objects.filter(shipment__isnull=False, shipment__shipment_line__isnull=True)
        .select_related("line__order", "shipment")
        .order_by("line__order__organization_id", "shipment__occurred_at", "line__order_id", "pk")
    )
    for order_id, rows in groupby(shipped, key=lambda r: r.line.order_id):
        rows = list(rows)
        order = rows[0].line.order
        sequence, _created = Sequence.objects.get_or_create(
            organization_id=order.organization_id, prefix="SHP", defaults={"last_value": 0}
        )
        sequence.last_value += 1
        sequence.save(update_fields=["last_value"])
        shipment = Shipment.objects.create(
            organization_id=order.organization_id,
            number=f"SHP-{sequence.last_value:05d}",
            order_id=order_id,
            shipped_at=order.shipped_at or rows[0].shipment.occurred_at,
            shipped_by_id=order.shipped_by_id,
        )
        ShipmentLine.objects.bulk_create(
            ShipmentLine(
                organization_id=order.organization_id,
                shipment=shipment,
                line_id=row.line_id,
                location_id=row.location_id,
                lot_id=row.lot_id,
                quantity=row.quantity,
                movement_id=row.shipment_id,
            )
            for row in rows
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_shipments"),
    ]

    operations = [
        migrations.RunPython(create_shipments, migrations.RunPython.noop),
    ]
