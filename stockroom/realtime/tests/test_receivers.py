"""The live stock event names locations as WAREHOUSE/BIN without lazy loads after the commit."""

from decimal import Decimal

import pytest

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory import services
from stockroom.inventory.models import Location
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory
from stockroom.realtime.receivers import movement_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def transfer(organization):
    warehouse = WarehouseFactory(organization=organization, code="MAIN")
    source = LocationFactory(organization=organization, warehouse=warehouse, code="A-1")
    target = LocationFactory(organization=organization, warehouse=warehouse, code="B-2")
    product = ProductFactory(organization=organization, sku="BOLT")
    services.stock_receive(
        organization=organization, product=product, location=source, quantity=Decimal(5)
    )

    def post(*, with_warehouses: bool):
        locations = Location.unscoped.filter(pk__in=[source.pk, target.pk])
        if with_warehouses:
            locations = locations.select_related("warehouse")
        loaded = locations.in_bulk()
        return services.stock_transfer(
            organization=organization,
            product=product,
            from_location=loaded[source.pk],
            to_location=loaded[target.pk],
            quantity=Decimal(2),
        )

    return post


@pytest.mark.parametrize(
    ("with_warehouses", "queries"),
    [
        pytest.param(True, 0, id="warehouses-loaded"),
        pytest.param(False, 1, id="both-locations-in-one-query"),
    ],
)
def test_transfer_payload_names_both_locations(
    transfer, with_warehouses, queries, django_assert_num_queries
):
    movement = transfer(with_warehouses=with_warehouses)

    with django_assert_num_queries(queries):
        payload = movement_payload(movement)

    assert (payload["from_location"], payload["to_location"]) == ("MAIN/A-1", "MAIN/B-2")
    assert (payload["kind"], payload["sku"], payload["quantity"]) == ("transfer", "BOLT", "2")


def test_receipt_payload_has_no_source(organization):
    location = LocationFactory(organization=organization, code="DOCK")
    movement = services.stock_receive(
        organization=organization,
        product=ProductFactory(organization=organization),
        location=location,
        quantity=Decimal(1),
    )

    payload = movement_payload(movement)

    assert payload["from_location"] is None
    assert payload["to_location"] == f"{location.warehouse.code}/DOCK"
