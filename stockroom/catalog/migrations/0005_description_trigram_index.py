"""A trigram GIN index on product descriptions, on PostgreSQL.

The API's product search (`search=`) also matches the description; without an index there,
the OR of the four `icontains` conditions could use none of the SKU/name/barcode indexes of
0004 and every search scanned the whole table. Same expression as 0004's indexes
(UPPER(column) LIKE UPPER('%text%') is Django's icontains); nothing on other databases.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS catalog_prod_description_trgm_idx ON catalog_product "
        'USING gin (UPPER("description") gin_trgm_ops)'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS catalog_prod_description_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_list_indexes"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
