"""The Ship page, the order page's Shipments section and the packing slip."""

from decimal import Decimal

import pytest

from django.urls import reverse

from stockroom.accounts.tests.factories import MembershipFactory, OrganizationFactory
from stockroom.orders import services
from stockroom.orders.models import SalesOrder, SalesOrderStatus, Shipment
from stockroom.orders.tests.invariants import reservation_gaps

from .conftest import level, sales_order
from .test_views import formset_data

D = Decimal
pytestmark = pytest.mark.usefixtures("ledger_consistent")


@pytest.fixture
def order(organization, user, customer, product, flour, bin_a, stock):
    """Confirmed: 6 BOLT reserved of 6, 1 FLOUR reserved of 3 (2 backordered)."""
    stock(product, bin_a, "6")
    stock(flour, bin_a, "1")
    lines = [(product, "6"), (flour, "3")]
    order = sales_order(organization, user, customer, lines, unit_price="1.00")
    services.sales_order_confirm(order=order, user=user, allow_backorder=True)
    return order


def rows(order, **quantities):
    lines = order.lines.select_related("product").order_by("pk")
    return formset_data(
        "lines",
        [{"line_id": line.pk, "quantity": quantities[line.product.sku]} for line in lines],
    )


def test_ship_page_is_prefilled_with_what_is_reserved(member_client, clerk, order):
    page = member_client(clerk).get(reverse("orders:sales_order_shipment_create", args=[order.pk]))
    assert page.status_code == 200
    initial = [(f["line_id"].value(), f["quantity"].value()) for f, _l, _r in page.context["rows"]]
    bolt, flour = order.lines.order_by("pk")
    assert initial == [(bolt.pk, D("6")), (flour.pk, D("1"))]


def test_ship_page_ships_the_entered_quantities(
    member_client, clerk, order, organization, product, bin_a
):
    url = reverse("orders:sales_order_shipment_create", args=[order.pk])
    data = {"carrier": "UPS", "tracking_number": "1Z999", **rows(order, BOLT="4", FLOUR="0")}
    response = member_client(clerk).post(url, data)
    assert response.status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.number, shipment.carrier, shipment.tracking_number) == (
        "SHP-00001",
        "UPS",
        "1Z999",
    )
    assert [(sl.line.product.sku, sl.quantity) for sl in shipment.lines.all()] == [("BOLT", D("4"))]
    assert SalesOrder.objects.get(pk=order.pk).status == SalesOrderStatus.PARTIALLY_SHIPPED
    assert (level(product, bin_a).on_hand, level(product, bin_a).reserved) == (D("2"), D("2"))
    assert reservation_gaps(organization=organization) == []
    detail = member_client(clerk).get(order.get_absolute_url()).content.decode()
    assert f'id="shipment-{shipment.pk}"' in detail
    assert reverse("orders:shipment_packing_slip", args=[shipment.pk]) in detail


def test_ship_page_refusal_names_the_row(member_client, clerk, order):
    url = reverse("orders:sales_order_shipment_create", args=[order.pk])
    response = member_client(clerk).post(url, rows(order, BOLT="1", FLOUR="2"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "FLOUR: Only 1 of FLOUR is reserved and not yet shipped; ship at most that." in body
    flour_row = response.context["rows"][1][0]
    assert flour_row.errors["quantity"] == [
        "Only 1 of FLOUR is reserved and not yet shipped; ship at most that."
    ]
    assert Shipment.objects.count() == 0


def test_ship_page_of_a_draft_goes_back_to_the_order(member_client, clerk, draft_so):
    url = reverse("orders:sales_order_shipment_create", args=[draft_so.pk])
    response = member_client(clerk).get(url)
    assert (response.status_code, response.url) == (302, draft_so.get_absolute_url())


def test_packing_slip_is_a_pdf_of_this_organization_only(member_client, viewer, order, user):
    shipment = services.sales_order_ship(order=order, user=user, tracking_number="T-1")
    url = reverse("orders:shipment_packing_slip", args=[shipment.pk])
    response = member_client(viewer).get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response.content.startswith(b"%PDF")
    stranger = MembershipFactory(organization=OrganizationFactory())
    assert member_client(stranger).get(url).status_code == 404


def test_order_page_with_shipments_query_count(
    member_client, viewer, order, user, django_assert_max_num_queries
):
    bolt, _flour = order.lines.order_by("pk")
    services.sales_order_ship(order=order, user=user, lines=[(bolt, D("1"))])
    services.sales_order_ship(order=order, user=user)
    client = member_client(viewer)
    client.get(order.get_absolute_url())  # warm the session and membership caches
    with django_assert_max_num_queries(16):
        page = client.get(order.get_absolute_url())
    assert page.content.decode().count('id="shipment-') == 2
