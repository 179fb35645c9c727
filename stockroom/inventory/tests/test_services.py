from datetime import date
from decimal import Decimal

import pytest

from stockroom.catalog.tests.factories import ProductFactory
from stockroom.core.exceptions import ApplicationError
from stockroom.inventory import services
from stockroom.inventory.models import (
    LedgerImmutableError,
    Lot,
    MovementKind,
    StockLevel,
    StockMovement,
)
from stockroom.inventory.selectors import (
    inventory_valuation,
)
from stockroom.inventory.services import posting
from stockroom.inventory.signals import low_stock, stock_changed
from stockroom.inventory.tests.factories import LocationFactory, LotFactory

D = Decimal


# After every scenario, each stock level equals the sum of its movements.
pytestmark = pytest.mark.usefixtures("balances_equal_ledger")


def level(product, location, lot=None) -> StockLevel:
    return StockLevel.unscoped.get(product=product, location=location, lot=lot)


def receive(organization, product, location, quantity, **kwargs):
    return services.stock_receive(
        organization=organization,
        product=product,
        location=location,
        quantity=D(quantity),
        **kwargs,
    )


# --- receipts ------------------------------------------------------------------------------------


def test_receive_adds_stock_and_records_a_receipt(organization, product, location, clerk):
    movement = receive(
        organization,
        product,
        location,
        "10",
        unit_cost=D("2.50"),
        user=clerk.user,
        reference="PO-7",
    )

    assert movement.kind == MovementKind.RECEIPT
    assert movement.quantity == D("10")
    assert movement.to_location == location
    assert movement.from_location is None
    assert movement.unit_cost == D("2.50")
    assert movement.user == clerk.user
    assert movement.reference == "PO-7"
    assert level(product, location).on_hand == D("10.000")
    product.refresh_from_db()
    assert product.average_cost == D("2.5000")


def test_receive_without_unit_cost_uses_average_then_cost_price(organization, product, location):
    first = receive(organization, product, location, "4")
    assert first.unit_cost == D("2.0000")  # the product's cost price: no average yet

    receive(organization, product, location, "4", unit_cost=D("4.00"))
    third = receive(organization, product, location, "2")

    assert third.unit_cost == D("3.0000")
    product.refresh_from_db()
    assert product.average_cost == D("3.0000")


def test_weighted_average_cost_is_exact(organization, product, location, other_location):
    receive(organization, product, location, "10", unit_cost=D("2.00"))
    receive(organization, product, other_location, "30", unit_cost=D("3.00"))

    product.refresh_from_db()
    assert product.average_cost == D("2.7500")
    assert inventory_valuation(organization=organization) == D("110.00")


def test_average_cost_rounds_half_up_to_four_places(organization, product, location):
    receive(organization, product, location, "1", unit_cost=D("1.0000"))
    receive(organization, product, location, "2", unit_cost=D("1.0001"))
    # (1 × 1.0000 + 2 × 1.0001) / 3 = 1.000066…
    product.refresh_from_db()
    assert product.average_cost == D("1.0001")


def test_valuation_rounds_to_the_cent(organization, location):
    first = ProductFactory(organization=organization, sku="A", unit="kg")
    second = ProductFactory(organization=organization, sku="B")
    receive(organization, first, location, "0.335", unit_cost=D("3.0000"))
    receive(organization, second, location, "3", unit_cost=D("0.3350"))
    # 1.005 + 1.005 = 2.010
    assert inventory_valuation(organization=organization) == D("2.01")

    receive(organization, first, location, "0.001", unit_cost=D("3.0000"))
    # 0.336 × 3 + 1.005 = 2.013
    assert inventory_valuation(organization=organization) == D("2.01")


def test_issue_after_receipts_keeps_average_and_ships_at_it(organization, product, location):
    receive(organization, product, location, "10", unit_cost=D("2.00"))
    receive(organization, product, location, "30", unit_cost=D("3.00"))

    movement = services.stock_issue(
        reason_code="other",
        organization=organization,
        product=product,
        location=location,
        quantity=D("15"),
    )

    assert movement.kind == MovementKind.ISSUE
    assert movement.unit_cost == D("2.7500")
    assert movement.from_location == location
    assert level(product, location).on_hand == D("25")
    product.refresh_from_db()
    assert product.average_cost == D("2.7500")
    assert inventory_valuation(organization=organization) == D("68.75")


