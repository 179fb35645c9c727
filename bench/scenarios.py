"""What each scenario asks, written once and driven two ways: over HTTP by the load generator
(bench/loadgen.py) and in-process by Django's test Client to count SQL queries and to profile
(bench/inprocess.py). A scenario is a generator of `Call`s that receives each `Reply`, so a
step may depend on the previous answer (confirm the order just created)."""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# Domain refusals: the service said no because of the stock, as it must under contention.
# They are counted apart from errors (an error is any other non-2xx or a transport failure).
STOCK_REFUSALS = frozenset({"insufficient_stock"})


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    auth: str  # "session" (logged-in browser) or "jwt" (API client)
    body: dict | None = None
    idempotency_key: bool = False  # send a fresh Idempotency-Key, as a careful client does
    refusals: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reply:
    status: int
    data: Any  # the parsed JSON body, or None


Steps = Generator[Call, Reply, None]


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    kind: str  # "read" or "write"
    steps: Callable[[random.Random, dict], Steps]
    list_endpoint: bool = False
    write_clients: bool = False  # uses --write-clients (16) instead of --clients (8)
    notes: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


def product_list_page(rng: random.Random, fx: dict) -> Steps:
    yield Call("GET", "/catalog/products/", "session")


def product_list_api(rng: random.Random, fx: dict) -> Steps:
    term = rng.choice(fx["search_terms"])
    yield Call("GET", f"/api/v1/products/?page_size=50&is_active=true&search={term}", "jwt")


def product_detail_api(rng: random.Random, fx: dict) -> Steps:
    yield Call("GET", f"/api/v1/products/{rng.choice(fx['product_ids'])}/", "jwt")


def stock_levels_api(rng: random.Random, fx: dict) -> Steps:
    warehouse = rng.choice(fx["warehouse_ids"])
    yield Call("GET", f"/api/v1/stock-levels/?warehouse={warehouse}&page_size=50", "jwt")


def movement_post(rng: random.Random, fx: dict) -> Steps:
    """Receipts and shipments of 1–5 on the same 100 products, each in its own bin. The bins
    were stocked with a buffer before the run and receipts slightly outweigh shipments, so
    refusals stay rare; any that occur are counted, not hidden."""
    product, location = rng.choice(fx["movement_targets"])
    quantity = rng.randint(1, 5)
    if rng.random() < 0.5:
        body = {"kind": "receipt", "unit_cost": "2.5000"}
    else:
        body = {"kind": "shipment"}
    body.update(product=product, location=location, quantity=str(quantity), reference="BENCH")
    yield Call(
        "POST", "/api/v1/movements/", "jwt", body, idempotency_key=True, refusals=STOCK_REFUSALS
    )


def sales_order_confirm(rng: random.Random, fx: dict) -> Steps:
    """Create a draft order of 1–3 lines of 1 unit each, then confirm it (reserves stock)."""
    products = rng.sample(fx["sales_product_ids"], rng.randint(1, 3))
    lines = [
        {
            "product": product,
            "quantity": "1",
            "unit_price": str(Decimal(rng.randint(100, 9999)) / 100),
        }
        for product in products
    ]
    created = yield Call(
        "POST",
        "/api/v1/sales-orders/",
        "jwt",
        {"customer": rng.choice(fx["customer_ids"]), "lines": lines, "notes": "bench"},
    )
    if created.status != 201 or not isinstance(created.data, dict):
        return
    yield Call(
        "POST",
        f"/api/v1/sales-orders/{created.data['id']}/confirm/",
        "jwt",
        {"on_shortage": "refuse"},
        refusals=STOCK_REFUSALS,
    )


def dashboard_page(rng: random.Random, fx: dict) -> Steps:
    yield Call("GET", "/", "session")


def ceiling(rng: random.Random, fx: dict) -> Steps:
    yield Call("GET", "/ceiling/", "none")


SCENARIOS = [
    Scenario("product_list_page", "Product list page (HTML)", "read", product_list_page, True),
    Scenario(
        "product_list_api",
        "Product list API (page_size 50, is_active filter, search)",
        "read",
        product_list_api,
        True,
    ),
    Scenario("product_detail_api", "Product detail API", "read", product_detail_api),
    Scenario(
        "stock_levels_api",
        "Stock levels API for a warehouse (page_size 50)",
        "read",
        stock_levels_api,
        True,
    ),
    Scenario(
        "movement_post",
        "Post a stock movement (same 100 products)",
        "write",
        movement_post,
        write_clients=True,
    ),
    Scenario(
        "sales_order_confirm",
        "Sales order: create + confirm (API)",
        "write",
        sales_order_confirm,
    ),
    Scenario("dashboard_page", "Dashboard page (HTML)", "read", dashboard_page),
]
CEILING = Scenario("django_ceiling", "Bare Django view, fixed JSON", "read", ceiling)
BY_NAME = {scenario.name: scenario for scenario in [*SCENARIOS, CEILING]}
