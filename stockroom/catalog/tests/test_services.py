from decimal import Decimal

import pytest
from PIL import Image

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from stockroom.catalog import services
from stockroom.catalog.images import MAX_IMAGE_BYTES
from stockroom.catalog.models import Category, Customer, Product, ProductSupplier, Supplier
from stockroom.catalog.tests.factories import (
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    ProductSupplierFactory,
    SupplierFactory,
    image_upload,
)
from stockroom.core.exceptions import ApplicationError
from stockroom.inventory.tests.factories import StockLevelFactory

pytestmark = pytest.mark.django_db


# --- categories ----------------------------------------------------------------------------------


def test_category_create_under_parent(organization):
    parent = CategoryFactory(organization=organization, name="Tools")

    category = services.category_create(
        organization=organization, name="  Hammers ", parent=parent, description="Steel"
    )

    category.refresh_from_db()
    assert (category.name, category.parent_id, category.description) == (
        "Hammers",
        parent.pk,
        "Steel",
    )
    assert category.organization_id == organization.pk


def test_category_create_refuses_parent_of_another_organization(organization, other_organization):
    foreign = CategoryFactory(organization=other_organization)

    with pytest.raises(ApplicationError) as caught:
        services.category_create(organization=organization, name="Hammers", parent=foreign)

    assert caught.value.field == "parent"
    assert caught.value.code == "wrong_organization"
    assert caught.value.message == "This parent category belongs to another organization."
    assert Category.objects.filter(name="Hammers").count() == 0


@pytest.mark.parametrize(
    "name", [pytest.param("Tools", id="same-case"), pytest.param("tOOLS", id="other-case")]
)
def test_category_create_refuses_duplicate_sibling(organization, name):
    CategoryFactory(organization=organization, name="Tools")

    with pytest.raises(ApplicationError) as caught:
        services.category_create(organization=organization, name=name)

    assert (caught.value.field, caught.value.code) == ("name", "duplicate_name")


def test_category_same_name_allowed_under_other_parent_and_in_other_organization(
    organization, other_organization
):
    tools = CategoryFactory(organization=organization, name="Tools")
    CategoryFactory(organization=organization, name="Spares")

    nested = services.category_create(organization=organization, name="Spares", parent=tools)
    foreign = services.category_create(organization=other_organization, name="Tools")

    assert nested.parent_id == tools.pk
    assert foreign.organization_id == other_organization.pk


@pytest.mark.parametrize("target", ["self", "child", "grandchild"])
def test_category_update_refuses_cycles(organization, target):
    root = CategoryFactory(organization=organization, name="Root")
    child = CategoryFactory(organization=organization, name="Child", parent=root)
    grandchild = CategoryFactory(organization=organization, name="Grandchild", parent=child)
    new_parent = {"self": root, "child": child, "grandchild": grandchild}[target]

    with pytest.raises(ApplicationError) as caught:
        services.category_update(
            organization=organization, category=root, name="Root", parent=new_parent
        )

    assert (caught.value.field, caught.value.code) == ("parent", "cycle")
    root.refresh_from_db()
    assert root.parent_id is None


def test_category_update_moves_category(organization):
    tools = CategoryFactory(organization=organization, name="Tools")
    hammers = CategoryFactory(organization=organization, name="Hammers")

    services.category_update(
        organization=organization, category=hammers, name="Hammers", parent=tools
    )

    hammers.refresh_from_db()
    assert hammers.parent_id == tools.pk


def test_category_update_refuses_category_of_another_organization(organization, other_organization):
    foreign = CategoryFactory(organization=other_organization)

    with pytest.raises(ApplicationError) as caught:
        services.category_update(organization=organization, category=foreign, name="X", parent=None)

    assert caught.value.field == "category"


def test_category_delete(organization):
    category = CategoryFactory(organization=organization)

    services.category_delete(organization=organization, category=category)

    assert not Category.objects.filter(pk=category.pk).exists()


@pytest.mark.parametrize(
    ("factory", "link", "code", "message"),
    [
        pytest.param(
            CategoryFactory,
            "parent",
            "has_children",
            "This category has subcategories. Move or delete them first.",
            id="subcategory",
        ),
        pytest.param(
            ProductFactory,
            "category",
            "has_products",
            "This category still has products. Move them to another category first.",
            id="product",
        ),
    ],
)
def test_category_delete_refuses_while_a_row_is_filed_under_it(
    organization, factory, link, code, message
):
    category = CategoryFactory(organization=organization)
    factory(organization=organization, **{link: category})

    with pytest.raises(ApplicationError) as caught:
        services.category_delete(organization=organization, category=category)

    assert (caught.value.code, caught.value.message) == (code, message)
    assert Category.objects.filter(pk=category.pk).exists()


