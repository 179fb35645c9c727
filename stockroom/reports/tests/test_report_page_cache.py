"""Report pages of cached reports are cached per organization, cache version, day, language,
filters and page number: a warm page does not load the report's rows, a movement shows at once,
and no organization is served another's page."""

from decimal import Decimal

import pytest

from django.urls import reverse

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory import services as stock
from stockroom.inventory.tests.factories import LocationFactory
from stockroom.reports.definitions import REPORTS

pytestmark = pytest.mark.django_db

VALUATION = reverse("reports:report", args=["valuation"])


@pytest.fixture
def rows_loaded(monkeypatch):
    """How many times each report's rows were loaded (cached or not) by the pages."""
    calls = []
    for slug, report in REPORTS.items():
        original = report.rows

        def counting(organization, filters, _original=original, _slug=slug):
            calls.append(_slug)
            return _original(organization, filters)

        monkeypatch.setattr(report, "rows", counting)
    return calls


def _table(response) -> dict[str, tuple[Decimal, Decimal]]:
    return {row["sku"]: (row["quantity"], row["value"]) for row in response.context["table"]}


def test_a_warm_page_does_not_load_the_rows(
    client, viewer, member_client, stocked_org, rows_loaded
):
    member_client(viewer)

    first = client.get(VALUATION)
    second = client.get(VALUATION)
    grouped = client.get(VALUATION, {"group_by": "warehouse"})

    assert rows_loaded == ["valuation", "valuation"]  # the first page, then the new filter
    assert _table(second) == _table(first)
    assert (
        second.context["total"] == first.context["total"] == Decimal("31.00")
    )  # 7 × 2.00 + 5 × 1.00 + 4 × 3.00
    assert [row["code"] for row in grouped.context["table"]] == ["NORTH", "SOUTH"]


def test_uncached_reports_load_their_rows_every_time(
    client, viewer, member_client, stocked_org, rows_loaded
):
    member_client(viewer)
    url = reverse("reports:report", args=["movements"])

    client.get(url)
    client.get(url)

    assert rows_loaded == ["movements", "movements"]


def test_the_page_shows_a_movement_right_after_it_is_posted(
    client, clerk, member_client, stocked_org, django_capture_on_commit_callbacks
):
    member_client(clerk)
    before = client.get(VALUATION)
    assert _table(before)["BOLT"] == (Decimal("7"), Decimal("14.00"))

    with django_capture_on_commit_callbacks(execute=True):
        stock.stock_issue(
            reason_code="other",
            organization=stocked_org["organization"],
            product=stocked_org["bolt"],
            location=stocked_org["bin_n"],
            quantity=Decimal("2"),
        )
    after = client.get(VALUATION)

    assert _table(after)["BOLT"] == (Decimal("5"), Decimal("10.00"))
    assert after.context["total"] == Decimal("27.00")
    assert 'id="report-total">' in after.content.decode()


def test_organizations_never_share_a_page(
    client, viewer, member_client, stocked_org, other_organization
):
    other_product = ProductFactory(organization=other_organization, sku="THEIRS")
    stock.stock_receive(
        organization=other_organization,
        product=other_product,
        location=LocationFactory(organization=other_organization),
        quantity=Decimal("1"),
        unit_cost=Decimal("9.00"),
    )
    stranger = MembershipFactory(organization=other_organization, role=Role.VIEWER)

    member_client(viewer)
    ours = client.get(VALUATION)
    client.logout()
    member_client(stranger)
    theirs = client.get(VALUATION)

    assert set(_table(ours)) == {"BOLT", "NUT", "MILK"}
    assert _table(theirs) == {"THEIRS": (Decimal("1"), Decimal("9.00"))}


@pytest.mark.parametrize(
    ("page", "expected_number"),
    [
        pytest.param("2", 2, id="second"),
        pytest.param("junk", 1, id="junk-is-first"),
        pytest.param("99", 2, id="past-the-end-is-last"),
    ],
)
def test_each_page_number_is_its_own_page(
    client, viewer, member_client, organization, page, expected_number
):
    location = LocationFactory(organization=organization)
    for n in range(30):
        product = ProductFactory(organization=organization, sku=f"SKU-{n:02}")
        stock.stock_receive(
            organization=organization,
            product=product,
            location=location,
            quantity=Decimal("1"),
            unit_cost=Decimal("1.00"),
        )
    member_client(viewer)

    first = client.get(VALUATION)
    response = client.get(VALUATION, {"page": page})

    assert response.context["page_obj"].number == expected_number
    assert response.context["row_count"] == first.context["row_count"] == 30
    skus = [row["sku"] for row in response.context["table"]]
    assert skus == (
        [f"SKU-{n:02}" for n in range(25, 30)]
        if expected_number == 2
        else [f"SKU-{n:02}" for n in range(25)]
    )
