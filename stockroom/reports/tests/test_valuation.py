"""Valuation at a past date: the ledger's quantities up to that day at the average cost then."""

from decimal import Decimal

import pytest

from django.urls import reverse

from stockroom.inventory import services as stock
from stockroom.inventory.selectors import inventory_valuation
from stockroom.reports.selectors.dashboard import dashboard_charts
from stockroom.reports.selectors.ledger import moving_average
from stockroom.reports.selectors.reports import inventory_valuation_at, organization_today
from stockroom.reports.services import stock_value_snapshots_backfill

from .conftest import at


@pytest.mark.parametrize(
    ("days_ago", "quantity", "cost", "value"),
    [
        pytest.param(11, None, None, None, id="before-any-movement"),
        pytest.param(10, "10", "2.0000", "20.00", id="after-first-receipt"),
        pytest.param(8, "6", "2.0000", "12.00", id="after-issue-cost-unchanged"),
        pytest.param(6, "10", "2.6000", "26.00", id="second-receipt-averages-3.50"),
        pytest.param(4, "10", "2.6000", "26.00", id="transfer-changes-nothing"),
        pytest.param(2, "15", "2.0667", "31.00", id="third-receipt-rounded-average"),
    ],
)
def test_valuation_by_product_at_past_dates(costed, days_ago, quantity, cost, value):
    organization, _product = costed
    rows = inventory_valuation_at(organization=organization, as_of=at(days_ago).date())
    row = next((row for row in rows if row["sku"] == "P"), None)
    if quantity is None:
        assert row is None
        return
    assert (row["quantity"], row["unit_cost"], row["value"]) == (
        Decimal(quantity),
        Decimal(cost),
        Decimal(value),
    )


def test_today_matches_the_services_average_and_live_valuation(costed):
    organization, product = costed
    rows = inventory_valuation_at(organization=organization, as_of=organization_today(organization))
    by_sku = {row["sku"]: row for row in rows}
    assert by_sku["P"]["unit_cost"] == product.average_cost == Decimal("2.0667")
    assert by_sku["Q"]["value"] == Decimal("1.00")  # 3 × 0.3333 = 0.9999
    # The live valuation sums before rounding: 31.0005 + 0.9999 = 32.0004 → 32.00
    assert inventory_valuation(organization=organization) == Decimal("32.00")
    assert sum(row["value"] for row in rows) == Decimal("32.00")


def test_valuation_by_warehouse_and_category_at_a_past_date(costed):
    organization, _product = costed
    day = at(4).date()
    by_warehouse = inventory_valuation_at(
        organization=organization, as_of=day, group_by="warehouse"
    )
    assert [(row["code"], row["product_count"], row["value"]) for row in by_warehouse] == [
        ("N", 1, Decimal("20.80")),  # 8 × 2.60
        ("S", 1, Decimal("5.20")),  # 2 × 2.60
    ]
    by_category = inventory_valuation_at(organization=organization, as_of=day, group_by="category")
    assert [(row["category"], row["product_count"], row["value"]) for row in by_category] == [
        ("Uncategorized", 1, Decimal("26.00"))
    ]


def test_moving_average_rule_matches_the_service():
    assert moving_average(Decimal("0"), Decimal("9"), Decimal("3"), Decimal("1.5")) == Decimal(
        "1.5000"
    )
    assert moving_average(Decimal("10"), Decimal("2.6"), Decimal("5"), Decimal("1")) == Decimal(
        "2.0667"
    )


def test_dashboard_stock_value_series_is_the_ledger_at_each_day_end(costed):
    organization, _product = costed
    stock_value_snapshots_backfill(organization=organization)
    series = dashboard_charts(organization)["stock_value"]
    values = dict(zip(series["labels"], series["values"], strict=True))
    assert values[at(11).date().isoformat()] == "0.00"
    assert values[at(10).date().isoformat()] == "20.00"
    assert values[at(8).date().isoformat()] == "12.00"
    assert values[at(3).date().isoformat()] == "27.00"  # 26.00 + 0.9999
    assert values[at(0).date().isoformat()] == "32.00"


def test_valuation_page_at_a_date(client, costed, manager, member_client):
    member_client(manager)
    response = client.get(
        reverse("reports:report", args=["valuation"]), {"as_of": at(6).date().isoformat()}
    )
    assert response.status_code == 200
    assert [row["sku"] for row in response.context["table"]] == ["P"]  # Q came in on day 3
    assert response.context["total"] == Decimal("26.00")


def test_a_movement_today_updates_today_without_replaying_finished_days(
    costed, django_capture_on_commit_callbacks
):

    organization, product = costed
    stock_value_snapshots_backfill(organization=organization)
    first = dashboard_charts(organization)["stock_value"]["values"]
    assert None not in first
    level = product.stock_levels.first()
    with django_capture_on_commit_callbacks(execute=True):  # bumps the cache version
        stock.stock_receive(
            organization=organization,
            product=product,
            location=level.location,
            quantity=Decimal("1"),
            unit_cost=Decimal("4"),
        )
    second = dashboard_charts(organization)["stock_value"]["values"]
    assert second[:-1] == first[:-1]
    assert Decimal(second[-1]) == Decimal(first[-1]) + Decimal("4.00")
