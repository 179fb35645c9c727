"""stock_receive_bulk: many receipts in one transaction, exactly as stock_receive one by one."""

import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from stockroom.accounts.tests.factories import OrganizationFactory
from stockroom.catalog.models import Product, UnitOfMeasure
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.core.exceptions import ApplicationError
from stockroom.inventory import services
from stockroom.inventory.models import Lot, StockLevel, StockMovement
from stockroom.inventory.selectors import (
    inventory_valuation,
)
from stockroom.inventory.services import ReceiptLine
from stockroom.inventory.signals import low_stock, stock_changed
from stockroom.inventory.tests.factories import LocationFactory, LotFactory, WarehouseFactory

D = Decimal


# After every scenario, each stock level equals the sum of its movements.
pytestmark = pytest.mark.usefixtures("balances_equal_ledger")


def _receive_bulk(organization, lines, **kwargs):
    return services.stock_receive_bulk(organization=organization, lines=lines, **kwargs)


def _levels(organization) -> list[tuple]:
    return sorted(
        (
            level.product.sku,
            level.location.code,
            level.lot.lot_number if level.lot_id else "",
            level.on_hand,
        )
        for level in StockLevel.unscoped.filter(organization=organization).select_related(
            "product", "location", "lot"
        )
    )


def _ledger(organization) -> list[tuple]:
    return [
        (
            movement.kind,
            movement.product.sku,
            (movement.from_location or movement.to_location).code,
            movement.lot.lot_number if movement.lot_id else "",
            movement.quantity,
            movement.unit_cost,
        )
        for movement in StockMovement.unscoped.filter(organization=organization)
        .select_related("product", "from_location", "to_location", "lot")
        .order_by("pk")
    ]


def _lots(organization) -> list[tuple]:
    return sorted(
        (lot.product.sku, lot.lot_number, lot.expiry_date)
        for lot in Lot.unscoped.filter(organization=organization).select_related("product")
    )


def _averages(organization) -> dict[str, Decimal]:
    return dict(
        Product.unscoped.filter(organization=organization).values_list("sku", "average_cost")
    )


# --- same result as stock_receive line by line ---------------------------------------------------


EXPIRY = {"L-1": date(2030, 1, 31), "L-2": date(2031, 6, 30), "L-3": None}


def _catalog(organization) -> tuple[dict, dict]:
    """The same products, places and history in any organization."""
    warehouse = WarehouseFactory(organization=organization, code="MAIN")
    locations = {
        code: LocationFactory(organization=organization, warehouse=warehouse, code=code)
        for code in ("A-01", "A-02", "B-01")
    }
    products = {
        "EACH": ProductFactory(organization=organization, sku="EACH", cost_price=D("2.1234")),
        "KG": ProductFactory(
            organization=organization, sku="KG", unit=UnitOfMeasure.KILOGRAM, cost_price=D("0.3")
        ),
        "FREE": ProductFactory(organization=organization, sku="FREE", cost_price=D("0")),
        "LOTS": ProductFactory(
            organization=organization, sku="LOTS", is_lot_tracked=True, cost_price=D("1.05")
        ),
        "OLD": ProductFactory(organization=organization, sku="OLD", cost_price=D("9.99")),
    }
    # History: an average that is not the cost price, stock in two places, an undated lot.
    services.stock_receive(
        organization=organization,
        product=products["OLD"],
        location=locations["A-01"],
        quantity=D("7"),
        unit_cost=D("3.3333"),
    )
    services.stock_receive(
        organization=organization,
        product=products["OLD"],
        location=locations["B-01"],
        quantity=D("5"),
        unit_cost=D("4.0001"),
    )
    services.stock_issue(
        reason_code="other",
        organization=organization,
        product=products["OLD"],
        location=locations["A-01"],
        quantity=D("4"),
    )
    services.stock_receive(
        organization=organization,
        product=products["LOTS"],
        location=locations["A-02"],
        quantity=D("3"),
        lot_number="L-1",
    )
    return products, locations


