"""docs/api_walkthrough.py runs end to end against the in-process WSGI app."""

import importlib.util
import io
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from django.conf import settings

from stockroom.accounts.tests.factories import TEST_PASSWORD
from stockroom.inventory.models import StockLevel
from stockroom.inventory.selectors import ledger_mismatches, product_total_mismatches

SCRIPT = Path(settings.BASE_DIR) / "docs" / "api_walkthrough.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("api_walkthrough", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_walkthrough_receives_sells_and_reads_the_ledger(owner):
    from config.wsgi import application

    script = _load_script()
    out = io.StringIO()

    result = script.main(
        [
            "--base-url",
            "http://testserver",
            "--email",
            owner.user.email,
            "--password",
            TEST_PASSWORD,
        ],
        transport=httpx.WSGITransport(app=application),
        out=out,
    )

    assert result["on_hand"] == Decimal(14)
    assert result["ledger"] == [
        ("receipt", Decimal(24), result["purchase_order"]),
        ("shipment", Decimal(10), result["sales_order"]),
    ]
    level = StockLevel.unscoped.get(product_id=result["product"])
    assert (level.on_hand, level.reserved) == (Decimal(14), Decimal(0))
    assert ledger_mismatches(organization=owner.organization) == []
    assert product_total_mismatches(organization=owner.organization) == []
    printed = out.getvalue()
    assert printed.startswith(f"Signed in as {owner.user.email}")
    assert printed.rstrip().endswith("On hand: 14 each")


def test_walkthrough_requires_credentials(capsys):
    script = _load_script()

    with pytest.raises(SystemExit):
        script.main(["--base-url", "http://testserver"])

    assert "--email" in capsys.readouterr().err
