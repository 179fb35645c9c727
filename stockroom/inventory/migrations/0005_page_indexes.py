"""Indexes for the warehouse and location pages and for deep pages of the ledger.

- The stocked-rows index of stock levels also carries on hand and reserved, so that a
  warehouse's or a location's totals are an index-only scan (it replaces the partial index of
  0004, same columns and condition).
- The stocked rows by organization and product: counting the rows of the products a stock
  search matched probes this index only.
- The ledger's (organization, occurred_at) index gains the id, the tie-breaker of the ledger's
  order: a deep page reads its ids from it without visiting the table.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0004_list_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="stocklevel",
            name="inventory_sl_stocked_idx",
        ),
        migrations.AddIndex(
            model_name="stocklevel",
            index=models.Index(
                condition=models.Q(("on_hand__gt", 0)),
                fields=["location", "product"],
                include=("on_hand", "reserved"),
                name="inventory_sl_stocked_cover_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="stocklevel",
            index=models.Index(
                condition=models.Q(("on_hand__gt", 0)),
                fields=["organization", "product"],
                name="inventory_sl_stocked_prod_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="stockmovement",
            name="inventory_mv_org_time_idx",
        ),
        migrations.AddIndex(
            model_name="stockmovement",
            index=models.Index(
                models.F("organization"),
                models.OrderBy(models.F("occurred_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="inventory_mv_org_time_id_idx",
            ),
        ),
    ]
