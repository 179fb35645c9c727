"""A manual issue carries a reason code (consumption, sample, damage, scrap, other).

Issues posted before had none, and nothing recorded says why they were taken: they become
"other", the one code that claims nothing. They do not become "consumption", so an organization
that counts consumption as demand does not see its past issues turn into demand.

The ledger is append-only, and on PostgreSQL a trigger refuses any UPDATE of it (migration
0002). This one-off backfill of a new column is the exception: the trigger is disabled for the
UPDATE and enabled again in the same transaction, so no other session can write meanwhile.
The constraint that every issue has a code comes in the next migration, in its own transaction.
"""

from django.db import migrations, models

TRIGGER = "inventory_stockmovement_append_only"


def issues_become_other(apps, schema_editor):
    StockMovement = apps.get_model("inventory", "StockMovement")
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(
            f"ALTER TABLE inventory_stockmovement DISABLE TRIGGER {TRIGGER}", params=None
        )
    # The historical model's plain manager: the app's ledger QuerySet refuses update().
    StockMovement._base_manager.filter(kind="issue", reason_code="").update(reason_code="other")
    if postgresql:
        schema_editor.execute(
            f"ALTER TABLE inventory_stockmovement ENABLE TRIGGER {TRIGGER}", params=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0007_movement_kind_issue"),
    ]

    operations = [
        migrations.AddField(
            model_name="stockmovement",
            name="reason_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("consumption", "Consumption"),
                    ("sample", "Sample"),
                    ("damage", "Damage"),
                    ("scrap", "Scrap"),
                    ("other", "Other"),
                ],
                max_length=16,
                verbose_name="reason code",
            ),
        ),
        # Reversing drops the column, so there is nothing to undo row by row.
        migrations.RunPython(issues_become_other, migrations.RunPython.noop, elidable=False),
    ]
