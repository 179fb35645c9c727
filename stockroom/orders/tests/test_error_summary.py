"""Order forms: the error summary names the order's fields and each line's, by row."""

from django.urls import reverse

from stockroom.core.tests.test_error_summary import summary_of
from stockroom.orders.models import PurchaseOrder, SalesOrder

from .test_views import formset_data


def test_purchase_order_summary_names_rows_and_links_line_fields(member_client, manager, product):
    data = {
        "supplier": "",
        **formset_data(
            "lines",
            [
                {"product": product.pk, "quantity": "2", "unit_price": "1"},
                {"product": product.pk, "quantity": "lots", "unit_price": "1"},
            ],
        ),
    }
    response = member_client(manager).post(reverse("orders:purchase_order_create"), data)
    assert response.status_code == 200
    summary = summary_of(response.content.decode())
    assert 'href="#id_supplier">Supplier: This field is required.</a>' in summary
    assert 'href="#id_lines-1-quantity">Line 2, Quantity: Enter a number.</a>' in summary
    assert PurchaseOrder.objects.count() == 0


def test_duplicate_line_error_names_the_row_and_links_its_product(
    member_client, manager, customer, product
):
    row = {"product": product.pk, "quantity": "1", "unit_price": "1"}
    data = {"customer": customer.pk, **formset_data("lines", [row, row])}
    response = member_client(manager).post(reverse("orders:sales_order_create"), data)
    assert response.status_code == 200
    summary = summary_of(response.content.decode())
    assert (
        'href="#id_lines-1-product_search">'
        "Line 2, Product: Each product may appear only once on an order.</a>"
    ) in summary
    assert SalesOrder.objects.count() == 0


def test_add_line_container_asks_for_focus_on_the_new_row(member_client, manager):
    body = member_client(manager).get(reverse("orders:purchase_order_create")).content.decode()
    assert '<tbody id="lines-body" data-focus-added>' in body


def test_a_negative_line_quantity_is_said_in_words_not_by_constraint_name(
    member_client, manager, supplier, product
):
    row = {"product": product.pk, "quantity": "-3", "unit_price": "1"}
    data = {"supplier": supplier.pk, **formset_data("lines", [row])}
    response = member_client(manager).post(reverse("orders:purchase_order_create"), data)
    assert response.status_code == 200
    summary = summary_of(response.content.decode())
    assert (
        'href="#id_lines-0-quantity">Line 1, Quantity: The quantity must be greater than zero.</a>'
    ) in summary
    assert "Constraint" not in response.content.decode()
    assert PurchaseOrder.objects.count() == 0


def test_reorder_with_nothing_to_order_shows_the_error_summary(member_client, manager):
    # The same refusal shape as every other form (and what the browser suite's form inventory
    # reads as a refusal), not a page-specific alert.
    response = member_client(manager).post(reverse("orders:reorder"))
    assert response.status_code == 200
    summary = summary_of(response.content.decode())
    assert "Nothing to order: no low-stock product with a preferred supplier is waiting." in summary
    assert PurchaseOrder.objects.count() == 0