# --- products ------------------------------------------------------------------------------------


def test_product_create_normalises_and_saves(organization):
    category = CategoryFactory(organization=organization)

    product = services.product_create(
        organization=organization,
        sku="  ab-12 ",
        name=" Claw hammer ",
        barcode=" 4006381333931 ",
        category=category,
        cost_price=Decimal("3.5"),
        sale_price=Decimal("9.99"),
        reorder_point=Decimal("5"),
        reorder_quantity=Decimal("20"),
    )

    product.refresh_from_db()
    assert (product.sku, product.name, product.barcode) == ("AB-12", "Claw hammer", "4006381333931")
    assert (product.cost_price, product.sale_price) == (Decimal("3.5000"), Decimal("9.99"))
    assert (product.reorder_point, product.reorder_quantity) == (
        Decimal("5.000"),
        Decimal("20.000"),
    )
    assert product.category_id == category.pk
    assert not product.image


@pytest.mark.parametrize(
    "sku",
    [pytest.param("SKU-1", id="exact"), pytest.param(" sku-1 ", id="lowercase-padded")],
)
def test_product_create_refuses_duplicate_sku(organization, sku):
    ProductFactory(organization=organization, sku="SKU-1")

    with pytest.raises(ApplicationError) as caught:
        services.product_create(organization=organization, sku=sku, name="Other")

    assert (caught.value.field, caught.value.code) == ("sku", "duplicate_sku")
    assert caught.value.message == "A product with SKU SKU-1 already exists."


def test_product_create_allows_sku_used_by_another_organization(organization, other_organization):
    ProductFactory(organization=other_organization, sku="SKU-1")

    product = services.product_create(organization=organization, sku="SKU-1", name="Mine")

    assert product.organization_id == organization.pk


def test_product_create_refuses_duplicate_barcode(organization):
    ProductFactory(organization=organization, barcode="123")

    with pytest.raises(ApplicationError) as caught:
        services.product_create(organization=organization, sku="NEW", name="N", barcode="123")

    assert caught.value.field == "barcode"


def test_product_create_refuses_category_of_another_organization(organization, other_organization):
    foreign = CategoryFactory(organization=other_organization)

    with pytest.raises(ApplicationError) as caught:
        services.product_create(organization=organization, sku="A", name="A", category=foreign)

    assert (caught.value.field, caught.value.code) == ("category", "wrong_organization")
    assert caught.value.message == "This category belongs to another organization."
    assert Product.objects.count() == 0


@pytest.mark.parametrize("field", ["cost_price", "sale_price", "reorder_point", "reorder_quantity"])
def test_product_create_refuses_negative_numbers(organization, field):
    with pytest.raises(ApplicationError) as caught:
        services.product_create(
            organization=organization, sku="A", name="A", **{field: Decimal("-0.01")}
        )

    assert (caught.value.field, caught.value.code) == (field, "negative")


def test_product_create_refuses_reorder_point_without_quantity(organization):
    with pytest.raises(ApplicationError) as caught:
        services.product_create(
            organization=organization, sku="A", name="A", reorder_point=Decimal("5")
        )

    assert (caught.value.field, caught.value.code) == (
        "reorder_quantity",
        "reorder_quantity_required",
    )


def test_product_create_with_image_makes_thumbnail(organization):
    product = services.product_create(
        organization=organization, sku="A", name="A", image=image_upload(size=(1200, 600))
    )

    product.refresh_from_db()
    assert product.image.name.startswith("products/")
    assert product.thumbnail.name.endswith("-thumb.jpg")
    with Image.open(product.thumbnail.path) as thumbnail:
        assert thumbnail.size == (300, 150)


def test_product_image_is_stored_under_the_extension_of_its_content(organization):
    upload = image_upload("holiday.photo.jpg", image_format="PNG")

    product = services.product_create(organization=organization, sku="A", name="A", image=upload)

    assert product.image.name.rsplit("/", 1)[1].startswith("holiday.photo")
    assert product.image.name.endswith(".png")


def test_product_thumbnail_of_transparent_png_stays_png(organization):
    upload = image_upload(size=(100, 400), mode="RGBA")

    product = services.product_create(organization=organization, sku="A", name="A", image=upload)

    assert product.thumbnail.name.endswith("-thumb.png")


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        pytest.param(
            SimpleUploadedFile("fake.png", b"%PDF-1.4 not an image", content_type="image/png"),
            "invalid_image",
            id="pdf-renamed-png",
        ),
        pytest.param(image_upload("big.png", padding=MAX_IMAGE_BYTES), "image_too_large", id="6mb"),
        pytest.param(image_upload("photo.bmp", image_format="BMP"), "invalid_image_type", id="bmp"),
    ],
)
def test_product_create_refuses_bad_images(organization, upload, code):
    with pytest.raises(ApplicationError) as caught:
        services.product_create(organization=organization, sku="A", name="A", image=upload)

    assert (caught.value.field, caught.value.code) == ("image", code)
    assert Product.objects.count() == 0


