from decimal import Decimal

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stockroom.accounts.models import Organization, Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.catalog.tests.factories import ProductFactory, ProductSupplierFactory
from stockroom.inventory import services as stock
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory
from stockroom.orders.tests.factories import PurchaseOrderFactory
from stockroom.reports.selectors.getting_started import getting_started


def _done(organization) -> set[str]:
    return {step.key for step in getting_started(organization).steps if step.done}


def test_each_step_ticks_itself_off_from_the_data(organization, other_organization, owner):
    # Another organization's data never ticks this one's steps.
    LocationFactory(organization=other_organization)
    ProductSupplierFactory(organization=other_organization)
    assert _done(organization) == set()

    warehouse = WarehouseFactory(organization=organization)
    assert _done(organization) == {"warehouse"}
    LocationFactory(organization=organization, warehouse=warehouse)
    assert _done(organization) == {"warehouse", "locations"}
    product = ProductFactory(organization=organization)
    assert "products" in _done(organization)
    ProductSupplierFactory(organization=organization, product=product)
    assert "supplier_links" in _done(organization)
    PurchaseOrderFactory(organization=organization)
    assert "purchase_order" in _done(organization)
    assert not getting_started(organization).complete

    MembershipFactory(organization=organization, role=Role.CLERK)
    checklist = getting_started(organization)
    assert checklist.complete and not checklist.visible
    assert checklist.done_count == 6


def test_the_checklist_costs_one_query_however_much_data(organization):
    for _ in range(3):
        ProductSupplierFactory(organization=organization)
        LocationFactory(organization=organization)
    with CaptureQueriesContext(connection) as queries:
        checklist = getting_started(organization)
    assert len(queries) == 1
    assert checklist.done_count == 4


def _receive_one(organization) -> None:
    """The organization's first movement: one unit of a new product into a new location."""
    stock.stock_receive(
        organization=organization,
        product=ProductFactory(organization=organization),
        location=LocationFactory(organization=organization),
        quantity=Decimal("1"),
        unit_cost=Decimal("1"),
    )


def test_a_movement_makes_the_charts_appear(organization):
    assert getting_started(organization).has_movements is False
    _receive_one(organization)
    assert getting_started(organization).has_movements is True


def test_a_new_organization_sees_the_checklist_and_no_empty_charts(client, owner, member_client):
    member_client(owner)
    response = client.get(reverse("reports:dashboard"))
    html = response.content.decode()
    assert 'id="getting-started"' in html
    assert f'href="{reverse("inventory:warehouse_create")}"' in html
    assert f'href="{reverse("imports:import_create")}?kind=products"' in html
    assert 'id="chart-stock-value"' not in html
    assert 'id="charts-placeholder"' in html
    assert reverse("reports:getting_started_dismiss") in html


def test_a_viewer_sees_the_steps_without_links_or_the_hide_button(client, viewer, member_client):
    member_client(viewer)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert 'id="getting-started"' in html
    assert reverse("inventory:warehouse_create") not in html
    assert reverse("imports:import_create") not in html
    assert reverse("reports:getting_started_dismiss") not in html


def test_the_charts_show_once_stock_has_moved(client, owner, member_client):
    organization = owner.organization
    _receive_one(organization)
    member_client(owner)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert 'id="chart-stock-value"' in html
    assert 'id="charts-placeholder"' not in html


def test_an_owner_hides_the_checklist_for_the_organization(client, owner, member_client):
    member_client(owner)
    response = client.post(reverse("reports:getting_started_dismiss"))
    assert response.status_code == 302
    assert Organization.objects.get(pk=owner.organization_id).getting_started_dismissed_at
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert 'id="getting-started"' not in html


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CLERK, Role.VIEWER])
def test_only_an_owner_may_hide_the_checklist(client, organization, member_client, role):
    member_client(MembershipFactory(organization=organization, role=role))
    response = client.post(reverse("reports:getting_started_dismiss"))
    assert response.status_code == 403
    assert Organization.objects.get(pk=organization.pk).getting_started_dismissed_at is None


def test_the_checklist_is_gone_once_every_step_is_done(client, owner, member_client):
    organization = owner.organization
    ProductSupplierFactory(organization=organization)
    LocationFactory(organization=organization)
    PurchaseOrderFactory(organization=organization)
    MembershipFactory(organization=organization, role=Role.VIEWER)
    member_client(owner)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert 'id="getting-started"' not in html


def test_the_checklist_speaks_spanish(client, owner, member_client):
    owner.user.language = "es"
    owner.user.save(update_fields=["language"])
    member_client(owner)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert "Primeros pasos" in html
    assert "Añada un almacén" in html
    assert "0 de 6 hechos" in html
