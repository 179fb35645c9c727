"""Indexes for the product list on a large catalog.

B-tree indexes (every database) serve the default "active" filter in SKU or name order. On
PostgreSQL, trigram GIN indexes serve the `icontains` search on SKU, name and barcode: Django
compares UPPER(column::text) LIKE UPPER('%text%'), so the indexes are on that expression.
Other databases have no trigram indexes and keep scanning; the migration does nothing there.
"""

from django.db import migrations, models

TRIGRAM_COLUMNS = ("sku", "name", "barcode")


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS catalog_prod_{column}_trgm_idx ON catalog_product "
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS catalog_prod_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0003_history"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                fields=["organization", "is_active", "sku", "id"],
                name="catalog_prod_org_act_sku_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                fields=["organization", "is_active", "name", "id"],
                name="catalog_prod_org_act_name_idx",
            ),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
