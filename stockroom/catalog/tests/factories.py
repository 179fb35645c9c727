import io
from decimal import Decimal

import factory
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile

from stockroom.accounts.tests.factories import TenantFactory, of_same_organization
from stockroom.catalog.models import (
    Category,
    Customer,
    Product,
    ProductSupplier,
    Supplier,
    UnitOfMeasure,
)

# What a product form needs besides its SKU and name: a valid unit, prices and reorder settings.
PRODUCT_FORM_DATA = {
    "unit": "each",
    "cost_price": "1.00",
    "sale_price": "2.00",
    "reorder_point": "0",
    "reorder_quantity": "0",
    "is_active": "on",
}


class CategoryFactory(TenantFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")


class ProductFactory(TenantFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    unit = UnitOfMeasure.EACH
    cost_price = Decimal("2.0000")
    sale_price = Decimal("4.00")


class SupplierFactory(TenantFactory):
    class Meta:
        model = Supplier

    name = factory.Sequence(lambda n: f"Supplier {n}")
    email = factory.Sequence(lambda n: f"orders{n}@supplier.example.com")


class ProductSupplierFactory(TenantFactory):
    class Meta:
        model = ProductSupplier

    product = of_same_organization(ProductFactory)
    supplier = of_same_organization(SupplierFactory)
    price = Decimal("1.5000")


class CustomerFactory(TenantFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")


def image_upload(
    name: str = "photo.png",
    *,
    size: tuple[int, int] = (640, 480),
    image_format: str = "PNG",
    padding: int = 0,
    mode: str = "RGB",
):
    """An uploaded image made in memory; `padding` appends junk bytes to make it larger."""
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128)).save(
        buffer, format=image_format
    )
    content_types = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}
    return SimpleUploadedFile(
        name,
        buffer.getvalue() + b"\0" * padding,
        content_type=content_types.get(image_format, "application/octet-stream"),
    )
