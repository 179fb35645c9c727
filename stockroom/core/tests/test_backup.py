"""Backup then restore on PostgreSQL yields the same ledger and balances."""

from decimal import Decimal
from pathlib import Path

import pytest

from django.core.management import call_command

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory import services as stock
from stockroom.inventory.models import StockLevel, StockMovement
from stockroom.inventory.tests.factories import LocationFactory, receive

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_backup_then_restore_gives_back_the_same_ledger(organization, tmp_path, settings):
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    (media / "photo.txt").write_text("kept")
    product = ProductFactory(organization=organization)
    location = LocationFactory(organization=organization)
    receive(product, location, 10, 3)
    stock.stock_issue(
        reason_code="other",
        organization=organization,
        product=product,
        location=location,
        quantity=Decimal("3"),
    )
    call_command("backup", output=str(tmp_path))
    dump = next(tmp_path.glob("db-*.dump"))
    archive = next(tmp_path.glob("media-*.tar.gz"))

    stock.stock_receive(
        organization=organization,
        product=product,
        location=location,
        quantity=Decimal("5"),
        unit_cost=Decimal("3"),
    )
    (media / "photo.txt").unlink()
    assert StockMovement.objects.count() == 3

    call_command("restore", str(dump), media=str(archive), yes=True)

    assert StockMovement.objects.count() == 2
    assert StockLevel.objects.get(product=product).on_hand == Decimal("7")
    call_command("verify_ledger")  # raises (non-zero exit) on any mismatch
    assert (media / "photo.txt").read_text() == "kept"


def test_restore_refuses_a_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nope.dump"), yes=True)
