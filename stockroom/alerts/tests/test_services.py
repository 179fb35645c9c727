from datetime import date, timedelta
from decimal import Decimal

import pytest

from django.conf import settings
from django.core import mail
from django.urls import reverse

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.alerts import services
from stockroom.alerts.models import Notification, NotificationKind
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory import services as stock
from stockroom.inventory.tests.factories import LocationFactory, receive

TODAY = date(2026, 11, 22)


@pytest.fixture
def team(organization):
    """An owner, a manager (alert recipients), and a clerk and a viewer (not recipients)."""
    return {
        role: MembershipFactory(organization=organization, role=role)
        for role in (Role.OWNER, Role.MANAGER, Role.CLERK, Role.VIEWER)
    }


@pytest.fixture
def low_product(organization):
    product = ProductFactory(organization=organization, reorder_point=Decimal("10"))
    location = LocationFactory(organization=organization)
    receive(product, location, 4)
    return product


def test_low_stock_notifies_owners_and_managers_once_a_day(
    organization, team, low_product, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify_low_stock(
            organization_id=organization.pk, product_id=low_product.pk, today=TODAY
        )
    recipients = {n.recipient for n in created}
    assert recipients == {team[Role.OWNER].user, team[Role.MANAGER].user}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in recipients)
    assert all(n.emailed_at is not None for n in Notification.objects.all())
    with django_capture_on_commit_callbacks(execute=True):
        again = services.notify_low_stock(
            organization_id=organization.pk, product_id=low_product.pk, today=TODAY
        )
    assert again == []
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        next_day = services.notify_low_stock(
            organization_id=organization.pk,
            product_id=low_product.pk,
            today=TODAY + timedelta(days=1),
        )
    assert len(next_day) == 2


def test_restocked_product_raises_nothing(organization, team, low_product):
    location = low_product.stock_levels.get().location
    stock.stock_receive(
        organization=organization,
        product=low_product,
        location=location,
        quantity=Decimal("20"),
        unit_cost=Decimal("1"),
    )
    assert (
        services.notify_low_stock(organization_id=organization.pk, product_id=low_product.pk) == []
    )


def test_foreign_product_id_raises_nothing(organization, other_organization, team, low_product):
    assert (
        services.notify_low_stock(organization_id=other_organization.pk, product_id=low_product.pk)
        == []
    )


def test_issuing_below_the_reorder_point_alerts_through_the_task(
    organization, team, django_capture_on_commit_callbacks
):
    """The whole chain: service → low_stock signal after commit → task (eager) → email."""
    product = ProductFactory(organization=organization, reorder_point=Decimal("5"))
    location = LocationFactory(organization=organization)
    with django_capture_on_commit_callbacks(execute=True):
        stock.stock_receive(
            organization=organization,
            product=product,
            location=location,
            quantity=Decimal("8"),
            unit_cost=Decimal("1"),
        )
    assert Notification.objects.count() == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        stock.stock_issue(
            reason_code="other",
            organization=organization,
            product=product,
            location=location,
            quantity=Decimal("3"),
        )
    assert Notification.objects.filter(kind=NotificationKind.LOW_STOCK).count() == 2
    assert len(mail.outbox) == 2
    assert product.sku in mail.outbox[0].subject
    # A mail client opens no relative link: the product's page on the configured site.
    assert f"{settings.SITE_URL}/catalog/products/{product.pk}/" in mail.outbox[0].body


def test_expiring_lots_alert_once_per_lot(organization, team, django_capture_on_commit_callbacks):
    product = ProductFactory(organization=organization, is_lot_tracked=True)
    location = LocationFactory(organization=organization)
    for number, expiry in (
        ("SOON", TODAY + timedelta(days=10)),
        ("LATER", TODAY + timedelta(days=90)),
    ):
        stock.stock_receive(
            organization=organization,
            product=product,
            location=location,
            quantity=Decimal("2"),
            unit_cost=Decimal("1"),
            lot_number=number,
            expiry_date=expiry,
        )
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify_expiring_lots(organization_id=organization.pk, today=TODAY)
    assert len(created) == 2  # one lot, two recipients
    assert all("SOON" in n.title for n in created)
    assert services.notify_expiring_lots(organization_id=organization.pk, today=TODAY) == []


def test_daily_digest_is_sent_once_per_day(
    organization, team, low_product, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        created = services.send_daily_digest(organization_id=organization.pk, today=TODAY)
    assert len(created) == 2
    body = mail.outbox[0].body
    assert "Stock value: 4.00 USD" in body
    assert f"{low_product.sku}" in body
    assert services.send_daily_digest(organization_id=organization.pk, today=TODAY) == []


def test_mark_read_only_touches_the_users_own(
    organization, team, low_product, client, member_client
):
    services.notify_low_stock(organization_id=organization.pk, product_id=low_product.pk)
    owner = team[Role.OWNER]
    client = member_client(owner)
    page = client.get(reverse("alerts:notification_list"))
    assert page.status_code == 200
    assert page.context["unread_notification_count"] == 1
    client.post(reverse("alerts:mark_read"))
    assert Notification.objects.filter(recipient=owner.user, read_at__isnull=True).count() == 0
    assert (
        Notification.objects.filter(recipient=team[Role.MANAGER].user, read_at__isnull=True).count()
        == 1
    )
