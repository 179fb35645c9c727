"""Stock services under real concurrency: PostgreSQL, one connection per thread."""

import contextvars
import random
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest

from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from stockroom.accounts.tests.factories import OrganizationFactory
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.core.tests.concurrency import run_at_once
from stockroom.inventory import costing, services
from stockroom.inventory.models import StockLevel, StockMovement
from stockroom.inventory.selectors import ledger_mismatches, product_total_mismatches
from stockroom.inventory.services import ReceiptLine
from stockroom.inventory.tests.factories import shelf_and_overflow

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


@pytest.fixture
def places():
    organization = OrganizationFactory()
    shelf, overflow = shelf_and_overflow(organization)
    return organization, shelf, overflow


def on_hand(product, location) -> Decimal:
    return StockLevel.unscoped.get(product=product, location=location, lot=None).on_hand


def test_concurrent_issues_and_transfers_never_oversell_or_deadlock(places):
    organization, shelf, overflow = places
    scarce = ProductFactory(organization=organization, sku="SCARCE")
    busy = ProductFactory(organization=organization, sku="BUSY")
    services.stock_receive(
        organization=organization, product=scarce, location=shelf, quantity=D("10")
    )
    services.stock_receive(
        organization=organization, product=busy, location=shelf, quantity=D("20")
    )
    services.stock_receive(
        organization=organization, product=busy, location=overflow, quantity=D("20")
    )

    def issue_scarce():
        services.stock_issue(
            reason_code="other",
            organization=organization,
            product=scarce,
            location=shelf,
            quantity=D("1"),
        )

    def transfer_busy(source, target):
        return lambda: services.stock_transfer(
            organization=organization,
            product=busy,
            from_location=source,
            to_location=target,
            quantity=D("5"),
        )

    def issue_busy(location):
        return lambda: services.stock_issue(
            reason_code="other",
            organization=organization,
            product=busy,
            location=location,
            quantity=D("3"),
        )

    # 16 issues of 1 against 10 in stock, and, on another product, transfers both ways between
    # the same two rows (the classic deadlock if rows were locked in call order) plus issues.
    jobs = [issue_scarce] * 16
    kinds = ["scarce"] * 16
    for _ in range(8):
        jobs += [transfer_busy(shelf, overflow), transfer_busy(overflow, shelf)]
        kinds += ["busy-transfer-out", "busy-transfer-in"]
    for location in (shelf, overflow) * 4:
        jobs.append(issue_busy(location))
        kinds.append("busy-issue")

    outcomes = run_at_once(jobs)

    assert [o for o in outcomes if not o.startswith(("ok", "refused:"))] == []
    refusals = {o for o in outcomes if o.startswith("refused:")}
    assert refusals <= {"refused:insufficient_stock"}

    scarce_outcomes = Counter(
        o for o, kind in zip(outcomes, kinds, strict=True) if kind == "scarce"
    )
    assert scarce_outcomes == {"ok": 10, "refused:insufficient_stock": 6}
    assert on_hand(scarce, shelf) == D("0")
    assert StockMovement.unscoped.filter(product=scarce, kind="issue").count() == 10

    busy_issued = sum(
        1 for o, kind in zip(outcomes, kinds, strict=True) if kind == "busy-issue" and o == "ok"
    )
    busy_shelf, busy_overflow = on_hand(busy, shelf), on_hand(busy, overflow)
    assert busy_shelf >= 0
    assert busy_overflow >= 0
    assert busy_shelf + busy_overflow == D("40") - 3 * busy_issued
    assert StockLevel.unscoped.filter(on_hand__lt=0).count() == 0
    assert ledger_mismatches(organization=organization) == []
    assert product_total_mismatches(organization=organization) == []
    call_command("verify_ledger", "--organization", organization.slug)


def test_concurrent_receipts_with_one_idempotency_key_post_once(places):
    organization, shelf, _overflow = places
    product = ProductFactory(organization=organization)

    def receive():
        services.stock_receive(
            organization=organization,
            product=product,
            location=shelf,
            quantity=D("7"),
            unit_cost=D("1.50"),
            idempotency_key="delivery-42",
        )

    outcomes = run_at_once([receive] * 16)

    assert outcomes == ["ok"] * 16
    assert StockMovement.unscoped.filter(product=product).count() == 1
    assert on_hand(product, shelf) == D("7")
    product.refresh_from_db()
    assert product.average_cost == D("1.5000")


def test_concurrent_first_receipts_create_one_stock_row(places):
    organization, shelf, _overflow = places
    product = ProductFactory(organization=organization)

    def receive():
        services.stock_receive(
            organization=organization, product=product, location=shelf, quantity=D("1")
        )

    outcomes = run_at_once([receive] * 16)

    assert outcomes == ["ok"] * 16
    assert StockLevel.unscoped.filter(product=product).count() == 1
    assert on_hand(product, shelf) == D("16")
    assert ledger_mismatches(organization=organization) == []
    assert product_total_mismatches(organization=organization) == []


