from decimal import Decimal

import factory

from stockroom.accounts.tests.factories import TenantFactory, of_same_organization
from stockroom.catalog.tests.factories import CustomerFactory, ProductFactory, SupplierFactory
from stockroom.orders.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)


class PurchaseOrderFactory(TenantFactory):
    """A draft; use the services to move it through its states."""

    class Meta:
        model = PurchaseOrder

    number = factory.Sequence(lambda n: f"PO-T{n:05d}")
    supplier = of_same_organization(SupplierFactory)


class PurchaseOrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaseOrderLine

    order = factory.SubFactory(PurchaseOrderFactory)
    organization = factory.SelfAttribute("order.organization")
    product = of_same_organization(ProductFactory)
    quantity = Decimal("10")
    unit_price = Decimal("2.5000")


class SalesOrderFactory(TenantFactory):
    class Meta:
        model = SalesOrder

    number = factory.Sequence(lambda n: f"SO-T{n:05d}")
    customer = of_same_organization(CustomerFactory)


class SalesOrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesOrderLine

    order = factory.SubFactory(SalesOrderFactory)
    organization = factory.SelfAttribute("order.organization")
    product = of_same_organization(ProductFactory)
    quantity = Decimal("1")
    unit_price = Decimal("4.00")