def test_receive_lot_tracked_creates_then_reuses_the_lot(organization, lot_product, location):
    first = receive(
        organization, lot_product, location, "5", lot_number="L-100", expiry_date=date(2030, 1, 31)
    )
    second = receive(organization, lot_product, location, "3", lot_number="L-100")

    assert first.lot == second.lot
    assert Lot.unscoped.filter(product=lot_product).count() == 1
    assert first.lot.expiry_date == date(2030, 1, 31)
    assert level(lot_product, location, first.lot).on_hand == D("8")


def test_receive_refuses_a_conflicting_expiry_date(organization, lot_product, location):
    receive(
        organization, lot_product, location, "5", lot_number="L-1", expiry_date=date(2030, 1, 1)
    )

    with pytest.raises(ApplicationError) as excinfo:
        receive(
            organization, lot_product, location, "5", lot_number="L-1", expiry_date=date(2031, 1, 1)
        )

    assert excinfo.value.field == "expiry_date"
    assert excinfo.value.code == "lot_expiry_conflict"
    assert StockMovement.unscoped.count() == 1


def test_receive_lot_tracked_needs_a_lot_number(organization, lot_product, location):
    with pytest.raises(ApplicationError) as excinfo:
        receive(organization, lot_product, location, "5", lot_number="  ")

    assert excinfo.value.field == "lot_number"
    assert excinfo.value.code == "lot_required"


def test_receive_untracked_refuses_a_lot_number(organization, product, location):
    with pytest.raises(ApplicationError) as excinfo:
        receive(organization, product, location, "5", lot_number="L-1")

    assert excinfo.value.field == "lot_number"


def test_receive_refuses_a_negative_unit_cost(organization, product, location):
    with pytest.raises(ApplicationError) as excinfo:
        receive(organization, product, location, "5", unit_cost=D("-0.01"))

    assert excinfo.value.field == "unit_cost"
    assert StockMovement.unscoped.count() == 0


# --- quantity refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "quantity", "code"),
    [
        pytest.param("each", "0", "quantity_not_positive", id="zero"),
        pytest.param("each", "-1", "quantity_not_positive", id="negative"),
        pytest.param("each", "1.5", "quantity_precision", id="each-with-decimals"),
        pytest.param("box", "0.001", "quantity_precision", id="box-with-decimals"),
        pytest.param("kg", "1.2345", "quantity_precision", id="kg-with-four-decimals"),
        pytest.param("kg", "100000000000", "quantity_large", id="too-large"),
        pytest.param("kg", "NaN", "invalid_quantity", id="not-a-number"),
    ],
)
def test_services_refuse_bad_quantities(organization, location, unit, quantity, code):
    product = ProductFactory(organization=organization, unit=unit)

    for call in (
        lambda: receive(organization, product, location, quantity),
        lambda: services.stock_issue(
            reason_code="other",
            organization=organization,
            product=product,
            location=location,
            quantity=D(quantity),
        ),
        lambda: services.stock_reserve(
            organization=organization, product=product, location=location, quantity=D(quantity)
        ),
    ):
        with pytest.raises(ApplicationError) as excinfo:
            call()
        assert excinfo.value.field == "quantity"
        assert excinfo.value.code == code
    assert StockMovement.unscoped.count() == 0


@pytest.mark.parametrize(
    ("unit", "quantity"),
    [
        pytest.param("each", "3.000", id="each-whole-with-zero-decimals"),
        pytest.param("kg", "1.234", id="kg-three-decimals"),
        pytest.param("ml", "0.001", id="ml-smallest"),
    ],
)
def test_quantities_within_the_unit_precision_are_accepted(organization, location, unit, quantity):
    product = ProductFactory(organization=organization, unit=unit)

    movement = receive(organization, product, location, quantity)

    assert movement.quantity == D(quantity)
    assert level(product, location).on_hand == D(quantity)


# --- other organizations and inactive records ----------------------------------------------------


@pytest.fixture
def foreign(other_organization):
    product = ProductFactory(organization=other_organization, is_lot_tracked=True)
    return {
        "location": LocationFactory(organization=other_organization),
        "product": product,
        "lot": LotFactory(organization=other_organization, product=product),
    }


def test_receive_refuses_another_organizations_location(organization, product, foreign):
    with pytest.raises(ApplicationError) as excinfo:
        receive(organization, product, foreign["location"], "1")

    assert excinfo.value.field == "location"
    assert excinfo.value.code == "wrong_organization"