def test_issue_waits_for_a_held_stock_row_lock(places):
    organization, shelf, _overflow = places
    product = ProductFactory(organization=organization)
    services.stock_receive(
        organization=organization, product=product, location=shelf, quantity=D("5")
    )
    level_pk = StockLevel.unscoped.get(product=product).pk
    locked, release, issued = threading.Event(), threading.Event(), threading.Event()

    def hold_lock():
        try:
            with transaction.atomic():
                StockLevel.unscoped.select_for_update().get(pk=level_pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def issue():
        try:
            services.stock_issue(
                reason_code="other",
                organization=organization,
                product=product,
                location=shelf,
                quantity=D("2"),
            )
            issued.set()
        finally:
            connection.close()

    holder = threading.Thread(target=contextvars.copy_context().run, args=(hold_lock,))
    holder.start()
    assert locked.wait(timeout=10)
    issuer = threading.Thread(target=contextvars.copy_context().run, args=(issue,))
    issuer.start()

    time.sleep(0.5)
    assert not issued.is_set(), "the issue did not wait for the row lock"
    release.set()
    holder.join(timeout=10)
    issuer.join(timeout=10)

    assert issued.is_set()
    assert on_hand(product, shelf) == D("3")


def test_services_lock_products_then_stock_rows_ordered_by_pk(places):
    organization, shelf, overflow = places
    product = ProductFactory(organization=organization)
    services.stock_receive(
        organization=organization, product=product, location=shelf, quantity=D("5")
    )

    with CaptureQueriesContext(connection) as issue_queries:
        services.stock_issue(
            reason_code="other",
            organization=organization,
            product=product,
            location=shelf,
            quantity=D("1"),
        )
    with CaptureQueriesContext(connection) as transfer_queries:
        services.stock_transfer(
            organization=organization,
            product=product,
            from_location=shelf,
            to_location=overflow,
            quantity=D("1"),
        )

    issue_locks = [
        q["sql"] for q in issue_queries.captured_queries if "FOR NO KEY UPDATE" in q["sql"]
    ]
    assert len(issue_locks) == 2
    assert 'FROM "catalog_product"' in issue_locks[0]
    assert 'FROM "inventory_stocklevel"' in issue_locks[1]
    transfer_locks = [
        q["sql"] for q in transfer_queries.captured_queries if "FOR NO KEY UPDATE" in q["sql"]
    ]
    assert len(transfer_locks) == 1
    assert 'ORDER BY "inventory_stocklevel"."id" ASC' in transfer_locks[0]


def _average_from_ledger(product) -> Decimal:
    """Replay the product's movements in pk order (the order its locked posts ran in): receipts
    fold into the moving average, shipments only lower the total it weighs."""
    on_hand, average = D("0"), D("0")
    for movement in StockMovement.unscoped.filter(product=product).order_by("pk"):
        if movement.kind == "receipt":
            average = costing.moving_average(
                on_hand, average, movement.quantity, movement.unit_cost
            )
        on_hand += movement.signed_quantity
    return average


def test_bulk_receipts_beside_issues_and_transfers_never_deadlock(places):
    organization, shelf, overflow = places
    products = [ProductFactory(organization=organization, cost_price=D("1.5")) for _ in range(24)]
    for product in products:
        for location in (shelf, overflow):
            services.stock_receive(
                organization=organization,
                product=product,
                location=location,
                quantity=D("20"),
                unit_cost=D("2"),
            )
    rng = random.Random(11)

    def bulk_receive():
        # Lines in a random order of products and places; small batches, so the locks are
        # taken in many statements while the issues and transfers run.
        lines = [
            ReceiptLine(
                product=rng.choice(products),
                location=rng.choice([shelf, overflow]),
                quantity=D(rng.randint(1, 9)),
                unit_cost=None if rng.random() < 0.2 else D(rng.randint(1, 99_999)).scaleb(-4),
            )
            for _ in range(150)
        ]
        return lambda: services.stock_receive_bulk(
            organization=organization, lines=lines, batch_size=6
        )

    def issues(product, location):
        def run():
            for _ in range(4):
                services.stock_issue(
                    reason_code="other",
                    organization=organization,
                    product=product,
                    location=location,
                    quantity=D("2"),
                )

        return run

    def transfers(product, source, target):
        def run():
            for _ in range(3):
                services.stock_transfer(
                    organization=organization,
                    product=product,
                    from_location=source,
                    to_location=target,
                    quantity=D("1"),
                )

        return run

    jobs = [bulk_receive(), bulk_receive()]
    for n in range(12):
        jobs.append(issues(products[n * 2], (shelf, overflow)[n % 2]))
    for n in range(6):
        source, target = (shelf, overflow) if n % 2 else (overflow, shelf)
        jobs.append(transfers(products[n * 4 + 1], source, target))

    outcomes = run_at_once(jobs)

    # 20 in each place and 8 issued at most: nothing is ever short, so everything posts.
    assert outcomes == ["ok"] * len(jobs)
    assert StockMovement.unscoped.filter(organization=organization, kind="receipt").count() == (
        48 + 300
    )
    assert StockMovement.unscoped.filter(organization=organization, kind="issue").count() == 48
    assert ledger_mismatches(organization=organization) == []
    assert product_total_mismatches(organization=organization) == []
    call_command("verify_ledger", "--organization", organization.slug)
    for product in products:
        product.refresh_from_db()
        assert product.average_cost == _average_from_ledger(product), product.sku
