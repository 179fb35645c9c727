from decimal import Decimal

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stockroom.accounts.tests.factories import MembershipFactory, UserFactory
from stockroom.catalog.models import Product
from stockroom.catalog.tests.factories import (
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    ProductSupplierFactory,
)
from stockroom.inventory import services
from stockroom.inventory.models import StockMovement
from stockroom.inventory.tests.factories import LocationFactory, LotFactory

CHANGELISTS = [
    "inventory_warehouse",
    "inventory_location",
    "inventory_lot",
    "inventory_stocklevel",
    "inventory_stockmovement",
    "catalog_category",
    "catalog_product",
    "catalog_supplier",
    "catalog_customer",
    "catalog_productsupplier",
]


@pytest.fixture
def admin_client_(member_client, organization):
    """A superuser working in `organization`: the admin shows them only its data, as anyone."""
    superuser = UserFactory(is_staff=True, is_superuser=True)
    return member_client(MembershipFactory(organization=organization, user=superuser, role="owner"))


def make_rows(organization, count: int) -> None:
    """`count` rows of every admin model, with their foreign keys filled."""
    category = CategoryFactory(organization=organization, name=f"Root {count}")
    for n in range(count):
        location = LocationFactory(organization=organization)
        LocationFactory(organization=organization, warehouse=location.warehouse, parent=location)
        product = ProductFactory(organization=organization, category=category)
        ProductSupplierFactory(organization=organization, product=product, is_preferred=True)
        CustomerFactory(organization=organization)
        lot = LotFactory(organization=organization)
        services.stock_receive(
            organization=organization,
            product=product,
            location=location,
            quantity=Decimal(n + 1),
            user=UserFactory(),
            reference=f"PO-{n}",
        )
        services.stock_receive(
            organization=organization,
            product=lot.product,
            location=location,
            quantity=Decimal("2"),
            lot_number=lot.lot_number,
        )


def changelist_queries(client, name: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", CHANGELISTS)
def test_changelist_query_count_does_not_grow_with_rows(admin_client_, organization, name):
    make_rows(organization, 3)
    few = changelist_queries(admin_client_, name)

    make_rows(organization, 10)
    many = changelist_queries(admin_client_, name)

    assert many == few


@pytest.mark.parametrize(
    "name",
    ["inventory_warehouse", "inventory_location", "catalog_product", "catalog_supplier"],
)
def test_search_and_filters_work(admin_client_, organization, name):
    make_rows(organization, 2)

    response = admin_client_.get(reverse(f"admin:{name}_changelist"), {"q": "1"})

    assert response.status_code == 200


def test_movement_admin_refuses_add_change_and_delete(admin_client_, organization):
    make_rows(organization, 1)
    movement = StockMovement.unscoped.get(reference="PO-0")

    assert admin_client_.get(reverse("admin:inventory_stockmovement_add")).status_code == 403
    change_url = reverse("admin:inventory_stockmovement_change", args=[movement.pk])
    assert admin_client_.post(change_url, {"quantity": "99"}).status_code == 403
    delete_url = reverse("admin:inventory_stockmovement_delete", args=[movement.pk])
    assert admin_client_.post(delete_url, {"post": "yes"}).status_code == 403
    assert StockMovement.unscoped.get(pk=movement.pk).quantity == Decimal("1")


def test_stock_level_admin_is_read_only(admin_client_, organization):
    make_rows(organization, 1)

    assert admin_client_.get(reverse("admin:inventory_stocklevel_add")).status_code == 403


def test_deactivate_products_action_goes_through_the_service(
    admin_client_, organization, other_organization
):
    ours = ProductFactory(organization=organization)
    theirs = ProductFactory(organization=other_organization)

    response = admin_client_.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "deactivate_products", "_selected_action": [ours.pk, theirs.pk]},
    )

    assert response.status_code == 302
    # The other organization's id in the selection is ignored, even for a superuser.
    assert list(Product.unscoped.filter(is_active=True)) == [theirs]


def test_manager_sees_only_their_organizations_warehouses(
    member_client, manager, other_organization
):
    manager.user.is_staff = True
    manager.user.save()
    client = member_client(manager)
    LocationFactory(organization=manager.organization, warehouse__code="MINE")
    LocationFactory(organization=other_organization, warehouse__code="THEIRS")

    response = client.get(reverse("admin:inventory_warehouse_changelist"))

    assert response.status_code == 200
    assert b"MINE" in response.content
    assert b"THEIRS" not in response.content


def test_product_change_page_shows_stock_totals_and_saving_keeps_them(admin_client_, organization):
    product = ProductFactory(organization=organization, sku="ADM-1", name="Before")
    url = reverse("admin:catalog_product_change", args=[product.pk])
    page = admin_client_.get(url)
    data = {
        "sku": "ADM-1",
        "name": "After",
        "unit": product.unit,
        "cost_price": "2",
        "sale_price": "3",
        "reorder_point": "0",
        "reorder_quantity": "0",
        "is_active": "on",
        "supplier_links-TOTAL_FORMS": "0",
        "supplier_links-INITIAL_FORMS": "0",
    }
    # Stock arrives between loading the form and saving it.
    services.stock_receive(
        organization=organization,
        product=product,
        location=LocationFactory(organization=organization),
        quantity=Decimal(6),
        unit_cost=Decimal("1.5"),
    )

    response = admin_client_.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    stored = Product.unscoped.get(pk=product.pk)
    assert (stored.name, stored.stock_on_hand, stored.average_cost) == (
        "After",
        Decimal(6),
        Decimal("1.5000"),
    )
    fields = page.context["adminform"].readonly_fields
    assert {"stock_on_hand", "stock_reserved", "average_cost"} <= set(fields)