def test_product_update_changes_fields(organization):
    product = ProductFactory(organization=organization, sku="OLD", name="Old")

    services.product_update(
        organization=organization,
        product=product,
        data={"sku": "new", "name": "New", "sale_price": Decimal("7.50")},
    )

    product.refresh_from_db()
    assert (product.sku, product.name, product.sale_price) == ("NEW", "New", Decimal("7.50"))


def test_product_update_replaces_and_clears_image(organization, django_capture_on_commit_callbacks):
    product = services.product_create(
        organization=organization, sku="A", name="A", image=image_upload("first.png")
    )
    first_image, first_thumb = product.image.name, product.thumbnail.name
    storage = product.image.storage

    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(
            organization=organization, product=product, data={"image": image_upload("second.png")}
        )
    assert "second" in product.image.name
    assert not storage.exists(first_image)
    assert not storage.exists(first_thumb)

    second_image = product.image.name
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(organization=organization, product=product, data={"image": False})
    product.refresh_from_db()
    assert (product.image.name, product.thumbnail.name) == ("", "")
    assert not storage.exists(second_image)


def test_product_update_keeps_image_when_none_given(organization):
    product = services.product_create(
        organization=organization, sku="A", name="A", image=image_upload()
    )
    image_name = product.image.name

    services.product_update(organization=organization, product=product, data={"name": "B"})

    product.refresh_from_db()
    assert product.image.name == image_name


def test_product_update_refuses_duplicate_sku(organization):
    ProductFactory(organization=organization, sku="TAKEN")
    product = ProductFactory(organization=organization, sku="MINE")

    with pytest.raises(ApplicationError) as caught:
        services.product_update(organization=organization, product=product, data={"sku": "taken"})

    assert caught.value.field == "sku"


def test_product_update_refuses_unit_change_once_stock_exists(organization):
    level = StockLevelFactory(organization=organization)
    product = level.product

    with pytest.raises(ApplicationError) as caught:
        services.product_update(organization=organization, product=product, data={"unit": "kg"})

    assert (caught.value.field, caught.value.code) == ("unit", "has_stock_history")


def test_product_update_refuses_product_of_another_organization(organization, other_organization):
    foreign = ProductFactory(organization=other_organization)

    with pytest.raises(ApplicationError) as caught:
        services.product_update(organization=organization, product=foreign, data={"name": "X"})

    assert caught.value.field == "product"


def test_product_delete(organization):
    product = ProductFactory(organization=organization)
    ProductSupplierFactory(organization=organization, product=product)

    services.product_delete(organization=organization, product=product)

    assert not Product.objects.filter(pk=product.pk).exists()
    assert ProductSupplier.objects.count() == 0


def test_product_delete_refuses_product_with_stock(organization):
    level = StockLevelFactory(organization=organization)

    with pytest.raises(ApplicationError) as caught:
        services.product_delete(organization=organization, product=level.product)

    assert caught.value.code == "has_stock_history"
    assert caught.value.message == (
        "This product has stock history, so it cannot be deleted. Deactivate it instead."
    )
    assert Product.objects.filter(pk=level.product_id).exists()


def test_product_has_stock_history_is_false_for_new_product(organization):
    assert services.product_has_stock_history(ProductFactory(organization=organization)) is False


# --- suppliers and customers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("create", "model", "factory"),
    [
        pytest.param(services.supplier_create, Supplier, SupplierFactory, id="supplier"),
        pytest.param(services.customer_create, Customer, CustomerFactory, id="customer"),
    ],
)
def test_party_create_and_duplicate_name(organization, other_organization, create, model, factory):
    created = create(
        organization=organization, name=" Acme ", email="sales@acme.example", phone="555"
    )
    factory(organization=other_organization, name="Globex")

    assert (created.name, created.email, created.phone) == ("Acme", "sales@acme.example", "555")
    assert create(organization=organization, name="Globex").organization_id == organization.pk
    with pytest.raises(ApplicationError) as caught:
        create(organization=organization, name="ACME")
    assert (caught.value.field, caught.value.code) == ("name", "duplicate_name")
    assert model.objects.for_organization(organization).count() == 2