def _random_lines(seed: int, count: int) -> list[dict]:
    """Receipt arguments by SKU and location code, reproducible from the seed."""
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        sku = rng.choice(["EACH", "KG", "FREE", "LOTS", "OLD"])
        # Kilograms take three decimals, the others whole units.
        places = 3 if sku == "KG" else 0
        quantity = D(rng.randint(1, 99_999)).scaleb(-places)
        unit_cost = None if rng.random() < 0.3 else D(rng.randint(0, 999_999)).scaleb(-4)
        lot_number, expiry = "", None
        if sku == "LOTS":
            lot_number = rng.choice(list(EXPIRY))
            expiry = EXPIRY[lot_number] if rng.random() < 0.5 else None
        lines.append(
            {
                "sku": sku,
                "location": rng.choice(["A-01", "A-02", "B-01"]),
                "quantity": quantity,
                "unit_cost": unit_cost,
                "lot_number": lot_number,
                "expiry_date": expiry,
            }
        )
    return lines


@pytest.mark.parametrize("seed", [1, 2, 3], ids=["seed-1", "seed-2", "seed-3"])
def test_bulk_posts_what_receipts_one_by_one_would(seed):
    one_by_one, in_bulk = OrganizationFactory(), OrganizationFactory()
    products_a, locations_a = _catalog(one_by_one)
    products_b, locations_b = _catalog(in_bulk)
    lines = _random_lines(seed, 300)

    for line in lines:
        services.stock_receive(
            organization=one_by_one,
            product=products_a[line["sku"]],
            location=locations_a[line["location"]],
            quantity=line["quantity"],
            unit_cost=line["unit_cost"],
            lot_number=line["lot_number"],
            expiry_date=line["expiry_date"],
        )
    _receive_bulk(
        in_bulk,
        [
            ReceiptLine(
                product=products_b[line["sku"]],
                location=locations_b[line["location"]],
                quantity=line["quantity"],
                unit_cost=line["unit_cost"],
                lot_number=line["lot_number"],
                expiry_date=line["expiry_date"],
            )
            for line in lines
        ],
        # Small batches, so lines of one product fall in different batches.
        batch_size=7,
    )

    assert _averages(in_bulk) == _averages(one_by_one)
    assert _ledger(in_bulk) == _ledger(one_by_one)
    assert _levels(in_bulk) == _levels(one_by_one)
    assert _lots(in_bulk) == _lots(one_by_one)
    assert inventory_valuation(organization=in_bulk) == inventory_valuation(organization=one_by_one)
    # The callers' instances carry the new average, as stock_receive's do.
    assert {sku: p.average_cost for sku, p in products_b.items()} == _averages(in_bulk)


def test_moving_average_follows_the_line_order(organization):
    warehouse = WarehouseFactory(organization=organization)
    shelf = LocationFactory(organization=organization, warehouse=warehouse)
    product = ProductFactory(organization=organization, cost_price=D("2.0000"))

    movements = _receive_bulk(
        organization,
        [
            ReceiptLine(product=product, location=shelf, quantity=D("4")),
            ReceiptLine(product=product, location=shelf, quantity=D("4"), unit_cost=D("4.00")),
            ReceiptLine(product=product, location=shelf, quantity=D("2")),
            ReceiptLine(product=product, location=shelf, quantity=D("1"), unit_cost=D("1.0001")),
        ],
    )

    # cost price 2 (no average yet); (4×2 + 4×4)/8 = 3; at the average 3; (10×3 + 1.0001)/11
    assert [m.unit_cost for m in movements] == [D("2.0000"), D("4.00"), D("3.0000"), D("1.0001")]
    product.refresh_from_db()
    assert product.average_cost == D("2.8182")
    assert StockLevel.unscoped.get(product=product).on_hand == D("11")
    assert inventory_valuation(organization=organization) == D("31.00")


def test_lots_are_created_once_and_dated_by_a_later_line(organization):
    warehouse = WarehouseFactory(organization=organization)
    shelf = LocationFactory(organization=organization, warehouse=warehouse, code="SHELF")
    milk = ProductFactory(organization=organization, sku="MILK", is_lot_tracked=True)
    undated = LotFactory(organization=organization, product=milk, lot_number="OLD")

    movements = _receive_bulk(
        organization,
        [
            ReceiptLine(product=milk, location=shelf, quantity=D("1"), lot_number=" NEW "),
            ReceiptLine(
                product=milk,
                location=shelf,
                quantity=D("2"),
                lot_number="NEW",
                expiry_date=date(2030, 1, 31),
            ),
            ReceiptLine(
                product=milk,
                location=shelf,
                quantity=D("3"),
                lot_number="OLD",
                expiry_date=date(2029, 5, 1),
            ),
        ],
    )

    assert _lots(organization) == [
        ("MILK", "NEW", date(2030, 1, 31)),
        ("MILK", "OLD", date(2029, 5, 1)),
    ]
    assert movements[0].lot == movements[1].lot
    assert movements[2].lot.pk == undated.pk
    assert _levels(organization) == [
        ("MILK", "SHELF", "NEW", D("3")),
        ("MILK", "SHELF", "OLD", D("3")),
    ]


