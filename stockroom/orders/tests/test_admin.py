from decimal import Decimal

import pytest

from django.urls import reverse

from stockroom.accounts.tests.factories import MembershipFactory, UserFactory
from stockroom.orders import services
from stockroom.orders.models import PurchaseOrder, PurchaseOrderStatus
from stockroom.orders.services import LineInput

from .conftest import sales_order

D = Decimal


@pytest.fixture
def staff_client(client, manager, member_client):
    manager.user.is_staff = True
    manager.user.save()
    return member_client(manager)


@pytest.fixture
def orders(organization, user, supplier, product):
    line = [LineInput(product=product, quantity=D("2"), unit_price=D("1.5000"))]
    draft = services.purchase_order_create(
        organization=organization, user=user, supplier=supplier, lines=line
    )
    received = services.purchase_order_create(
        organization=organization, user=user, supplier=supplier, lines=line
    )
    return draft, received


def test_changelist_filters_and_change_view(staff_client, orders):
    url = reverse("admin:orders_purchaseorder_changelist")
    response = staff_client.get(url, {"status__exact": "draft"})
    assert response.status_code == 200
    assert [o.number for o in response.context["cl"].result_list] == ["PO-00002", "PO-00001"]
    change = staff_client.get(reverse("admin:orders_purchaseorder_change", args=[orders[0].pk]))
    assert change.status_code == 200
    assert "BOLT" in change.content.decode()


@pytest.mark.parametrize(
    ("received", "action", "messages", "statuses", "by_field"),
    [
        pytest.param(
            "2",
            "cancel_selected",
            ["1 cancelled.", "PO-00002: A purchase order received in full cannot be cancelled."],
            (PurchaseOrderStatus.CANCELLED, PurchaseOrderStatus.RECEIVED),
            "cancelled_by",
            id="cancel",
        ),
        pytest.param(
            "1",
            "close_selected",
            [
                "1 closed short.",
                "PO-00001: Only a partially received purchase order can be closed short",
            ],
            (PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.CLOSED),
            "closed_by",
            id="close",
        ),
    ],
)
def test_order_actions_go_through_the_service(
    staff_client, orders, user, bin_a, received, action, messages, statuses, by_field
):
    """The action runs on a draft and an order `received` in part or full: the service takes
    the one it allows, refuses the other with its message, and records who acted."""
    draft, order = orders
    services.purchase_order_send(order=order, user=user)
    services.purchase_order_receive(
        order=order,
        user=user,
        location=bin_a,
        receipts=[services.ReceiptInput(line=order.lines.get(), quantity=D(received))],
    )
    response = staff_client.post(
        reverse("admin:orders_purchaseorder_changelist"),
        {"action": action, "_selected_action": [draft.pk, order.pk]},
        follow=True,
    )
    body = response.content.decode()
    for message in messages:
        assert message in body
    after = [PurchaseOrder.objects.get(pk=pk) for pk in (draft.pk, order.pk)]
    assert tuple(o.status for o in after) == statuses
    [acted_on] = [o for o in after if getattr(o, by_field) is not None]
    assert getattr(acted_on, by_field) == staff_client_user(response)


def staff_client_user(response):
    return response.wsgi_request.user


def test_export_csv(staff_client, orders):
    response = staff_client.post(
        reverse("admin:orders_purchaseorder_changelist"),
        {"action": "export_as_csv", "_selected_action": [orders[0].pk]},
    )
    lines = response.content.decode().splitlines()
    assert lines[0] == "number,supplier,status,expected_date,sent_at,created_at"
    assert lines[1].startswith("PO-00001,Acme,draft,,,")


def test_viewer_staff_cannot_cancel(client, organization, member_client, orders):
    viewer = MembershipFactory(
        organization=organization, role="viewer", user=UserFactory(is_staff=True)
    )
    client = member_client(viewer)
    response = client.post(
        reverse("admin:orders_purchaseorder_changelist"),
        {"action": "cancel_selected", "_selected_action": [orders[0].pk]},
    )
    assert response.status_code == 302  # the action is not offered: nothing happens
    assert PurchaseOrder.objects.get(pk=orders[0].pk).status == PurchaseOrderStatus.DRAFT


def test_shipment_admin_lists_and_shows_read_only(
    staff_client, organization, user, customer, product, bin_a, stock
):
    stock(product, bin_a, "3")
    order = sales_order(organization, user, customer, [(product, "3")], unit_price="1.00")
    services.sales_order_confirm(order=order, user=user)
    shipment = services.sales_order_ship(order=order, user=user, carrier="DHL")
    listing = staff_client.get(reverse("admin:orders_shipment_changelist"))
    assert [s.number for s in listing.context["cl"].result_list] == ["SHP-00001"]
    change = staff_client.get(reverse("admin:orders_shipment_change", args=[shipment.pk]))
    assert change.status_code == 200
    assert "DHL" in change.content.decode()
    assert not change.context["has_change_permission"]
    add = staff_client.get(reverse("admin:orders_shipment_add"))
    assert add.status_code == 403
