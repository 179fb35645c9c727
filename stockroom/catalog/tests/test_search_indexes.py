"""On PostgreSQL every column the product search matches has its trigram index, on the
expression Django's icontains compares (UPPER(column) LIKE UPPER('%text%'))."""

import pytest

from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_product_search_columns_have_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'catalog_product' AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        indexes = dict(cursor.fetchall())

    assert sorted(indexes) == [
        "catalog_prod_barcode_trgm_idx",
        "catalog_prod_description_trgm_idx",
        "catalog_prod_name_trgm_idx",
        "catalog_prod_sku_trgm_idx",
    ]
    assert "upper(description) gin_trgm_ops" in indexes["catalog_prod_description_trgm_idx"]
