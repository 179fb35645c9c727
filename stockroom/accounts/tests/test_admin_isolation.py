"""The admin attacks of issue 14, one by one: a staff owner of A against organization B."""

import pytest

from django.urls import reverse

from stockroom.accounts.models import Membership
from stockroom.accounts.roles import Role
from stockroom.accounts.tests.admin_world import tenant_with_everything
from stockroom.accounts.tests.factories import MembershipFactory, UserFactory
from stockroom.catalog.models import Customer, Product
from stockroom.catalog.tests.factories import PRODUCT_FORM_DATA
from stockroom.inventory.models import Location, Warehouse
from stockroom.orders.models import PurchaseOrder, PurchaseOrderStatus

PRODUCT_FORM = {
    "sku": "PLANTED-1",
    "name": "Planted",
    **PRODUCT_FORM_DATA,
    "supplier_links-TOTAL_FORMS": "0",
    "supplier_links-INITIAL_FORMS": "0",
}


@pytest.fixture
def alfa(db) -> Membership:
    return tenant_with_everything("ALFA")


@pytest.fixture
def zulu(db) -> Membership:
    return tenant_with_everything("ZULU")


@pytest.fixture
def superuser_of_alfa(alfa) -> Membership:
    user = UserFactory(is_staff=True, is_superuser=True)
    return MembershipFactory(organization=alfa.organization, user=user, role=Role.OWNER)


@pytest.fixture(params=["staff_owner", "superuser"])
def alfa_admin(request, alfa, member_client):
    """A's staff owner, and a superuser working in A: neither may write into B."""
    membership = (
        alfa if request.param == "staff_owner" else request.getfixturevalue("superuser_of_alfa")
    )
    return member_client(membership)


def test_add_form_has_no_organization_field(alfa_admin):
    response = alfa_admin.get(reverse("admin:catalog_customer_add"))

    assert response.status_code == 200
    assert "organization" not in response.context["adminform"].form.fields
    assert b"ZULU" not in response.content


def test_posting_another_organization_plants_nothing_there(alfa_admin, alfa, zulu):
    customer = alfa_admin.post(
        reverse("admin:catalog_customer_add"),
        {"name": "Planted", "is_active": "on", "organization": zulu.organization_id},
    )
    product = alfa_admin.post(
        reverse("admin:catalog_product_add"),
        {**PRODUCT_FORM, "organization": zulu.organization_id},
    )

    assert (customer.status_code, product.status_code) == (302, 302)
    assert Customer.unscoped.get(name="Planted").organization_id == alfa.organization_id
    assert Product.unscoped.get(sku="PLANTED-1").organization_id == alfa.organization_id


def test_a_changed_customer_stays_in_its_organization(alfa_admin, alfa, zulu):
    ours = Customer.unscoped.get(name="ALFA bistro")

    response = alfa_admin.post(
        reverse("admin:catalog_customer_change", args=[ours.pk]),
        {"name": "ALFA renamed", "is_active": "on", "organization": zulu.organization_id},
    )

    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.name, ours.organization_id) == ("ALFA renamed", alfa.organization_id)