def test_stock_rows_that_exist_are_added_to(organization, product, location, other_location):
    services.stock_receive(
        organization=organization, product=product, location=location, quantity=D("5")
    )

    _receive_bulk(
        organization,
        [
            ReceiptLine(product=product, location=location, quantity=D("2")),
            ReceiptLine(product=product, location=other_location, quantity=D("3")),
            ReceiptLine(product=product, location=location, quantity=D("1")),
        ],
    )

    assert _levels(organization) == [
        ("BOLT-M8", "A-01", "", D("8")),
        ("BOLT-M8", "B-01", "", D("3")),
    ]


def test_movements_carry_the_common_fields(organization, product, location, clerk):
    occurred = datetime(2024, 3, 1, 9, tzinfo=UTC)

    movements = _receive_bulk(
        organization,
        [ReceiptLine(product=product, location=location, quantity=D("2"), idempotency_key="k-1")],
        user=clerk.user,
        reference="Import #7",
        reason="Opening stock",
        occurred_at=occurred,
    )

    stored = StockMovement.unscoped.get(pk=movements[0].pk)
    assert (stored.kind, stored.user_id, stored.reference, stored.reason) == (
        "receipt",
        clerk.user_id,
        "Import #7",
        "Opening stock",
    )
    assert (stored.occurred_at, stored.idempotency_key, stored.from_location_id) == (
        occurred,
        "k-1",
        None,
    )


def test_no_lines_post_nothing(organization):
    assert _receive_bulk(organization, []) == []
    assert StockMovement.unscoped.count() == 0


# --- refusals ------------------------------------------------------------------------------------


@pytest.fixture
def refusal_setup(organization, product, location, lot_product, other_organization):
    foreign_location = LocationFactory(organization=other_organization)
    inactive_location = LocationFactory(
        organization=organization, warehouse=location.warehouse, is_active=False
    )
    inactive = ProductFactory(organization=organization, is_active=False)
    LotFactory(
        organization=organization,
        product=lot_product,
        lot_number="DATED",
        expiry_date=date(2030, 1, 1),
    )
    services.stock_receive(
        organization=organization,
        product=product,
        location=location,
        quantity=D("1"),
        idempotency_key="used",
    )
    return {
        "product": product,
        "location": location,
        "lot_product": lot_product,
        "foreign_product": ProductFactory(organization=other_organization),
        "foreign_location": foreign_location,
        "inactive_location": inactive_location,
        "inactive_product": inactive,
    }


