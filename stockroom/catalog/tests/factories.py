from decimal import Decimal

import factory

from stockroom.accounts.tests.factories import OrganizationFactory
from stockroom.catalog.models import (
    Category,
    Customer,
    Product,
    ProductSupplier,
    Supplier,
    UnitOfMeasure,
)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    organization = factory.SubFactory(OrganizationFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    unit = UnitOfMeasure.EACH
    cost_price = Decimal("2.0000")
    sale_price = Decimal("4.00")


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Supplier {n}")
    email = factory.Sequence(lambda n: f"orders{n}@supplier.example.com")


class ProductSupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductSupplier

    organization = factory.SubFactory(OrganizationFactory)
    product = factory.SubFactory(
        ProductFactory, organization=factory.SelfAttribute("..organization")
    )
    supplier = factory.SubFactory(
        SupplierFactory, organization=factory.SelfAttribute("..organization")
    )
    price = Decimal("1.5000")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Customer {n}")