def test_receive_refuses_another_organizations_product(organization, location, foreign):
    with pytest.raises(ApplicationError) as excinfo:
        receive(organization, foreign["product"], location, "1", lot_number="X")

    assert excinfo.value.field == "product"


def test_issue_refuses_another_organizations_lot(organization, lot_product, location, foreign):
    receive(organization, lot_product, location, "5", lot_number="L-1")

    with pytest.raises(ApplicationError) as excinfo:
        services.stock_issue(
            reason_code="other",
            organization=organization,
            product=lot_product,
            location=location,
            quantity=D("1"),
            lot=foreign["lot"],
        )

    assert excinfo.value.field == "lot"
    assert excinfo.value.code == "wrong_organization"


@pytest.mark.parametrize("field", ["from_location", "to_location"])
def test_transfer_refuses_another_organizations_location(
    organization, product, location, foreign, field
):
    receive(organization, product, location, "5")
    places = {"from_location": location, "to_location": location, field: foreign["location"]}

    with pytest.raises(ApplicationError) as excinfo:
        services.stock_transfer(
            organization=organization, product=product, quantity=D("1"), **places
        )

    assert excinfo.value.field == field
    assert level(product, location).on_hand == D("5")


def test_services_refuse_an_inactive_product(organization, product, location):
    receive(organization, product, location, "5")
    product.is_active = False
    product.save()

    with pytest.raises(ApplicationError) as excinfo:
        services.stock_issue(
            reason_code="other",
            organization=organization,
            product=product,
            location=location,
            quantity=D("1"),
        )

    assert excinfo.value.field == "product"
    assert excinfo.value.code == "inactive_product"


def test_services_refuse_an_inactive_location(organization, product, location):
    location.is_active = False
    location.save()

    with pytest.raises(ApplicationError) as excinfo:
        receive(organization, product, location, "5")

    assert excinfo.value.field == "location"
    assert excinfo.value.code == "inactive_location"


def test_lot_of_another_product_is_refused(organization, lot_product, location):
    other_lot = LotFactory(organization=organization)

    with pytest.raises(ApplicationError) as excinfo:
        services.stock_reserve(
            organization=organization,
            product=lot_product,
            location=location,
            quantity=D("1"),
            lot=other_lot,
        )

    assert excinfo.value.code == "lot_product_mismatch"


@pytest.mark.parametrize("service", ["issue", "transfer"])
def test_lot_tracked_product_needs_a_lot(
    organization, lot_product, location, other_location, service
):
    receive(organization, lot_product, location, "5", lot_number="L-1")

    with pytest.raises(ApplicationError) as excinfo:
        if service == "issue":
            services.stock_issue(
                reason_code="other",
                organization=organization,
                product=lot_product,
                location=location,
                quantity=D("1"),
            )
        else:
            services.stock_transfer(
                organization=organization,
                product=lot_product,
                from_location=location,
                to_location=other_location,
                quantity=D("1"),
            )

    assert excinfo.value.field == "lot"
    assert excinfo.value.code == "lot_required"


# --- issues, transfers, adjustments, reservations ------------------------------------------------


def _issue(organization, product, location, other_location, quantity):
    services.stock_issue(
        reason_code="other",
        organization=organization,
        product=product,
        location=location,
        quantity=quantity,
    )


def _reserve(organization, product, location, other_location, quantity):
    services.stock_reserve(
        organization=organization, product=product, location=location, quantity=quantity
    )


def _transfer(organization, product, location, other_location, quantity):
    services.stock_transfer(
        organization=organization,
        product=product,
        from_location=location,
        to_location=other_location,
        quantity=quantity,
    )


@pytest.mark.parametrize(
    "take",
    [
        pytest.param(_issue, id="issue"),
        pytest.param(_reserve, id="reserve"),
        pytest.param(_transfer, id="transfer"),
    ],
)
def test_stock_out_refuses_more_than_available(
    organization, product, location, other_location, take
):
    receive(organization, product, location, "5")
    services.stock_reserve(
        organization=organization, product=product, location=location, quantity=D("2")
    )

    with pytest.raises(ApplicationError) as excinfo:
        take(organization, product, location, other_location, D("4"))  # 3 available

    assert excinfo.value.field == "quantity"
    assert excinfo.value.code == "insufficient_stock"
    stock = level(product, location)
    assert (stock.on_hand, stock.reserved, stock.available) == (D("5"), D("2"), D("3"))
    assert StockMovement.unscoped.count() == 1  # the receipt only


