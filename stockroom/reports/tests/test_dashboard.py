from decimal import Decimal

import pytest

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stockroom.catalog.tests.factories import CustomerFactory, ProductFactory, SupplierFactory
from stockroom.core.cache import organization_cache_version
from stockroom.inventory import services as stock
from stockroom.inventory.tests.factories import LocationFactory, receive
from stockroom.orders import services as orders

D4 = Decimal("4.00")


@pytest.fixture
def stocked(organization):
    product = ProductFactory(organization=organization, reorder_point=Decimal("0"))
    location = LocationFactory(organization=organization)
    receive(product, location, 10, "2.50")
    return product, location


def test_dashboard_shows_the_new_value_right_after_a_movement(
    client, clerk, member_client, stocked, django_capture_on_commit_callbacks
):
    product, location = stocked
    member_client(clerk)
    first = client.get(reverse("reports:dashboard"))
    assert first.context["overview"]["stock_value"] == Decimal("25.00")
    with django_capture_on_commit_callbacks(execute=True):
        stock.stock_issue(
            reason_code="other",
            organization=clerk.organization,
            product=product,
            location=location,
            quantity=Decimal("4"),
        )
    second = client.get(reverse("reports:dashboard"))
    assert second.context["overview"]["stock_value"] == Decimal("15.00")
    assert second.context["movements"][0].quantity == Decimal("4")


def test_cached_overview_saves_queries(client, clerk, member_client, stocked):
    member_client(clerk)
    with CaptureQueriesContext(connection) as cold:
        client.get(reverse("reports:dashboard"))
    with CaptureQueriesContext(connection) as warm:
        client.get(reverse("reports:dashboard"))
    assert len(warm) < len(cold)


def test_dashboard_query_count_is_constant(
    client, clerk, member_client, django_assert_max_num_queries
):
    organization = clerk.organization
    location = LocationFactory(organization=organization)
    for _ in range(12):
        product = ProductFactory(organization=organization)
        stock.stock_receive(
            organization=organization,
            product=product,
            location=location,
            quantity=Decimal("1"),
            unit_cost=Decimal("1"),
        )
    member_client(clerk)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("reports:dashboard"))
    assert len(response.context["movements"]) == 10


def test_live_fragment_for_htmx(client, clerk, member_client, stocked):
    member_client(clerk)
    response = client.get(
        reverse("reports:dashboard") + "?fragment=kpis", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="kpis"' in response.content


def _overview(client) -> dict:
    return client.get(reverse("reports:dashboard")).context["overview"]


def test_open_sales_order_count_follows_create_confirm_and_cancel(
    client, manager, member_client, stocked, django_capture_on_commit_callbacks
):
    product, _location = stocked
    product.reorder_point = Decimal("5")
    product.save(update_fields=["reorder_point"])
    organization = manager.organization
    member_client(manager)
    overview = _overview(client)
    assert (overview["open_sales_order_count"], overview["low_stock_count"]) == (0, 0)

    with django_capture_on_commit_callbacks(execute=True):
        order = orders.sales_order_create(
            organization=organization,
            user=manager.user,
            customer=CustomerFactory(organization=organization),
            lines=[orders.LineInput(product=product, quantity=Decimal("6"), unit_price=D4)],
        )
    assert _overview(client)["open_sales_order_count"] == 1

    # Confirming reserves 6 of the 10 on hand: 4 available is below the reorder point of 5.
    with django_capture_on_commit_callbacks(execute=True):
        orders.sales_order_confirm(order=order, user=manager.user)
    overview = _overview(client)
    assert (overview["open_sales_order_count"], overview["low_stock_count"]) == (1, 1)

    with django_capture_on_commit_callbacks(execute=True):
        orders.sales_order_cancel(order=order, user=manager.user)
    overview = _overview(client)
    assert (overview["open_sales_order_count"], overview["low_stock_count"]) == (0, 0)


def test_open_purchase_order_count_follows_create_and_cancel(
    client, manager, member_client, stocked, django_capture_on_commit_callbacks
):
    product, _location = stocked
    organization = manager.organization
    member_client(manager)
    assert _overview(client)["open_purchase_order_count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        order = orders.purchase_order_create(
            organization=organization,
            user=manager.user,
            supplier=SupplierFactory(organization=organization),
            lines=[orders.LineInput(product=product, quantity=Decimal("3"), unit_price=D4)],
        )
    assert _overview(client)["open_purchase_order_count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        orders.purchase_order_cancel(order=order, user=manager.user)
    assert _overview(client)["open_purchase_order_count"] == 0


def test_an_order_edit_that_keeps_its_state_keeps_the_cache(
    manager, stocked, django_capture_on_commit_callbacks
):
    product, _location = stocked
    organization = manager.organization
    with django_capture_on_commit_callbacks(execute=True):
        order = orders.sales_order_create(
            organization=organization,
            user=manager.user,
            customer=CustomerFactory(organization=organization),
            lines=[orders.LineInput(product=product, quantity=Decimal("1"), unit_price=D4)],
        )
    version = organization_cache_version(organization.pk)
    with django_capture_on_commit_callbacks(execute=True):
        orders.sales_order_update(
            order=order,
            customer=order.customer,
            lines=[orders.LineInput(product=product, quantity=Decimal("2"), unit_price=D4)],
            notes="two",
        )
    assert organization_cache_version(organization.pk) == version


def test_an_order_change_rolled_back_does_not_touch_the_cache(
    manager, stocked, django_capture_on_commit_callbacks
):
    product, _location = stocked
    organization = manager.organization
    version = organization_cache_version(organization.pk)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        orders.sales_order_create(
            organization=organization,
            user=manager.user,
            customer=CustomerFactory(organization=organization),
            lines=[orders.LineInput(product=product, quantity=Decimal("1"), unit_price=D4)],
        )
        raise RuntimeError("roll back")
    assert organization_cache_version(organization.pk) == version
