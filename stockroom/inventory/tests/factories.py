import factory

from stockroom.accounts.tests.factories import TenantFactory, of_same_organization
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory.models import Location, Lot, StockLevel, Warehouse


class WarehouseFactory(TenantFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")


class LocationFactory(TenantFactory):
    class Meta:
        model = Location

    warehouse = of_same_organization(WarehouseFactory)
    code = factory.Sequence(lambda n: f"A-{n:03d}")


class LotFactory(TenantFactory):
    class Meta:
        model = Lot

    product = of_same_organization(ProductFactory, is_lot_tracked=True)
    lot_number = factory.Sequence(lambda n: f"LOT-{n:04d}")


class StockLevelFactory(TenantFactory):
    """Only for read-side tests (selectors, admin); stock is otherwise posted through services."""

    class Meta:
        model = StockLevel

    product = of_same_organization(ProductFactory)
    location = of_same_organization(LocationFactory)


def shelf_and_overflow(organization) -> tuple[Location, Location]:
    """Two bins of one new warehouse: the SHELF stock starts on and the OVERFLOW it moves to."""
    warehouse = WarehouseFactory(organization=organization)
    shelf = LocationFactory(organization=organization, warehouse=warehouse, code="SHELF")
    overflow = LocationFactory(organization=organization, warehouse=warehouse, code="OVERFLOW")
    return shelf, overflow


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


def receive(product, location, quantity, unit_cost="1", **extra):
    """Receives `quantity` of `product` into `location` at `unit_cost` through the stock service
    (numbers may be given as strings or ints); returns the movement."""
    from decimal import Decimal

    from stockroom.inventory import services

    return services.stock_receive(
        organization=product.organization,
        product=product,
        location=location,
        quantity=Decimal(quantity),
        unit_cost=Decimal(unit_cost),
        **extra,
    )