def test_issue_from_a_location_without_stock_is_refused(organization, product, location):
    with pytest.raises(ApplicationError) as excinfo:
        services.stock_issue(
            reason_code="other",
            organization=organization,
            product=product,
            location=location,
            quantity=D("1"),
        )

    assert excinfo.value.code == "insufficient_stock"
    assert not StockLevel.unscoped.exists()


def test_issue_of_a_lot_takes_from_that_lot_only(organization, lot_product, location):
    old = receive(organization, lot_product, location, "5", lot_number="OLD").lot
    new = receive(organization, lot_product, location, "7", lot_number="NEW").lot

    services.stock_issue(
        reason_code="other",
        organization=organization,
        product=lot_product,
        location=location,
        quantity=D("5"),
        lot=old,
    )

    assert level(lot_product, location, old).on_hand == D("0")
    assert level(lot_product, location, new).on_hand == D("7")


def test_transfer_moves_stock_between_locations(organization, product, location, other_location):
    receive(organization, product, location, "10", unit_cost=D("2.00"))

    movement = services.stock_transfer(
        organization=organization,
        product=product,
        from_location=location,
        to_location=other_location,
        quantity=D("4"),
        reason="Replenish pick face",
    )

    assert movement.kind == MovementKind.TRANSFER
    assert (movement.from_location, movement.to_location) == (location, other_location)
    assert level(product, location).on_hand == D("6")
    assert level(product, other_location).on_hand == D("4")
    assert inventory_valuation(organization=organization) == D("20.00")


def test_transfer_to_the_same_location_is_refused(organization, product, location):
    receive(organization, product, location, "10")

    with pytest.raises(ApplicationError) as excinfo:
        services.stock_transfer(
            organization=organization,
            product=product,
            from_location=location,
            to_location=location,
            quantity=D("1"),
        )

    assert excinfo.value.field == "to_location"
    assert excinfo.value.code == "same_location"


@pytest.mark.parametrize(
    ("delta", "kind", "on_hand", "from_set"),
    [
        pytest.param("3", MovementKind.ADJUSTMENT, D("13"), False, id="found-stock"),
        pytest.param("-4", MovementKind.ADJUSTMENT, D("6"), True, id="damaged"),
        pytest.param("-1", MovementKind.COUNT, D("9"), True, id="count-variance"),
    ],
)
def test_adjust_changes_stock_by_the_signed_delta(
    organization, product, location, delta, kind, on_hand, from_set
):
    receive(organization, product, location, "10", unit_cost=D("2.00"))

    movement = services.stock_adjust(
        organization=organization,
        product=product,
        location=location,
        quantity_delta=D(delta),
        reason="Shelf check",
        kind=kind,
    )

    assert movement.kind == kind
    assert movement.quantity == abs(D(delta))
    assert movement.unit_cost == D("2.0000")
    assert (movement.from_location is not None) is from_set
    assert (movement.to_location is not None) is not from_set
    assert level(product, location).on_hand == on_hand


@pytest.mark.parametrize(
    ("delta", "reason", "field", "code"),
    [
        pytest.param("1", "   ", "reason", "reason_required", id="missing-reason"),
        pytest.param("0", "Oops", "quantity", "zero_delta", id="zero-delta"),
        pytest.param("-11", "Lost", "quantity", "insufficient_stock", id="below-zero"),
        pytest.param("0.5", "Half", "quantity", "quantity_precision", id="decimals"),
    ],
)
def test_adjust_refusals(organization, product, location, delta, reason, field, code):
    receive(organization, product, location, "10")

    with pytest.raises(ApplicationError) as excinfo:
        services.stock_adjust(
            organization=organization,
            product=product,
            location=location,
            quantity_delta=D(delta),
            reason=reason,
        )

    assert (excinfo.value.field, excinfo.value.code) == (field, code)
    assert level(product, location).on_hand == D("10")


def test_adjust_down_cannot_take_reserved_stock(organization, product, location):
    receive(organization, product, location, "10")
    services.stock_reserve(
        organization=organization, product=product, location=location, quantity=D("8")
    )

    with pytest.raises(ApplicationError):
        services.stock_adjust(
            organization=organization,
            product=product,
            location=location,
            quantity_delta=D("-3"),
            reason="Broken",
        )


