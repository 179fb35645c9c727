"""Movement idempotency keys are unique per user, not per organization.

Keys given before keep working for the user who gave them: every keyed movement's scope is
backfilled with its user's pk. On PostgreSQL the append-only trigger (0002) refuses that UPDATE,
so it is switched off for this one statement, inside the migration's transaction.
"""

from django.db import migrations, models

TRIGGER = "inventory_stockmovement_append_only"
BACKFILL_SQL = """
UPDATE inventory_stockmovement SET idempotency_scope = user_id
WHERE idempotency_key IS NOT NULL AND user_id IS NOT NULL
"""


def backfill_scope(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(f"ALTER TABLE inventory_stockmovement DISABLE TRIGGER {TRIGGER}")
    schema_editor.execute(BACKFILL_SQL)
    if postgresql:
        schema_editor.execute(f"ALTER TABLE inventory_stockmovement ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0005_page_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="stockmovement",
            name="idempotency_scope",
            field=models.PositiveBigIntegerField(default=0, verbose_name="idempotency scope"),
        ),
        migrations.RunPython(backfill_scope, migrations.RunPython.noop, elidable=False),
        migrations.RemoveConstraint(
            model_name="stockmovement",
            name="inventory_movement_idempotency_unique",
        ),
        migrations.AddConstraint(
            model_name="stockmovement",
            constraint=models.UniqueConstraint(
                condition=models.Q(("idempotency_key__isnull", False)),
                fields=("organization", "idempotency_scope", "idempotency_key"),
                name="inventory_movement_idempotency_unique",
            ),
        ),
    ]
