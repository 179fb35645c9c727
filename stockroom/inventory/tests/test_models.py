from decimal import Decimal

import pytest

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import RestrictedError

from stockroom.inventory import services
from stockroom.inventory.models import Location, MovementKind, StockLevel, StockMovement
from stockroom.inventory.tests.factories import LocationFactory, LotFactory, WarehouseFactory

D = Decimal


def test_strings(organization, location, product):
    warehouse = location.warehouse
    level = StockLevel(product=product, location=location, on_hand=D("5"), reserved=D("2"))

    assert str(warehouse) == "MAIN · Main warehouse"
    assert str(location) == "MAIN/A-01"
    assert level.available == D("3")


def movement(organization, product, **fields) -> StockMovement:
    return StockMovement(organization=organization, product=product, quantity=D(1), **fields)


@pytest.mark.parametrize(
    ("kind", "source", "target"),
    [
        pytest.param(MovementKind.RECEIPT, True, True, id="receipt-with-source"),
        pytest.param(MovementKind.RECEIPT, False, False, id="receipt-nowhere"),
        pytest.param(MovementKind.SHIPMENT, False, True, id="shipment-to-a-location"),
        pytest.param(MovementKind.ISSUE, False, True, id="issue-to-a-location"),
        pytest.param(MovementKind.TRANSFER, True, False, id="transfer-one-side"),
        pytest.param(MovementKind.ADJUSTMENT, True, True, id="adjustment-both"),
        pytest.param(MovementKind.COUNT, False, False, id="count-nowhere"),
    ],
)
def test_kind_must_match_locations(
    organization, product, location, other_location, kind, source, target
):
    row = movement(
        organization,
        product,
        kind=kind,
        from_location=location if source else None,
        to_location=other_location if target else None,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_transfer_to_the_same_location_is_refused_by_the_database(organization, product, location):
    row = movement(
        organization,
        product,
        kind=MovementKind.TRANSFER,
        from_location=location,
        to_location=location,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_quantity_must_be_positive_in_the_database(organization, product, location):
    row = movement(organization, product, kind=MovementKind.RECEIPT, to_location=location)
    row.quantity = D(0)

    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


@pytest.mark.parametrize(
    ("on_hand", "reserved"),
    [
        pytest.param("-1", "0", id="negative-on-hand"),
        pytest.param("1", "-1", id="negative-reserved"),
        pytest.param("1", "2", id="reserved-above-on-hand"),
    ],
)
def test_stock_level_checks(organization, product, location, on_hand, reserved):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.unscoped.create(
            organization=organization,
            product=product,
            location=location,
            on_hand=D(on_hand),
            reserved=D(reserved),
        )


def test_one_stock_row_without_lot_per_product_and_location(organization, product, location):
    StockLevel.unscoped.create(organization=organization, product=product, location=location)

    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.unscoped.create(organization=organization, product=product, location=location)


def test_location_parent_must_be_in_the_same_warehouse(organization, location):
    elsewhere = LocationFactory(organization=organization)
    child = Location(
        organization=organization, warehouse=elsewhere.warehouse, parent=location, code="X"
    )

    with pytest.raises(ValidationError) as excinfo:
        child.full_clean()

    assert excinfo.value.message_dict == {
        "parent": ["The parent location must be in the same warehouse."]
    }


def test_location_cannot_be_inside_itself(organization, location):
    child = LocationFactory(
        organization=organization, warehouse=location.warehouse, parent=location
    )
    location.parent = child

    with pytest.raises(ValidationError) as excinfo:
        location.full_clean()

    assert excinfo.value.message_dict == {"parent": ["A location cannot be inside itself."]}


def test_location_warehouse_must_be_of_the_organization(organization, other_organization):
    theirs = WarehouseFactory(organization=other_organization)
    location = Location(organization=organization, warehouse=theirs, code="X")

    with pytest.raises(ValidationError) as excinfo:
        location.full_clean()

    assert list(excinfo.value.message_dict) == ["warehouse"]


def test_a_location_with_stock_cannot_be_deleted_alone(organization, product, location):
    services.stock_receive(
        organization=organization, product=product, location=location, quantity=D(1)
    )

    with pytest.raises(RestrictedError), transaction.atomic():
        location.delete()
    with pytest.raises(RestrictedError), transaction.atomic():
        product.delete()


def test_lot_numbers_are_unique_per_product(organization):
    lot = LotFactory(organization=organization)

    with pytest.raises(IntegrityError), transaction.atomic():
        LotFactory(organization=organization, product=lot.product, lot_number=lot.lot_number)


@pytest.mark.postgres
def test_database_trigger_refuses_updates_of_the_ledger(organization, product, location):
    row = services.stock_receive(
        organization=organization, product=product, location=location, quantity=D(1)
    )

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stockmovement SET quantity = 5 WHERE id = %s", [row.pk])