def test_reserve_and_release(organization, product, location):
    receive(organization, product, location, "10")

    reserved = services.stock_reserve(
        organization=organization, product=product, location=location, quantity=D("6")
    )
    assert (reserved.on_hand, reserved.reserved, reserved.available) == (D("10"), D("6"), D("4"))

    released = services.stock_release(
        organization=organization, product=product, location=location, quantity=D("2")
    )
    assert (released.reserved, released.available) == (D("4"), D("6"))
    assert StockMovement.unscoped.count() == 1  # reservations are not movements


def test_release_refuses_more_than_reserved(organization, product, location):
    receive(organization, product, location, "10")
    services.stock_reserve(
        organization=organization, product=product, location=location, quantity=D("2")
    )

    with pytest.raises(ApplicationError) as excinfo:
        services.stock_release(
            organization=organization, product=product, location=location, quantity=D("3")
        )

    assert (excinfo.value.field, excinfo.value.code) == ("quantity", "over_release")
    assert level(product, location).reserved == D("2")


# --- idempotency ---------------------------------------------------------------------------------


def test_same_idempotency_key_posts_once(organization, product, location):
    first = receive(organization, product, location, "5", idempotency_key="scan-1")
    second = receive(organization, product, location, "5", idempotency_key="scan-1")

    assert second.pk == first.pk
    assert StockMovement.unscoped.count() == 1
    assert level(product, location).on_hand == D("5")


def test_idempotency_key_reused_for_a_different_movement_conflicts(organization, product, location):
    receive(organization, product, location, "5", idempotency_key="scan-1")

    with pytest.raises(ApplicationError) as excinfo:
        services.stock_issue(
            reason_code="other",
            organization=organization,
            product=product,
            location=location,
            quantity=D("1"),
            idempotency_key="scan-1",
        )

    assert excinfo.value.code == "idempotency_conflict"
    assert level(product, location).on_hand == D("5")


def test_idempotency_keys_are_per_organization(organization, other_organization, product, location):
    theirs = ProductFactory(organization=other_organization)
    their_location = LocationFactory(organization=other_organization)

    receive(organization, product, location, "5", idempotency_key="k")
    receive(other_organization, theirs, their_location, "5", idempotency_key="k")

    assert StockMovement.unscoped.count() == 2


def test_duplicate_key_losing_the_race_returns_the_winner(
    organization, product, location, monkeypatch
):
    """The key look-up in the product lock misses (as when two requests race: the lock's
    statement saw the data from before the winner committed); the unique constraint catches it
    and the winner's movement is returned."""
    winner = receive(organization, product, location, "5", idempotency_key="race")
    real_lock = posting.lock_product
    calls = []

    def miss_first_time(product_id, **annotations):
        calls.append(annotations)
        locked = real_lock(product_id, **annotations)
        if len(calls) == 1:
            locked.earlier_movement_id = None
        return locked

    monkeypatch.setattr(posting, "lock_product", miss_first_time)

    again = receive(organization, product, location, "5", idempotency_key="race")

    assert again.pk == winner.pk
    assert again.replayed is True
    assert list(calls[0]) == ["earlier_movement_id"]
    assert level(product, location).on_hand == D("5")


