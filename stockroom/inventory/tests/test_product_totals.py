"""Each product's maintained stock totals (stock_on_hand, stock_reserved) follow every service,
stay untouched by refusals and by saves of stale copies, and the migration fills them."""

import importlib
from decimal import Decimal

import pytest

from django.apps import apps
from django.db import IntegrityError, transaction

from stockroom.catalog.models import Product
from stockroom.core.exceptions import ApplicationError
from stockroom.inventory import services
from stockroom.inventory.selectors import product_total_mismatches
from stockroom.inventory.services import ReceiptLine

D = Decimal


def totals(product) -> tuple[Decimal, Decimal]:
    return tuple(
        Product.unscoped.filter(pk=product.pk).values_list("stock_on_hand", "stock_reserved").get()
    )


def test_every_service_keeps_the_totals(organization, product, location, other_location):
    common = {"organization": organization, "product": product}
    steps = [
        (lambda: services.stock_receive(location=location, quantity=D(10), **common), (10, 0)),
        (lambda: services.stock_reserve(location=location, quantity=D(3), **common), (10, 3)),
        (
            lambda: services.stock_issue(
                reason_code="other", location=location, quantity=D(2), **common
            ),
            (8, 3),
        ),
        (
            lambda: services.stock_transfer(
                from_location=location, to_location=other_location, quantity=D(4), **common
            ),
            (8, 3),
        ),
        (
            lambda: services.stock_adjust(
                location=other_location, quantity_delta=D(-1), reason="broken", **common
            ),
            (7, 3),
        ),
        (
            lambda: services.stock_adjust(
                location=location, quantity_delta=D(2), reason="found", kind="count", **common
            ),
            (9, 3),
        ),
        (lambda: services.stock_release(location=location, quantity=D(3), **common), (9, 0)),
    ]
    for number, (step, (on_hand, reserved)) in enumerate(steps):
        step()
        assert totals(product) == (D(on_hand), D(reserved)), f"step {number}"
        # The caller's instance follows the stored row.
        assert (product.stock_on_hand, product.stock_reserved) == (D(on_hand), D(reserved))
    assert product_total_mismatches(organization=organization) == []


def test_bulk_receipts_add_to_the_totals(organization, product, location, other_location):
    services.stock_receive(
        organization=organization, product=product, location=location, quantity=D(5)
    )
    lines = [
        ReceiptLine(product=product, location=location, quantity=D(2)),
        ReceiptLine(product=product, location=other_location, quantity=D(7)),
    ]

    services.stock_receive_bulk(organization=organization, lines=lines)

    assert totals(product) == (D(14), D(0))
    assert product_total_mismatches(organization=organization) == []


@pytest.mark.parametrize(
    "refused",
    [
        pytest.param(
            lambda common, location: services.stock_issue(
                reason_code="other", location=location, quantity=D(9), **common
            ),
            id="issue-beyond-available",
        ),
        pytest.param(
            lambda common, location: services.stock_reserve(
                location=location, quantity=D(9), **common
            ),
            id="reserve-beyond-available",
        ),
        pytest.param(
            lambda common, location: services.stock_release(
                location=location, quantity=D(3), **common
            ),
            id="release-beyond-reserved",
        ),
        pytest.param(
            lambda common, location: services.stock_adjust(
                location=location, quantity_delta=D(-9), reason="lost", **common
            ),
            id="adjust-below-reserved",
        ),
    ],
)
def test_a_refused_movement_leaves_the_totals(organization, product, location, refused):
    common = {"organization": organization, "product": product}
    services.stock_receive(location=location, quantity=D(10), **common)
    services.stock_reserve(location=location, quantity=D(2), **common)

    with pytest.raises(ApplicationError):
        refused(common, location)

    assert totals(product) == (D(10), D(2))


def test_saving_a_stale_copy_keeps_the_stock_fields(organization, product, location):
    """A form or the admin saves a copy read before a movement: the totals and the average cost
    the services wrote since must survive."""
    stale = Product.unscoped.get(pk=product.pk)
    services.stock_receive(
        organization=organization,
        product=product,
        location=location,
        quantity=D(4),
        unit_cost=D("3.5"),
    )

    stale.name = "Renamed"
    stale.save()

    stored = Product.unscoped.get(pk=product.pk)
    assert stored.name == "Renamed"
    assert (stored.stock_on_hand, stored.average_cost) == (D(4), D("3.5000"))


def test_the_migration_fills_the_totals_from_the_stock_rows(
    organization, product, bulk_product, location, other_location
):
    common = {"organization": organization}
    services.stock_receive(product=product, location=location, quantity=D(6), **common)
    services.stock_receive(product=product, location=other_location, quantity=D(3), **common)
    services.stock_reserve(product=product, location=location, quantity=D(4), **common)
    services.stock_receive(product=bulk_product, location=location, quantity=D("1.250"), **common)
    Product.unscoped.update(stock_on_hand=D(0), stock_reserved=D(0))
    migration = importlib.import_module("stockroom.catalog.migrations.0006_product_stock_totals")

    migration.fill_stock_totals(apps, schema_editor=None)

    assert totals(product) == (D(9), D(4))
    assert totals(bulk_product) == (D("1.250"), D(0))
    assert product_total_mismatches(organization=organization) == []


def test_the_database_refuses_negative_or_over_reserved_totals(product):
    for values in ({"stock_on_hand": D(-1)}, {"stock_reserved": D(1)}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Product.unscoped.filter(pk=product.pk).update(**values)


def test_saving_a_partly_loaded_copy_writes_only_what_it_loaded(organization, product):
    partial = Product.unscoped.only("pk", "name", "organization").get(pk=product.pk)
    Product.unscoped.filter(pk=product.pk).update(description="kept")

    partial.name = "Renamed"
    partial.save()

    stored = Product.unscoped.get(pk=product.pk)
    assert (stored.name, stored.description) == ("Renamed", "kept")
