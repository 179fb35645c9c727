"""Record history pages, the role matrix and constant query counts of every report page."""

from decimal import Decimal

import pytest

from django.urls import reverse

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory import services as stock
from stockroom.inventory.tests.factories import LocationFactory, LotFactory

from .conftest import at

REPORT_SLUGS = [
    pytest.param(slug, id=slug)
    for slug in ("valuation", "movements", "abc", "slow-movers", "lot-expiry")
]


def _edit_price(client, product, sale_price: str) -> None:
    response = client.post(
        reverse("catalog:product_update", args=[product.pk]),
        {
            "sku": product.sku,
            "name": product.name,
            "unit": product.unit,
            "cost_price": product.cost_price,
            "sale_price": sale_price,
            "reorder_point": "0",
            "reorder_quantity": "0",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors


def test_history_page_shows_the_price_change_with_user_and_values(
    client, organization, manager, member_client
):
    member_client(manager)
    product = ProductFactory(organization=organization, sku="HAMMER", sale_price=Decimal("4.00"))
    _edit_price(client, product, "5.50")
    response = client.get(reverse("reports:history", args=["catalog.product", product.pk]))
    assert response.status_code == 200
    latest = response.context["entries"][0]
    assert latest.action == "~"
    assert latest.user == manager.user
    assert [(change.label, change.old, change.new) for change in latest.changes] == [
        ("Sale price", "4.00", "5.50")
    ]
    page = response.content.decode()
    assert manager.user.get_short_name() in page
    assert '<td class="history-old">4.00</td>' in page
    assert '<td class="history-new">5.50</td>' in page
    assert response.context["entries"][-1].action == "+"  # the factory's creation, no user


def test_product_page_links_to_its_history(client, organization, viewer, member_client):
    member_client(viewer)
    product = ProductFactory(organization=organization)
    response = client.get(product.get_absolute_url())
    assert (
        reverse("reports:history", args=["catalog.product", product.pk])
        in response.content.decode()
    )


def test_history_names_related_records(client, organization, manager, member_client):
    member_client(manager)
    location = LocationFactory(organization=organization, code="OLD")
    location.code = "NEW"
    location.save()
    response = client.get(reverse("reports:history", args=["inventory.location", location.pk]))
    latest = response.context["entries"][0]
    assert [(change.label, change.old, change.new) for change in latest.changes] == [
        ("Code", "OLD", "NEW")
    ]
    created = response.context["entries"][-1]
    assert ("Warehouse", "—", str(location.warehouse)) in [
        (change.label, change.old, change.new) for change in created.changes
    ]


@pytest.mark.parametrize(
    "model",
    [
        pytest.param("catalog.product", id="tracked-model"),
        pytest.param("inventory.stockmovement", id="untracked-model"),
    ],
)
def test_another_organizations_history_is_404(
    client, other_organization, viewer, member_client, model
):
    member_client(viewer)
    foreign = ProductFactory(organization=other_organization)
    response = client.get(reverse("reports:history", args=[model, foreign.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("slug", REPORT_SLUGS)
def test_viewer_can_view_print_and_export_reports(client, stocked_org, viewer, member_client, slug):
    member_client(viewer)
    page = client.get(reverse("reports:report", args=[slug]))
    assert page.status_code == 200
    assert page.context["can_export"] is True
    assert client.get(reverse("reports:report_print", args=[slug])).status_code == 200
    assert client.get(reverse("reports:report_export", args=[slug, "csv"])).status_code == 200
    assert client.get(reverse("reports:report_export", args=[slug, "xlsx"])).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(reverse("reports:report", args=["valuation"]), id="report"),
        pytest.param(reverse("reports:report_export", args=["abc", "csv"]), id="export"),
        pytest.param(reverse("reports:scan"), id="scan"),
        pytest.param(reverse("reports:labels"), id="labels"),
        pytest.param(reverse("reports:history", args=["catalog.product", 1]), id="history"),
    ],
)
def test_anonymous_is_redirected_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign" in response["Location"]


def test_unknown_report_and_format_are_404(client, viewer, member_client):
    member_client(viewer)
    assert client.get(reverse("reports:report", args=["nope"])).status_code == 404
    assert client.get(reverse("reports:report_export", args=["abc", "pdf"])).status_code == 404


def test_reports_are_in_the_navigation(client, viewer, member_client):
    member_client(viewer)
    page = client.get(reverse("reports:dashboard")).content.decode()
    for slug in ("valuation", "movements", "abc", "slow-movers", "lot-expiry"):
        assert reverse("reports:report", args=[slug]) in page
    assert reverse("reports:scan") in page


def _seed_rows(organization, count: int) -> None:
    """`count` products, each with a lot, a receipt and an old shipment: one row per report."""
    location = LocationFactory(organization=organization)
    for n in range(count):
        product = ProductFactory(organization=organization, is_lot_tracked=True)
        lot = LotFactory(organization=organization, product=product, expiry_date=at(-5 - n).date())
        stock.stock_receive(
            organization=organization,
            product=product,
            location=location,
            quantity=Decimal("5"),
            unit_cost=Decimal("1.10"),
            lot_number=lot.lot_number,
            occurred_at=at(200),
        )
        stock.stock_issue(
            reason_code="other",
            organization=organization,
            product=product,
            location=location,
            lot=lot,
            quantity=Decimal("1"),
            occurred_at=at(150),
        )


@pytest.mark.parametrize("slug", REPORT_SLUGS)
@pytest.mark.parametrize("rows", [pytest.param(3, id="3-rows"), pytest.param(30, id="30-rows")])
def test_report_page_query_count_is_constant(
    client, organization, viewer, member_client, django_assert_max_num_queries, slug, rows
):
    _seed_rows(organization, rows)
    member_client(viewer)
    query = {"days": "90"} if slug == "slow-movers" else {}
    with django_assert_max_num_queries(16):
        response = client.get(reverse("reports:report", args=[slug]), query)
    assert len(response.context["table"]) == min(rows * (2 if slug == "movements" else 1), 25)


def test_dashboard_charts_and_kpis(client, stocked_org, manager, member_client):
    member_client(manager)
    response = client.get(reverse("reports:dashboard"))
    overview, charts = response.context["overview"], response.context["charts"]
    assert overview["expiring_lot_count"] == 1
    assert overview["open_purchase_order_count"] == 0
    assert charts["top_movers"]["labels"] == ["BOLT"]
    assert charts["top_movers"]["values"] == ["3"]
    assert sum(charts["movements_per_day"]["values"]) == 4
    page = response.content.decode()
    assert 'id="dashboard-charts"' in page
    assert "js/dashboard.js" in page and "vendor/chartjs/chart.umd.min.js" in page


def test_cached_lot_expiry_rows_translate_per_reader(stocked_org, monkeypatch):
    """The rows are cached once for the organization; each member reads them in their own
    language (a cached English label must not reach a Spanish reader)."""
    from django.utils import translation

    from stockroom.reports.definitions import REPORTS

    report = REPORTS["lot-expiry"]
    organization = stocked_org["organization"]
    with translation.override("en"):
        english = [str(row["state_label"]) for row in report.rows(organization, {})]

    def not_again(*args):
        raise AssertionError("the second reader must get the cached rows")

    monkeypatch.setattr(report, "compute", not_again)
    with translation.override("es"):
        spanish = [str(row["state_label"]) for row in report.rows(organization, {})]
    assert english == ["Expiring soon"]
    to_spanish = {"Expired": "Vencido", "Expiring soon": "Vence pronto", "OK": "Correcto"}
    assert spanish == [to_spanish[label] for label in english]
