"""Each product's stock totals (on hand, reserved over all its stock rows), maintained by the
inventory services from now on; filled here from the stock rows that exist."""

from decimal import Decimal

from django.db import migrations, models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def fill_stock_totals(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    StockLevel = apps.get_model("inventory", "StockLevel")
    field = models.DecimalField(max_digits=20, decimal_places=3)

    def total(column):
        per_product = (
            StockLevel._base_manager.filter(product_id=OuterRef("pk"))
            .order_by()
            .values("product_id")
            .annotate(total=Sum(column))
            .values("total")
        )
        return Coalesce(
            Subquery(per_product, output_field=field), Value(Decimal("0")), output_field=field
        )

    Product._base_manager.update(stock_on_hand=total("on_hand"), stock_reserved=total("reserved"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0005_description_trigram_index"),
        ("inventory", "0004_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="stock_on_hand",
            field=models.DecimalField(
                decimal_places=3,
                default=Decimal("0"),
                editable=False,
                max_digits=14,
                verbose_name="on hand",
            ),
        ),
        migrations.AddField(
            model_name="product",
            name="stock_reserved",
            field=models.DecimalField(
                decimal_places=3,
                default=Decimal("0"),
                editable=False,
                max_digits=14,
                verbose_name="reserved",
            ),
        ),
        migrations.RunPython(fill_stock_totals, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(
                condition=Q(stock_on_hand__gte=0), name="catalog_product_stock_on_hand_gte_0"
            ),
        ),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(
                condition=Q(stock_reserved__gte=0) & Q(stock_reserved__lte=F("stock_on_hand")),
                name="catalog_product_stock_reserved_range",
            ),
        ),
    ]