REFUSALS = [
    ("foreign-product", {"product": "foreign_product"}, "product", "wrong_organization"),
    ("inactive-product", {"product": "inactive_product"}, "product", "inactive_product"),
    ("foreign-location", {"location": "foreign_location"}, "location", "wrong_organization"),
    ("inactive-location", {"location": "inactive_location"}, "location", "inactive_location"),
    ("zero", {"quantity": "0"}, "quantity", "quantity_not_positive"),
    ("not-a-number", {"quantity": "abc"}, "quantity", "invalid_quantity"),
    ("fraction-of-each", {"quantity": "1.5"}, "quantity", "quantity_precision"),
    ("huge", {"quantity": "100000000000"}, "quantity", "quantity_large"),
    ("negative-cost", {"unit_cost": "-1"}, "unit_cost", "negative_unit_cost"),
    ("cost-places", {"unit_cost": "1.00001"}, "unit_cost", "unit_cost_precision"),
    ("cost-nan", {"unit_cost": "NaN"}, "unit_cost", "invalid_unit_cost"),
    ("lot-on-untracked", {"lot_number": "L-1"}, "lot_number", "lot_not_tracked"),
    ("no-lot", {"product": "lot_product"}, "lot_number", "lot_required"),
    (
        "lot-too-long",
        {"product": "lot_product", "lot_number": "L" * 65},
        "lot_number",
        "lot_number_long",
    ),
    (
        "other-expiry",
        {"product": "lot_product", "lot_number": "DATED", "expiry_date": date(2031, 1, 1)},
        "expiry_date",
        "lot_expiry_conflict",
    ),
    ("key-used-before", {"idempotency_key": "used"}, None, "idempotency_conflict"),
]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [pytest.param(change, field, code, id=name) for name, change, field, code in REFUSALS],
)
def test_a_bad_line_refuses_the_whole_post_and_is_named(
    organization, refusal_setup, change, field, code
):
    def line(**overrides):
        values = {
            "product": refusal_setup["product"],
            "location": refusal_setup["location"],
            "quantity": D("2"),
        }
        for name, value in overrides.items():
            values[name] = refusal_setup.get(value, value) if isinstance(value, str) else value
        return ReceiptLine(**values)

    before = (_ledger(organization), _levels(organization), _lots(organization))
    lines = [line(), line(idempotency_key="fresh"), line(**change), line()]

    with pytest.raises(ApplicationError) as refused:
        _receive_bulk(organization, lines)

    assert (refused.value.code, refused.value.field, refused.value.extra) == (
        code,
        field,
        {"index": 2},
    )
    assert (_ledger(organization), _levels(organization), _lots(organization)) == before


def test_a_key_twice_in_the_lines_is_refused(organization, product, location):
    lines = [
        ReceiptLine(product=product, location=location, quantity=D("1"), idempotency_key="a"),
        ReceiptLine(product=product, location=location, quantity=D("1"), idempotency_key="b"),
        ReceiptLine(product=product, location=location, quantity=D("1"), idempotency_key="a"),
    ]

    with pytest.raises(ApplicationError) as refused:
        _receive_bulk(organization, lines)

    assert (refused.value.code, refused.value.extra) == ("idempotency_conflict", {"index": 2})
    assert StockMovement.unscoped.count() == 0


def test_lines_disagreeing_on_a_new_lots_expiry_are_refused(organization, lot_product, location):
    lines = [
        ReceiptLine(
            product=lot_product,
            location=location,
            quantity=D("1"),
            lot_number="L-1",
            expiry_date=date(2030, 1, 1),
        ),
        ReceiptLine(
            product=lot_product,
            location=location,
            quantity=D("1"),
            lot_number="L-1",
            expiry_date=date(2030, 2, 1),
        ),
    ]

    with pytest.raises(ApplicationError) as refused:
        _receive_bulk(organization, lines)

    assert (refused.value.code, refused.value.extra) == ("lot_expiry_conflict", {"index": 1})
    assert (Lot.unscoped.count(), StockMovement.unscoped.count()) == (0, 0)


def test_the_locked_product_is_checked_again(organization, product, location):
    """A product deactivated after the caller loaded it is refused on its fresh, locked row."""
    stale = Product.unscoped.get(pk=product.pk)
    product.is_active = False
    product.save()

    with pytest.raises(ApplicationError) as refused:
        _receive_bulk(
            organization, [ReceiptLine(product=stale, location=location, quantity=D("1"))]
        )

    assert (refused.value.code, refused.value.extra) == ("inactive_product", {"index": 0})


# --- events --------------------------------------------------------------------------------------


@pytest.fixture
def received_events():
    events = []

    def on_changed(sender, movement, organization_id, **kwargs):
        events.append(("stock_changed", movement.pk, organization_id))

    def on_low(sender, product_id, **kwargs):
        events.append(("low_stock", product_id))

    stock_changed.connect(on_changed)
    low_stock.connect(on_low)
    yield events
    stock_changed.disconnect(on_changed)
    low_stock.disconnect(on_low)


def test_one_stock_changed_after_commit_summarises_the_post(
    organization,
    product,
    bulk_product,
    location,
    received_events,
    django_capture_on_commit_callbacks,
):
    product.reorder_point = D("100")  # still below it after the receipt: receipts never alert
    product.save()
    lines = [
        ReceiptLine(product=product, location=location, quantity=D("1")),
        ReceiptLine(product=bulk_product, location=location, quantity=D("1")),
        ReceiptLine(product=product, location=location, quantity=D("2")),
    ]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        movements = _receive_bulk(organization, lines)
    assert received_events == []

    for callback in callbacks:
        callback()

    assert received_events == [("stock_changed", movements[-1].pk, organization.pk)]


