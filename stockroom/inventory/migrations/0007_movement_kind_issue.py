"""A manual issue gets its own movement kind, "issue"; "shipment" is left to sales orders.

The ledger is append-only, so movements posted before keep the kind they were posted with: a
past "shipment" may have been a manual issue, and nothing recorded tells which for sure.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0006_movement_idempotency_scope"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="stockmovement",
            name="inventory_movement_kind_locations",
        ),
        migrations.AlterField(
            model_name="stockmovement",
            name="kind",
            field=models.CharField(
                choices=[
                    ("receipt", "Receipt"),
                    ("shipment", "Shipment"),
                    ("issue", "Issue"),
                    ("transfer", "Transfer"),
                    ("adjustment", "Adjustment"),
                    ("count", "Count"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="stockmovement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("from_location__isnull", True),
                        ("kind", "receipt"),
                        ("to_location__isnull", False),
                    ),
                    models.Q(
                        ("from_location__isnull", False),
                        ("kind__in", ["shipment", "issue"]),
                        ("to_location__isnull", True),
                    ),
                    models.Q(
                        ("from_location__isnull", False),
                        ("kind", "transfer"),
                        ("to_location__isnull", False),
                        models.Q(("from_location", models.F("to_location")), _negated=True),
                    ),
                    models.Q(
                        ("kind__in", ["adjustment", "count"]),
                        models.Q(
                            models.Q(
                                ("from_location__isnull", True), ("to_location__isnull", False)
                            ),
                            models.Q(
                                ("from_location__isnull", False), ("to_location__isnull", True)
                            ),
                            _connector="OR",
                        ),
                    ),
                    _connector="OR",
                ),
                name="inventory_movement_kind_locations",
            ),
        ),
    ]
