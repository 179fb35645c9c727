from decimal import Decimal

import pytest

from django.urls import reverse

from stockroom.accounts.roles import Role
from stockroom.accounts.templatetags.roles import can
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.catalog.models import Category, Customer, Product, ProductSupplier, Supplier
from stockroom.catalog.tests.factories import (
    PRODUCT_FORM_DATA,
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    ProductSupplierFactory,
    SupplierFactory,
    image_upload,
)
from stockroom.inventory.tests.factories import StockLevelFactory

pytestmark = pytest.mark.django_db

KINDS = ("product", "category", "supplier", "customer")
FACTORIES = {
    "product": ProductFactory,
    "category": CategoryFactory,
    "supplier": SupplierFactory,
    "customer": CustomerFactory,
}
MODELS = {"product": Product, "category": Category, "supplier": Supplier, "customer": Customer}
VALID_POST = {
    "product": {"sku": "new-1", "name": "New product", **PRODUCT_FORM_DATA},
    "category": {"name": "New category"},
    "supplier": {"name": "New supplier", "is_active": "on"},
    "customer": {"name": "New customer", "is_active": "on"},
}
ROLES = [Role.OWNER, Role.MANAGER, Role.CLERK, Role.VIEWER]
WRITERS = {Role.OWNER, Role.MANAGER}


@pytest.fixture
def login(organization, member_client):
    def as_role(role):
        return member_client(MembershipFactory(organization=organization, role=role))

    return as_role


def _url(kind: str, action: str, obj=None) -> str:
    if action in ("list", "create"):
        return reverse(f"catalog:{kind}_{action}")
    return reverse(f"catalog:{kind}_{action}", kwargs={"pk": obj.pk})


# --- permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", ["list", "detail"])
def test_every_role_reads(organization, login, role, kind, action):
    obj = FACTORIES[kind](organization=organization)

    response = login(role).get(_url(kind, action, obj))

    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", ["create", "update", "delete"])
def test_only_owner_and_manager_open_write_pages(organization, login, role, kind, action):
    obj = FACTORIES[kind](organization=organization)

    response = login(role).get(_url(kind, action, obj))

    assert response.status_code == (200 if role in WRITERS else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_create_by_role(organization, login, role, kind):
    response = login(role).post(_url(kind, "create"), VALID_POST[kind])

    created = MODELS[kind].objects.filter(name=VALID_POST[kind]["name"]).first()
    if role in WRITERS:
        assert response.status_code == 302
        assert response["Location"] == created.get_absolute_url()
        assert created.organization_id == organization.pk
    else:
        assert response.status_code == 403
        assert created is None


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_update_by_role(organization, login, role, kind):
    obj = FACTORIES[kind](organization=organization)
    data = {**VALID_POST[kind], "name": "Renamed"}

    response = login(role).post(_url(kind, "update", obj), data)

    obj.refresh_from_db()
    if role in WRITERS:
        assert response.status_code == 302
        assert obj.name == "Renamed"
    else:
        assert response.status_code == 403
        assert obj.name != "Renamed"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_delete_by_role(organization, login, role, kind):
    obj = FACTORIES[kind](organization=organization)

    response = login(role).post(_url(kind, "delete", obj))

    exists = MODELS[kind].objects.filter(pk=obj.pk).exists()
    if role in WRITERS:
        assert response.status_code == 302
        assert response["Location"] == _url(kind, "list")
        assert not exists
    else:
        assert response.status_code == 403
        assert exists


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", ["list", "create", "detail", "update", "delete"])
def test_anonymous_is_sent_to_login(organization, client, kind, action):
    obj = FACTORIES[kind](organization=organization)
    url = _url(kind, action, obj)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("get", "detail"),
        ("get", "update"),
        ("post", "update"),
        ("get", "delete"),
        ("post", "delete"),
    ],
)
def test_another_organizations_object_is_404(other_organization, login, kind, method, action):
    foreign = FACTORIES[kind](organization=other_organization)

    response = getattr(login(Role.OWNER), method)(_url(kind, action, foreign))

    assert response.status_code == 404
    assert MODELS[kind].objects.filter(pk=foreign.pk).exists()


def test_write_buttons_are_hidden_from_readers(organization, login):
    product = ProductFactory(organization=organization)
    edit_url = reverse("catalog:product_update", kwargs={"pk": product.pk})

    viewer_page = login(Role.VIEWER).get(product.get_absolute_url()).content.decode()
    manager_page = login(Role.MANAGER).get(product.get_absolute_url()).content.decode()

    assert edit_url not in viewer_page
    assert (
        reverse("catalog:product_create")
        not in login(Role.CLERK).get(reverse("catalog:product_list")).content.decode()
    )
    assert edit_url in manager_page