def test_supplier_create_refuses_invalid_email(organization):
    with pytest.raises(ValidationError) as caught:
        services.supplier_create(organization=organization, name="Acme", email="not-an-email")

    assert list(caught.value.message_dict) == ["email"]


def test_supplier_update_and_delete(organization):
    supplier = SupplierFactory(organization=organization, name="Acme")
    ProductSupplierFactory(organization=organization, supplier=supplier)

    services.supplier_update(
        organization=organization, supplier=supplier, data={"name": "Acme Ltd", "is_active": False}
    )
    supplier.refresh_from_db()
    assert (supplier.name, supplier.is_active) == ("Acme Ltd", False)

    services.supplier_delete(organization=organization, supplier=supplier)
    assert Supplier.objects.count() == 0
    assert ProductSupplier.objects.count() == 0


def test_customer_update_and_delete(organization):
    customer = CustomerFactory(organization=organization, name="Initech")

    services.customer_update(
        organization=organization, customer=customer, data={"shipping_address": "1 Main St"}
    )
    customer.refresh_from_db()
    assert customer.shipping_address == "1 Main St"

    services.customer_delete(organization=organization, customer=customer)
    assert Customer.objects.count() == 0


@pytest.mark.parametrize(
    ("service", "kwarg", "factory"),
    [
        pytest.param(services.supplier_delete, "supplier", SupplierFactory, id="supplier-delete"),
        pytest.param(services.customer_delete, "customer", CustomerFactory, id="customer-delete"),
        pytest.param(services.product_delete, "product", ProductFactory, id="product-delete"),
        pytest.param(services.category_delete, "category", CategoryFactory, id="category-delete"),
    ],
)
def test_deletes_refuse_rows_of_another_organization(
    organization, other_organization, service, kwarg, factory
):
    foreign = factory(organization=other_organization)

    with pytest.raises(ApplicationError) as caught:
        service(organization=organization, **{kwarg: foreign})

    assert (caught.value.field, caught.value.code) == (kwarg, "wrong_organization")
    assert type(foreign).objects.filter(pk=foreign.pk).exists()


# --- product suppliers ---------------------------------------------------------------------------


def test_product_supplier_set_creates_then_updates_link(organization):
    product = ProductFactory(organization=organization)
    supplier = SupplierFactory(organization=organization)

    link = services.product_supplier_set(
        organization=organization,
        product=product,
        supplier=supplier,
        supplier_sku=" ac-9 ",
        price=Decimal("2.25"),
        lead_time_days=3,
    )
    again = services.product_supplier_set(
        organization=organization, product=product, supplier=supplier, price=Decimal("2.10")
    )

    again.refresh_from_db()
    assert again.pk == link.pk
    assert (again.supplier_sku, again.price, again.lead_time_days) == ("", Decimal("2.1000"), 7)
    assert ProductSupplier.objects.count() == 1


def test_product_supplier_set_preferred_unsets_the_previous_preferred(organization):
    product = ProductFactory(organization=organization)
    first = ProductSupplierFactory(organization=organization, product=product, is_preferred=True)
    second_supplier = SupplierFactory(organization=organization)

    second = services.product_supplier_set(
        organization=organization, product=product, supplier=second_supplier, is_preferred=True
    )

    first.refresh_from_db()
    assert first.is_preferred is False
    assert second.is_preferred is True
    assert list(
        ProductSupplier.objects.filter(product=product, is_preferred=True).values_list(
            "supplier_id", flat=True
        )
    ) == [second_supplier.pk]


def test_product_supplier_set_refuses_supplier_of_another_organization(
    organization, other_organization
):
    product = ProductFactory(organization=organization)
    foreign = SupplierFactory(organization=other_organization)

    with pytest.raises(ApplicationError) as caught:
        services.product_supplier_set(organization=organization, product=product, supplier=foreign)

    assert caught.value.field == "supplier"
    assert ProductSupplier.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"price": Decimal("-1")}, "price", id="negative-price"),
        pytest.param({"lead_time_days": -1}, "lead_time_days", id="negative-lead-time"),
    ],
)
def test_product_supplier_set_refuses_negative_values(organization, kwargs, field):
    product = ProductFactory(organization=organization)
    supplier = SupplierFactory(organization=organization)

    with pytest.raises(ApplicationError) as caught:
        services.product_supplier_set(
            organization=organization, product=product, supplier=supplier, **kwargs
        )

    assert caught.value.field == field


def test_product_supplier_remove(organization):
    link = ProductSupplierFactory(organization=organization)

    services.product_supplier_remove(organization=organization, link=link)

    assert ProductSupplier.objects.count() == 0
