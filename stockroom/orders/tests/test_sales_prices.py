"""Sales order lines default to the product's sale price; a draft shows what is available."""

from datetime import date
from decimal import Decimal

from rest_framework.test import APIClient

from django.urls import reverse

from stockroom.api.tests.conftest import access_token_for
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.orders import services
from stockroom.orders.services import LineInput

from .test_views import formset_data

D = Decimal


def test_service_prices_an_empty_price_at_the_sale_price(organization, user, customer, product):
    product.sale_price = D("7.25")
    product.save()
    order = services.sales_order_create(
        organization=organization,
        user=user,
        customer=customer,
        lines=[LineInput(product=product, quantity=D("2"), unit_price=None)],
    )
    assert order.lines.get().unit_price == D("7.25")
    services.sales_order_update(
        order=order,
        customer=customer,
        lines=[LineInput(product=product, quantity=D("2"), unit_price=D("6.00"))],
    )
    assert order.lines.get().unit_price == D("6.00")


def test_form_with_an_empty_price_takes_the_sale_price(member_client, manager, customer, product):
    product.sale_price = D("3.10")
    product.save()
    data = {
        "customer": customer.pk,
        "notes": "",
        **formset_data("lines", [{"product": product.pk, "quantity": "2", "unit_price": ""}]),
    }
    response = member_client(manager).post(reverse("orders:sales_order_create"), data)
    assert response.status_code == 302
    assert customer.sales_orders.get().lines.get().unit_price == D("3.10")


def test_api_line_without_a_price_takes_the_sale_price(owner, customer, product):
    product.sale_price = D("9.99")
    product.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token_for(owner)}")
    response = client.post(
        "/api/v1/sales-orders/",
        {"customer": customer.pk, "lines": [{"product": product.pk, "quantity": "3"}]},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["lines"][0]["unit_price"] == "9.99"
    assert response.json()["total"] == "29.97"


def test_draft_page_shows_each_lines_available_quantity(
    member_client, viewer, organization, user, customer, product, milk, bin_a, bin_b, stock,
    django_assert_max_num_queries,
):  # fmt: skip
    stock(product, bin_a, "5")
    stock(product, bin_b, "2")
    stock(milk, bin_a, "4", lot_number="OLD", expiry_date=date(2000, 1, 1))  # expired: not sold
    stock(milk, bin_a, "1", lot_number="NEW", expiry_date=date(2099, 1, 1))
    bin_b.is_active = False
    bin_b.save()
    others = [ProductFactory(organization=organization) for _ in range(3)]
    lines = [
        LineInput(product=p, quantity=D("1"), unit_price=D("1")) for p in [product, milk, *others]
    ]
    order = services.sales_order_create(
        organization=organization, user=user, customer=customer, lines=lines
    )
    client = member_client(viewer)
    client.get(order.get_absolute_url())
    with django_assert_max_num_queries(12):
        page = client.get(order.get_absolute_url())
    available = {line.product.sku: line.available for line in page.context["order"].lines.all()}
    assert available == {
        "BOLT": D("5"),
        "MILK": D("1"),
        **{p.sku: D("0") for p in others},
    }
    assert 'data-available="BOLT">5 available' in page.content.decode()