# --- lists: htmx, search, sort, paging, query counts ---------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_htmx_list_request_gets_only_the_table(organization, login, kind):
    FACTORIES[kind](organization=organization)
    client = login(Role.VIEWER)

    full = client.get(_url(kind, "list"))
    partial = client.get(_url(kind, "list"), headers={"HX-Request": "true"})

    assert "<html" in full.content.decode()
    body = partial.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="catalog-results"')
    assert 'id="catalog-sort" value' in body  # swapped out of band into the search form
    assert 'hx-swap-oob="true"' not in full.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_htmx_history_restore_gets_the_full_page(organization, login):
    response = login(Role.VIEWER).get(
        reverse("catalog:product_list"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.content.decode()


def test_product_list_search_filter_and_sort(organization, login):
    tools = CategoryFactory(organization=organization, name="Tools")
    saws = CategoryFactory(organization=organization, name="Saws", parent=tools)
    ProductFactory(organization=organization, sku="SAW-2", name="Saw", category=saws)
    ProductFactory(organization=organization, sku="SAW-1", name="Saw", category=saws)
    ProductFactory(organization=organization, sku="SAW-3", name="Old saw", is_active=False)
    ProductFactory(organization=organization, sku="HAM-1", name="Hammer")
    client = login(Role.VIEWER)

    response = client.get(
        reverse("catalog:product_list"),
        {"q": "saw", "category": tools.pk, "sort": "-sku"},
        headers={"HX-Request": "true"},
    )

    assert [p.sku for p in response.context["page_obj"]] == ["SAW-2", "SAW-1"]
    assert response.context["sort_headers"]["sku"]["state"] == "descending"
    inactive = client.get(reverse("catalog:product_list"), {"active": "inactive"})
    assert [p.sku for p in inactive.context["page_obj"]] == ["SAW-3"]


def test_product_list_paginates_25_and_tolerates_bad_pages(organization, login):
    for number in range(30):
        ProductFactory(organization=organization, sku=f"P-{number:02d}")
    client = login(Role.VIEWER)

    first = client.get(reverse("catalog:product_list"))
    last = client.get(reverse("catalog:product_list"), {"page": "99"})
    junk = client.get(reverse("catalog:product_list"), {"page": "x"})

    assert len(first.context["page_obj"]) == 25
    assert [p.sku for p in last.context["page_obj"]] == [f"P-{n}" for n in range(25, 30)]
    assert junk.context["page_obj"].number == 1


def test_category_list_shows_tree_then_flat_when_searching(organization, login):
    tools = CategoryFactory(organization=organization, name="Tools")
    CategoryFactory(organization=organization, name="Saws", parent=tools)
    client = login(Role.VIEWER)

    tree = client.get(reverse("catalog:category_list"))
    flat = client.get(reverse("catalog:category_list"), {"q": "saw"})

    assert [(r["category"].name, r["depth"]) for r in tree.context["rows"]] == [
        ("Tools", 0),
        ("Saws", 1),
    ]
    assert [(r["category"].name, r["depth"]) for r in flat.context["rows"]] == [("Saws", 0)]
    assert "— " in tree.content.decode()


LIST_QUERY_BOUND = 8


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("kind", KINDS)
def test_list_query_count_is_constant(
    organization, login, django_assert_max_num_queries, kind, count
):
    parent = CategoryFactory(organization=organization)
    for number in range(count):
        if kind == "product":
            ProductFactory(organization=organization, category=parent, sku=f"Q-{number}")
        elif kind == "category":
            CategoryFactory(organization=organization, parent=parent)
        else:
            FACTORIES[kind](organization=organization)
    client = login(Role.VIEWER)

    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = client.get(_url(kind, "list"), {"category": parent.pk})

    assert response.status_code == 200


def test_product_detail_query_count(organization, login, django_assert_max_num_queries):
    product = ProductFactory(organization=organization)
    for _ in range(5):
        ProductSupplierFactory(organization=organization, product=product)
    client = login(Role.VIEWER)

    with django_assert_max_num_queries(7):
        response = client.get(product.get_absolute_url())

    assert len(response.context["product"].supplier_links.all()) == 5


# --- forms through the views ---------------------------------------------------------------------


def test_product_create_with_image_through_the_page(organization, login):
    client = login(Role.MANAGER)
    data = {**VALID_POST["product"], "image": image_upload("photo.png", size=(800, 400))}

    response = client.post(reverse("catalog:product_create"), data)

    product = Product.objects.get(sku="NEW-1")
    assert response.status_code == 302
    assert product.thumbnail.name.endswith("-thumb.jpg")
    detail = client.get(product.get_absolute_url()).content.decode()
    assert product.thumbnail.url in detail


def test_product_create_shows_field_errors(organization, login):
    ProductFactory(organization=organization, sku="NEW-1")

    response = login(Role.MANAGER).post(
        reverse("catalog:product_create"), {**VALID_POST["product"], "sale_price": "-3"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "sku": ["A product with SKU NEW-1 already exists."],
        "sale_price": ["Enter zero or more."],
    }
    assert Product.objects.count() == 1


def test_category_delete_refusal_is_shown_on_the_confirm_page(organization, login):
    parent = CategoryFactory(organization=organization)
    CategoryFactory(organization=organization, parent=parent)

    response = login(Role.OWNER).post(reverse("catalog:category_delete", kwargs={"pk": parent.pk}))

    assert response.status_code == 409
    assert "This category has subcategories. Move or delete them first." in (
        response.content.decode()
    )
    assert Category.objects.filter(pk=parent.pk).exists()


def test_product_with_stock_cannot_be_deleted_through_the_page(organization, login):
    level = StockLevelFactory(organization=organization)

    response = login(Role.OWNER).post(
        reverse("catalog:product_delete", kwargs={"pk": level.product_id})
    )

    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "This product has stock history, so it cannot be deleted. Deactivate it instead."
    ]
    assert Product.objects.filter(pk=level.product_id).exists()


def test_product_supplier_link_create_update_and_remove(organization, login):
    product = ProductFactory(organization=organization)
    supplier = SupplierFactory(organization=organization)
    client = login(Role.MANAGER)

    created = client.post(
        reverse("catalog:product_supplier_create", kwargs={"pk": product.pk}),
        {"supplier": supplier.pk, "supplier_sku": "X-1", "price": "2.5", "lead_time_days": "4"},
    )
    link = ProductSupplier.objects.get(product=product)
    updated = client.post(
        reverse("catalog:product_supplier_update", kwargs={"pk": product.pk, "link_pk": link.pk}),
        {"supplier_sku": "X-2", "price": "3", "lead_time_days": "5", "is_preferred": "on"},
    )
    link.refresh_from_db()
    removed = client.post(
        reverse("catalog:product_supplier_delete", kwargs={"pk": product.pk, "link_pk": link.pk})
    )

    assert (created.status_code, updated.status_code, removed.status_code) == (302, 302, 302)
    assert (link.supplier_sku, link.price, link.lead_time_days, link.is_preferred) == (
        "X-2",
        Decimal("3.0000"),
        5,
        True,
    )
    assert ProductSupplier.objects.count() == 0


def test_product_supplier_pages_refuse_clerks_and_other_organizations(
    organization, other_organization, login
):
    product = ProductFactory(organization=organization)
    foreign = ProductFactory(organization=other_organization)

    clerk = login(Role.CLERK).get(
        reverse("catalog:product_supplier_create", kwargs={"pk": product.pk})
    )
    owner = login(Role.OWNER).get(
        reverse("catalog:product_supplier_create", kwargs={"pk": foreign.pk})
    )

    assert (clerk.status_code, owner.status_code) == (403, 404)


def test_product_detail_loads_stock_from_inventory_when_available(organization, login):
    from django.urls import NoReverseMatch

    product = ProductFactory(organization=organization)

    body = login(Role.VIEWER).get(product.get_absolute_url()).content.decode()

    try:
        stock_url = reverse("inventory:product_stock", kwargs={"pk": product.pk})
    except NoReverseMatch:
        assert "Stock levels are not available." in body
    else:
        assert f'hx-get="{stock_url}"' in body


def test_form_page_headings(organization, login):
    link = ProductSupplierFactory(organization=organization)
    client = login(Role.MANAGER)

    edit = client.get(reverse("catalog:product_update", kwargs={"pk": link.product_id}))
    supplier = client.get(
        reverse(
            "catalog:product_supplier_update", kwargs={"pk": link.product_id, "link_pk": link.pk}
        )
    )

    assert f"Edit product “{link.product}”" in edit.content.decode()
    assert f"Supplier of {link.product.sku}" in supplier.content.decode()


@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [
        pytest.param(Role.MANAGER, "manage_catalog", True, id="manager-manage"),
        pytest.param(Role.VIEWER, "manage_catalog", False, id="viewer-manage"),
        pytest.param(Role.VIEWER, "view", True, id="viewer-view"),
        pytest.param(Role.OWNER, "no_such_action", False, id="unknown-action"),
        pytest.param(None, "view", False, id="no-membership"),
    ],
)
def test_can_template_filter(organization, role, action, expected):
    membership = MembershipFactory(organization=organization, role=role) if role else None

    assert can(membership, action) is expected