def test_no_events_when_refused(
    organization, product, location, received_events, django_capture_on_commit_callbacks
):
    lines = [
        ReceiptLine(product=product, location=location, quantity=D("1")),
        ReceiptLine(product=product, location=location, quantity=D("0")),
    ]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ApplicationError):
        _receive_bulk(organization, lines)

    assert received_events == []


# --- cost ----------------------------------------------------------------------------------------


@pytest.fixture
def many_lines(organization):
    """200 lines over 100 products (50 lot-tracked), 4 locations, keys on every line."""
    warehouse = WarehouseFactory(organization=organization)
    locations = [LocationFactory(organization=organization, warehouse=warehouse) for _ in range(4)]
    products = [
        ProductFactory(organization=organization, is_lot_tracked=n % 2 == 0) for n in range(100)
    ]

    def lines(count: int, prefix: str) -> list[ReceiptLine]:
        return [
            ReceiptLine(
                product=products[n % 100],
                location=locations[n % 4],
                quantity=D(n % 7 + 1),
                unit_cost=D("1.2345") if n % 3 else None,
                # Lines 100 and on receive another lot: new lots and stock rows.
                lot_number=f"LOT-{n // 100 % 3}" if n % 2 == 0 else "",
                expiry_date=date(2030, 1, n // 100 % 3 + 1) if n % 2 == 0 else None,
                idempotency_key=f"{prefix}-{n}",
            )
            for n in range(count)
        ]

    return lines


# Counted outside a test transaction, as in production (BEGIN and COMMIT are counted on SQLite).
# Each batch costs at most: idempotency check, product lock, lot read, lot insert, lot update,
# stock row insert, read and lock, movement insert, stock row and product write.
STATEMENTS_PER_BATCH = 11


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("count", "batch_size", "budget"),
    [
        # 12 statements on PostgreSQL. SQLite takes 999 parameters per statement, so Django
        # splits the 200 movements in 4 inserts, the 150 stock rows in 2 of each and the 100
        # products' write (whole rows, see _write_locked_rows) in 4.
        pytest.param(200, services.BULK_BATCH_SIZE, 19, id="200-lines-default-batch"),
        # One by one, these would be about 10 queries per line: 2,000 and 20,000.
        pytest.param(200, 40, 2 + STATEMENTS_PER_BATCH * 5, id="200-lines-batches-of-40"),
        pytest.param(2000, 40, 2 + STATEMENTS_PER_BATCH * 50, id="2000-lines-batches-of-40"),
    ],
)
def test_queries_grow_with_the_batches_not_the_lines(
    many_lines, organization, count, batch_size, budget, django_assert_max_num_queries
):
    # Some stock rows and lots exist already, the others are created.
    _receive_bulk(organization, many_lines(count // 2, "first"), batch_size=batch_size)

    with django_assert_max_num_queries(budget):
        _receive_bulk(organization, many_lines(count, "second"), batch_size=batch_size)

    assert StockMovement.unscoped.filter(organization=organization).count() == count // 2 + count


def test_keys_are_per_user(organization, product, location, clerk, owner):
    """Another member's key is no conflict; the same user's key used before refuses the post."""
    services.stock_receive(
        organization=organization,
        product=product,
        location=location,
        quantity=D("1"),
        user=clerk.user,
        idempotency_key="k",
    )
    line = ReceiptLine(product=product, location=location, quantity=D("2"), idempotency_key="k")

    posted = _receive_bulk(organization, [line], user=owner.user)
    with pytest.raises(ApplicationError) as refused:
        _receive_bulk(organization, [line], user=clerk.user)

    assert [movement.idempotency_scope for movement in posted] == [owner.user_id]
    assert (refused.value.code, refused.value.extra) == ("idempotency_conflict", {"index": 0})
    assert sorted(StockMovement.unscoped.values_list("user_id", "quantity")) == sorted(
        [(clerk.user_id, D("1.000")), (owner.user_id, D("2.000"))]
    )
