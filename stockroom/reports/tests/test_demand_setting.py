"""The organization's demand setting: demand is sales (shipments), and consumption issues only
where the organization counts them; other issue reasons never count."""

from decimal import Decimal

import pytest

from stockroom.accounts import services as account_services
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory import services as stock
from stockroom.inventory.models import IssueReason, MovementKind
from stockroom.inventory.tests.factories import LocationFactory
from stockroom.orders.selectors import reorder_suggestions
from stockroom.reports.definitions import AbcReport
from stockroom.reports.selectors.dashboard import dashboard_charts
from stockroom.reports.selectors.reports import abc_analysis, slow_movers

from .conftest import at

pytestmark = pytest.mark.django_db

SETTINGS = pytest.mark.parametrize(
    "include_consumption", [False, True], ids=["sales-only", "with-consumption"]
)


@pytest.fixture
def outflows(organization):
    """SOLD: 25 shipped. USED: 40 issued for consumption. SAMPLED: 30 issued as samples. All
    three low on stock."""
    location = LocationFactory(organization=organization)
    products = {
        sku: ProductFactory(organization=organization, sku=sku, reorder_point=Decimal("80"))
        for sku in ("SOLD", "USED", "SAMPLED")
    }
    for product in products.values():
        stock.stock_receive(
            organization=organization,
            product=product,
            location=location,
            quantity=Decimal("100"),
            unit_cost=Decimal("2"),
            occurred_at=at(20),
        )
    for sku, quantity, kind, reason_code in (
        ("SOLD", "25", MovementKind.SHIPMENT, ""),
        ("USED", "40", MovementKind.ISSUE, IssueReason.CONSUMPTION),
        ("SAMPLED", "30", MovementKind.ISSUE, IssueReason.SAMPLE),
    ):
        stock.stock_issue(
            organization=organization,
            product=products[sku],
            location=location,
            quantity=Decimal(quantity),
            occurred_at=at(3),
            kind=kind,
            reason_code=reason_code,
        )
    return products


def _count_consumption(organization, include_consumption):
    organization.demand_includes_consumption = include_consumption
    organization.save(update_fields=["demand_includes_consumption"])


@SETTINGS
def test_top_movers(organization, outflows, include_consumption):
    _count_consumption(organization, include_consumption)

    movers = dashboard_charts(organization)["top_movers"]

    expected = (["USED", "SOLD"], ["40", "25"]) if include_consumption else (["SOLD"], ["25"])
    assert (movers["labels"], movers["values"]) == expected


@SETTINGS
def test_abc_quantities(organization, outflows, include_consumption):
    _count_consumption(organization, include_consumption)

    rows = abc_analysis(organization=organization, days=30)

    quantities = {row["sku"]: row["quantity"] for row in rows}
    used = Decimal("40") if include_consumption else Decimal("0")
    assert quantities == {"SOLD": Decimal("25"), "USED": used, "SAMPLED": Decimal("0")}


@SETTINGS
def test_slow_movers(organization, outflows, include_consumption):
    _count_consumption(organization, include_consumption)

    skus = sorted(row["sku"] for row in slow_movers(organization=organization, days=30))

    assert skus == (["SAMPLED"] if include_consumption else ["SAMPLED", "USED"])


@SETTINGS
@pytest.mark.parametrize("given", ["instance", "id"])
def test_reorder_demand(organization, outflows, include_consumption, given):
    _count_consumption(organization, include_consumption)

    suggestions = reorder_suggestions(
        organization=organization if given == "instance" else organization.pk
    )

    demand = {s.product.sku: s.shipped_last_90_days for s in suggestions}
    used = Decimal("40") if include_consumption else Decimal("0")
    assert demand == {"SOLD": Decimal("25"), "USED": used, "SAMPLED": Decimal("0")}


def test_changing_the_setting_refreshes_a_cached_report(
    organization, owner, outflows, django_capture_on_commit_callbacks
):
    report = AbcReport()
    before = {row["sku"]: row["quantity"] for row in report.rows(organization, {"days": 30})}

    with django_capture_on_commit_callbacks(execute=True):
        account_services.organization_update(
            actor=owner,
            organization=organization,
            name=organization.name,
            time_zone=organization.time_zone,
            currency=organization.currency,
            demand_includes_consumption=True,
        )
    after = {row["sku"]: row["quantity"] for row in report.rows(organization, {"days": 30})}

    assert (before["USED"], after["USED"]) == (Decimal("0"), Decimal("40"))