def test_another_organizations_customer_cannot_be_renamed_through_its_history(alfa_admin, zulu):
    theirs = Customer.unscoped.get(name="ZULU bistro")
    version = theirs.history.latest()

    response = alfa_admin.post(
        reverse("admin:catalog_customer_simple_history", args=[theirs.pk, version.history_id]),
        {"name": "Renamed by A", "is_active": "on"},
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "ZULU bistro"


@pytest.mark.parametrize("page", ["history", "history_form"])
def test_another_organizations_history_is_not_found(alfa_admin, zulu, page):
    theirs = Customer.unscoped.get(name="ZULU bistro")
    if page == "history":
        url = reverse("admin:catalog_customer_history", args=[theirs.pk])
    else:
        version = theirs.history.latest()
        url = reverse("admin:catalog_customer_simple_history", args=[theirs.pk, version.history_id])

    response = alfa_admin.get(url)

    assert response.status_code == 404
    assert b"ZULU" not in response.content


def test_a_cancelled_purchase_order_cannot_be_reverted_to_sent(alfa_admin, alfa):
    order = PurchaseOrder.unscoped.get(organization=alfa.organization)
    sent = order.history.filter(status=PurchaseOrderStatus.SENT).latest()
    url = reverse("admin:orders_purchaseorder_simple_history", args=[order.pk, sent.history_id])

    page = alfa_admin.get(url)
    response = alfa_admin.post(url, {})

    assert page.status_code == 200
    assert page.context["revert_disabled"] is True
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.CANCELLED


def test_a_viewer_cannot_revert(member_client, alfa):
    viewer = MembershipFactory(
        organization=alfa.organization, role=Role.VIEWER, user=UserFactory(is_staff=True)
    )
    customer = Customer.unscoped.get(name="ALFA bistro")
    first = customer.history.earliest()
    customer.name = "ALFA current"
    customer.save()
    url = reverse("admin:catalog_customer_simple_history", args=[customer.pk, first.history_id])

    response = member_client(viewer).post(url, {"name": "ALFA bistro", "is_active": "on"})

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "ALFA current"


def test_a_revert_writes_only_what_the_change_form_offers(alfa_admin, alfa):
    product = Product.unscoped.get(sku="ALFA-1")
    stock_now = product.stock_on_hand
    first = product.history.earliest()
    assert stock_now  # it had none when created: a revert that wrote stock would show
    Product.unscoped.filter(pk=product.pk).update(name="ALFA new name")
    url = reverse("admin:catalog_product_simple_history", args=[product.pk, first.history_id])
    page = alfa_admin.get(url)
    data = {
        name: value
        for name, value in page.context["adminform"].form.initial.items()
        if value is not None and name in page.context["adminform"].form.fields and name != "image"
    }
    data["is_active"] = "on"

    response = alfa_admin.post(
        url, {**data, "supplier_links-TOTAL_FORMS": "0", "supplier_links-INITIAL_FORMS": "0"}
    )

    assert response.status_code == 302
    product.refresh_from_db()
    # The name comes back; the stock the services keep does not go back to the first version's.
    assert (product.name, product.stock_on_hand, product.organization_id) == (
        "ALFA bolt",
        stock_now,
        alfa.organization_id,
    )


def test_filters_list_only_the_active_organization(alfa_admin, zulu):
    response = alfa_admin.get(reverse("admin:catalog_product_changelist"))

    assert response.status_code == 200
    assert b"ZULU" not in response.content
    assert b"ALFA tools" in response.content  # the category filter, from A's categories


def test_a_duplicate_sku_is_a_form_error_not_a_server_error(alfa_admin):
    response = alfa_admin.post(
        reverse("admin:catalog_product_add"), {**PRODUCT_FORM, "sku": "ALFA-1"}
    )

    assert response.status_code == 200
    assert (
        "sku" in str(response.context["adminform"].form.errors)
        or response.context["adminform"].form.non_field_errors()
    )
    assert Product.unscoped.filter(sku="ALFA-1").count() == 1


def test_inline_rows_are_saved_in_the_active_organization(alfa_admin, alfa, zulu):
    ours = Location.unscoped.get(organization=alfa.organization, code="AL-01")
    response = alfa_admin.post(
        reverse("admin:inventory_warehouse_add"),
        {
            "code": "NEW",
            "name": "New depot",
            "is_active": "on",
            "organization": zulu.organization_id,
            "locations-TOTAL_FORMS": "1",
            "locations-INITIAL_FORMS": "0",
            "locations-0-code": "N-01",
            "locations-0-name": "Bin",
            "locations-0-is_active": "on",
            "locations-0-organization": zulu.organization_id,
        },
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    warehouse = Warehouse.unscoped.get(code="NEW")
    location = Location.unscoped.get(code="N-01")
    assert (warehouse.organization_id, location.organization_id, location.warehouse_id) == (
        alfa.organization_id,
        alfa.organization_id,
        warehouse.pk,
    )
    assert ours.organization_id == alfa.organization_id


def test_autocomplete_offers_the_active_organizations_rows(alfa_admin, zulu):
    response = alfa_admin.get(
        reverse("admin:autocomplete"),
        {"app_label": "catalog", "model_name": "product", "field_name": "category", "term": ""},
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["ALFA tools"]
