import factory

from stockroom.accounts.tests.factories import OrganizationFactory
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory.models import Location, Lot, StockLevel, Warehouse


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"WH{n}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organization = factory.SubFactory(OrganizationFactory)
    warehouse = factory.SubFactory(
        WarehouseFactory, organization=factory.SelfAttribute("..organization")
    )
    code = factory.Sequence(lambda n: f"A-{n:03d}")


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    organization = factory.SubFactory(OrganizationFactory)
    product = factory.SubFactory(
        ProductFactory,
        organization=factory.SelfAttribute("..organization"),
        is_lot_tracked=True,
    )
    lot_number = factory.Sequence(lambda n: f"LOT-{n:04d}")


class StockLevelFactory(factory.django.DjangoModelFactory):
    """Only for read-side tests (selectors, admin); stock is otherwise posted through services."""

    class Meta:
        model = StockLevel

    organization = factory.SubFactory(OrganizationFactory)
    product = factory.SubFactory(
        ProductFactory, organization=factory.SelfAttribute("..organization")
    )
    location = factory.SubFactory(
        LocationFactory, organization=factory.SelfAttribute("..organization")
    )


def products_in_three_stock_states(organization) -> dict:
    """Through the stock services, in one bin: FINE above its reorder point (9 available), LOW
    at it (5 on hand, 3 reserved, point 2) and OUT with everything reserved (no reorder point).
    Returns the products by SKU."""
    from decimal import Decimal

    from stockroom.inventory import services

    location = LocationFactory(organization=organization)
    products = {}
    for sku, received, reserved, point in (("FINE", 9, 0, 2), ("LOW", 5, 3, 2), ("OUT", 4, 4, 0)):
        product = ProductFactory(
            organization=organization, sku=sku, reorder_point=Decimal(point), reorder_quantity=1
        )
        common = {"organization": organization, "product": product, "location": location}
        services.stock_receive(quantity=Decimal(received), **common)
        if reserved:
            services.stock_reserve(quantity=Decimal(reserved), **common)
        products[sku] = product
    return products
