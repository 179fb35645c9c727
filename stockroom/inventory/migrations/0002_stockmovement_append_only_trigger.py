"""On PostgreSQL the database itself refuses to rewrite the stock ledger.

The one UPDATE allowed is the one Django issues when a user is deleted: setting user_id to NULL
(on_delete=SET_NULL) and changing nothing else. Deleting rows stays possible so that deleting a
whole organization still cascades; the application refuses single deletes.
"""

from django.db import migrations

FUNCTION = "inventory_stockmovement_refuse_update"
TRIGGER = "inventory_stockmovement_append_only"

CREATE_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
DECLARE
    candidate inventory_stockmovement%ROWTYPE;
BEGIN
    candidate := NEW;
    candidate.user_id := OLD.user_id;
    IF NEW.user_id IS NULL AND candidate IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'inventory_stockmovement is append-only: UPDATE refused'
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER {TRIGGER}
    BEFORE UPDATE ON inventory_stockmovement
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

DROP_SQL = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON inventory_stockmovement;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger, elidable=False),
    ]
