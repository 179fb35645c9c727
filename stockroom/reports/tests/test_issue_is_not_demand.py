"""A manual issue (stock used, sampled or lost) is not a sale: the demand figures (top movers,
ABC, slow movers, reorder suggestions) count sales order shipments only."""

from decimal import Decimal

import pytest

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory import services as stock
from stockroom.inventory.models import MovementKind
from stockroom.inventory.tests.factories import LocationFactory
from stockroom.orders.selectors import reorder_suggestions
from stockroom.reports.selectors.dashboard import dashboard_charts
from stockroom.reports.selectors.reports import abc_analysis, slow_movers

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def used_and_sold(organization):
    """USED: 40 issued by hand, nothing sold. SOLD: 5 shipped to customers. Both low on stock."""
    location = LocationFactory(organization=organization)
    used = ProductFactory(organization=organization, sku="USED", reorder_point=Decimal("80"))
    sold = ProductFactory(organization=organization, sku="SOLD", reorder_point=Decimal("80"))
    for product in (used, sold):
        stock.stock_receive(
            organization=organization,
            product=product,
            location=location,
            quantity=Decimal("100"),
            unit_cost=Decimal("2"),
            occurred_at=at(20),
        )
    stock.stock_issue(
        reason_code="other",
        organization=organization,
        product=used,
        location=location,
        quantity=Decimal("40"),
        occurred_at=at(3),
    )
    stock.stock_issue(
        organization=organization,
        product=sold,
        location=location,
        quantity=Decimal("25"),
        occurred_at=at(3),
        kind=MovementKind.SHIPMENT,
    )
    return used, sold


def test_a_manual_issue_is_recorded_as_an_issue(organization, used_and_sold):
    used, sold = used_and_sold
    assert list(used.movements.values_list("kind", flat=True).order_by("pk")) == [
        "receipt",
        "issue",
    ]
    assert sold.movements.filter(kind=MovementKind.SHIPMENT).count() == 1


def test_top_movers_count_shipments_only(organization, used_and_sold):
    movers = dashboard_charts(organization)["top_movers"]
    assert movers["labels"] == ["SOLD"]
    assert movers["values"] == ["25"]


def test_abc_ranks_by_shipments_only(organization, used_and_sold):
    rows = {row["sku"]: row for row in abc_analysis(organization=organization, days=30)}
    assert (rows["SOLD"]["quantity"], rows["SOLD"]["abc_class"]) == (Decimal("25"), "A")
    assert (rows["USED"]["quantity"], rows["USED"]["abc_class"]) == (Decimal("0"), "C")


def test_an_issued_but_unsold_product_is_a_slow_mover(organization, used_and_sold):
    skus = [row["sku"] for row in slow_movers(organization=organization, days=30)]
    assert "USED" in skus
    assert "SOLD" not in skus


def test_reorder_demand_ignores_issues(organization, used_and_sold):
    demand = {
        suggestion.product.sku: suggestion.shipped_last_90_days
        for suggestion in reorder_suggestions(organization=organization)
    }
    assert demand == {"USED": Decimal("0"), "SOLD": Decimal("25")}
