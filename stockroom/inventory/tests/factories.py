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