def test_duplicate_transfer_key_losing_the_race_returns_the_winner(
    organization, product, location, other_location, monkeypatch
):
    """Transfers lock no product: their early look-up is a query of its own."""
    receive(organization, product, location, "9")
    winner = services.stock_transfer(
        organization=organization,
        product=product,
        from_location=location,
        to_location=other_location,
        quantity=D(2),
        idempotency_key="race",
    )
    real_lookup = posting._earlier_movement
    calls = []

    def miss_first_time(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_lookup(*args)

    monkeypatch.setattr(posting, "_earlier_movement", miss_first_time)

    again = services.stock_transfer(
        organization=organization,
        product=product,
        from_location=location,
        to_location=other_location,
        quantity=D(2),
        idempotency_key="race",
    )

    assert again.pk == winner.pk
    assert len(calls) == 2
    assert level(product, other_location).on_hand == D("2")


# --- events after commit -------------------------------------------------------------------------


@pytest.fixture
def received_events():
    events = []

    def on_changed(sender, movement, organization_id, **kwargs):
        events.append(("stock_changed", movement.pk, organization_id))

    def on_low(sender, product_id, organization_id, available, **kwargs):
        events.append(("low_stock", product_id, organization_id, available))

    stock_changed.connect(on_changed)
    low_stock.connect(on_low)
    yield events
    stock_changed.disconnect(on_changed)
    low_stock.disconnect(on_low)


def test_stock_changed_is_sent_after_commit(
    organization, product, location, received_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        movement = receive(organization, product, location, "5")
    assert received_events == []

    for callback in callbacks:
        callback()

    assert received_events == [("stock_changed", movement.pk, organization.pk)]


def test_low_stock_fires_when_available_reaches_reorder_point(
    organization, product, location, received_events, django_capture_on_commit_callbacks
):
    product.reorder_point = D("4")
    product.save()
    receive(organization, product, location, "10")
    received_events.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.stock_issue(
            reason_code="other",
            organization=organization,
            product=product,
            location=location,
            quantity=D("5"),
        )
    assert [event[0] for event in received_events] == ["stock_changed"]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.stock_issue(
            reason_code="other",
            organization=organization,
            product=product,
            location=location,
            quantity=D("1"),
        )
    assert len(received_events) == 1  # nothing sent before the commit
    for callback in callbacks:
        callback()

    assert received_events[-1] == ("low_stock", product.pk, organization.pk, D("4"))


def test_low_stock_counts_reservations(
    organization, product, location, received_events, django_capture_on_commit_callbacks
):
    product.reorder_point = D("3")
    product.save()
    receive(organization, product, location, "10")

    with django_capture_on_commit_callbacks(execute=True):
        services.stock_reserve(
            organization=organization, product=product, location=location, quantity=D("7")
        )

    assert received_events[-1] == ("low_stock", product.pk, organization.pk, D("3"))


def test_no_events_when_the_service_is_refused(
    organization, product, location, received_events, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ApplicationError),
    ):
        services.stock_issue(
            reason_code="other",
            organization=organization,
            product=product,
            location=location,
            quantity=D("1"),
        )

    assert callbacks == []
    assert received_events == []


def test_no_low_stock_without_a_reorder_point(
    organization, product, location, received_events, django_capture_on_commit_callbacks
):
    receive(organization, product, location, "1")
    with django_capture_on_commit_callbacks(execute=True):
        services.stock_issue(
            reason_code="other",
            organization=organization,
            product=product,
            location=location,
            quantity=D("1"),
        )

    assert [event[0] for event in received_events] == ["stock_changed"]


# --- the ledger is append-only -------------------------------------------------------------------


def test_a_movement_cannot_be_changed_or_deleted(organization, product, location):
    movement = receive(organization, product, location, "5")

    movement.quantity = D("50")
    with pytest.raises(LedgerImmutableError):
        movement.save()
    with pytest.raises(LedgerImmutableError):
        movement.delete()
    with pytest.raises(LedgerImmutableError):
        StockMovement.unscoped.filter(pk=movement.pk).update(quantity=D("50"))
    with pytest.raises(LedgerImmutableError):
        StockMovement.objects.filter(pk=movement.pk).delete()
    with pytest.raises(LedgerImmutableError):
        StockMovement.unscoped.all().delete()

    assert StockMovement.unscoped.get().quantity == D("5")


def test_deleting_an_organization_removes_its_ledger(
    organization, other_organization, product, location, lot_product, other_location, clerk
):
    receive(organization, product, location, "5", user=clerk.user)
    receive(organization, lot_product, location, "5", lot_number="L-1")
    services.stock_transfer(
        organization=organization,
        product=product,
        from_location=location,
        to_location=other_location,
        quantity=D("2"),
    )
    theirs = ProductFactory(organization=other_organization)
    receive(other_organization, theirs, LocationFactory(organization=other_organization), "1")

    organization.delete()

    assert StockMovement.unscoped.filter(organization_id=organization.pk).count() == 0
    assert StockLevel.unscoped.filter(organization_id=organization.pk).count() == 0
    assert StockMovement.unscoped.count() == 1


def test_deleting_a_user_keeps_their_movements(organization, product, location, clerk):
    movement = receive(organization, product, location, "5", user=clerk.user)

    clerk.user.delete()

    assert StockMovement.unscoped.get(pk=movement.pk).user is None
