"""The notification pages refuse ids no notification can have, without a 500."""

import pytest

from django.urls import reverse

from stockroom.alerts.models import Notification
from stockroom.alerts.services import notify_low_stock
from stockroom.catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "ids",
    [["²"], ["١"], [str(2**63)], ["0"], ["1", "x"]],
    ids=["superscript", "arabic-indic", "past-64-bits", "zero", "one-bad-of-two"],
)
def test_marking_read_with_an_id_no_notification_can_have_is_a_400(
    ids, organization, owner, member_client
):
    product = ProductFactory(organization=organization, reorder_point=5)
    notify_low_stock(organization_id=organization.pk, product_id=product.pk)
    client = member_client(owner)

    response = client.post(reverse("alerts:mark_read"), {"id": ids})

    assert response.status_code == 400
    assert Notification.unscoped.filter(read_at__isnull=False).count() == 0


def test_marking_one_read_by_id(organization, owner, member_client):
    product = ProductFactory(organization=organization, reorder_point=5)
    notify_low_stock(organization_id=organization.pk, product_id=product.pk)
    notification = Notification.unscoped.get(recipient=owner.user)
    client = member_client(owner)

    response = client.post(reverse("alerts:mark_read"), {"id": [str(notification.pk)]})

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
