from decimal import Decimal

import factory

from stockroom.accounts.tests.factories import OrganizationFactory
from stockroom.catalog.tests.factories import CustomerFactory, ProductFactory, SupplierFactory
from stockroom.orders.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)


class PurchaseOrderFactory(factory.django.DjangoModelFactory):
    """A draft; use the services to move it through its states."""

    class Meta:
        model = PurchaseOrder

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"PO-T{n:05d}")
    supplier = factory.SubFactory(
        SupplierFactory, organization=factory.SelfAttribute("..organization")
    )


class PurchaseOrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaseOrderLine

    order = factory.SubFactory(PurchaseOrderFactory)
    organization = factory.SelfAttribute("order.organization")
    product = factory.SubFactory(
        ProductFactory, organization=factory.SelfAttribute("..organization")
    )
    quantity = Decimal("10")
    unit_price = Decimal("2.5000")


class SalesOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesOrder

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"SO-T{n:05d}")
    customer = factory.SubFactory(
        CustomerFactory, organization=factory.SelfAttribute("..organization")
    )


class SalesOrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesOrderLine

    order = factory.SubFactory(SalesOrderFactory)
    organization = factory.SelfAttribute("order.organization")
    product = factory.SubFactory(
        ProductFactory, organization=factory.SelfAttribute("..organization")
    )
    quantity = Decimal("1")
    unit_price = Decimal("4.00")
