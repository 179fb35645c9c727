from io import StringIO

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from stockroom.catalog.models import Product
from stockroom.inventory.models import StockLevel

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_verify_ledger_passes_on_a_consistent_ledger():
    seed()
    out = StringIO()

    call_command("verify_ledger", "--organization", "demo-trading", stdout=out)

    assert "Ledger verified: balances and product totals match (demo-trading)." in out.getvalue()


def test_verify_ledger_fails_and_prints_a_tampered_level():
    seed()
    level = StockLevel.unscoped.filter(lot=None).order_by("pk").first()
    StockLevel.unscoped.filter(pk=level.pk).update(on_hand=F("on_hand") + 1)
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("verify_ledger", stdout=out)

    assert str(raised.value) == (
        "1 stock level(s) differ from the ledger; "
        "1 product total(s) differ from their stock levels."
    )
    product = Product.unscoped.get(pk=level.product_id)
    assert out.getvalue() == (
        f"MISMATCH product={level.product_id} location={level.location_id} lot=- "
        f"ledger={level.on_hand} stock_level={level.on_hand + 1}\n"
        f"MISMATCH product={level.product_id} totals: on_hand={product.stock_on_hand} "
        f"(stock levels {product.stock_on_hand + 1}) "
        f"reserved={product.stock_reserved} (stock levels {product.stock_reserved})\n"
    )


def test_verify_ledger_fails_on_a_tampered_product_total():
    seed()
    product = Product.unscoped.filter(stock_on_hand__gt=0).order_by("pk").first()
    Product.unscoped.filter(pk=product.pk).update(stock_reserved=F("stock_reserved") + 1)
    out = StringIO()

    with pytest.raises(CommandError, match=r"^1 product total\(s\) differ"):
        call_command("verify_ledger", stdout=out)

    assert out.getvalue() == (
        f"MISMATCH product={product.pk} totals: on_hand={product.stock_on_hand} "
        f"(stock levels {product.stock_on_hand}) reserved={product.stock_reserved + 1} "
        f"(stock levels {product.stock_reserved})\n"
    )


def test_verify_ledger_refuses_an_unknown_organization():
    with pytest.raises(CommandError, match=r"No organization with slug 'nope'\."):
        call_command("verify_ledger", "--organization", "nope")


def test_verify_ledger_reports_movements_without_a_stock_row(organization):
    seed()
    level = StockLevel.unscoped.filter(on_hand__gt=0).order_by("pk").first()
    StockLevel.unscoped.filter(pk=level.pk).delete()

    with pytest.raises(CommandError):
        call_command("verify_ledger", stdout=StringIO())
