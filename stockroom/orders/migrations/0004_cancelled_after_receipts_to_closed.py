"""A purchase order cancelled after stock was received against it is, from now on, closed
short: same moment and person, and its value becomes what was received. Cancelled stays for
orders that received nothing."""

from django.db import migrations
from django.db.models import F


def cancelled_after_receipts_to_closed(apps, schema_editor):
    PurchaseOrder = apps.get_model("orders", "PurchaseOrder")
    PurchaseOrderLine = apps.get_model("orders", "PurchaseOrderLine")
    received = PurchaseOrderLine._base_manager.filter(received_quantity__gt=0).values("order_id")
    PurchaseOrder._base_manager.filter(status="cancelled", pk__in=received).update(
        status="closed",
        closed_at=F("cancelled_at"),
        closed_by=F("cancelled_by"),
        cancelled_at=None,
        cancelled_by=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_purchase_order_closed_short"),
    ]

    operations = [
        migrations.RunPython(cancelled_after_receipts_to_closed, migrations.RunPython.noop),
    ]
