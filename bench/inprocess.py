"""The in-process half of the benchmark: Django loaded, same settings and database as the served
processes. Production code stays unchanged: queries are counted with Django's test Client and
CaptureQueriesContext, and the profile is taken the same way.

    python -m bench.inprocess prepare
    python -m bench.inprocess queries --fixtures FILE [--scenario NAME ...]
    python -m bench.inprocess invariants
    python -m bench.inprocess profile --fixtures FILE --scenario NAME --requests 300 --out PREFIX

Each prints one JSON object as its last line (bench/processes.py:in_process reads it).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F, Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from stockroom.accounts.models import Organization, User  # noqa: E402
from stockroom.catalog.models import Customer, Product  # noqa: E402
from stockroom.demo.management.commands.seed_demo import (  # noqa: E402
    DEMO_PASSWORD,
    DEMO_USERS,
)
from stockroom.inventory import services  # noqa: E402
from stockroom.inventory.models import Location, StockLevel, Warehouse  # noqa: E402

from .scenarios import BY_NAME, SCENARIOS, Call, Reply  # noqa: E402
from .seeding import ORGANIZATION_SLUG  # noqa: E402

OWNER_EMAIL = next(email for email, _name, role in DEMO_USERS if role == "owner")
MOVEMENT_PRODUCTS = 100
MOVEMENT_BUFFER = Decimal(500)
SAMPLE = 2000
SEARCH_TERMS = ["valve", "brass hinge", "bearing", "GEN-00042", "compact clamp", "gasket"]


def prepare(arguments) -> dict:
    """Ids the scenarios pick from, and a stock buffer in the 100 bins the movement scenario
    hits (topped up through the inventory service, so the ledger stays whole)."""
    organization = Organization.objects.get(slug=ORGANIZATION_SLUG)
    owner = User.objects.get(email=OWNER_EMAIL)
    rng = random.Random(7)
    products = Product.objects.filter(organization=organization, is_active=True)
    product_ids = list(products.order_by("pk").values_list("pk", flat=True))
    bins = list(
        Location.objects.filter(organization=organization, parent__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    movers = list(
        products.filter(is_lot_tracked=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:MOVEMENT_PRODUCTS]
    )
    targets = [(product, bins[index % len(bins)]) for index, product in enumerate(movers)]
    topped = 0
    for product_id, location_id in targets:
        level = StockLevel.objects.filter(
            product_id=product_id, location_id=location_id, lot__isnull=True
        ).first()
        have = level.available if level else Decimal(0)
        if have < MOVEMENT_BUFFER:
            services.stock_receive(
                organization=organization,
                product=Product.objects.get(pk=product_id),
                location=Location.objects.get(pk=location_id),
                quantity=MOVEMENT_BUFFER - have,
                unit_cost=Decimal("2.5"),
                user=owner,
                reference="BENCH-BUFFER",
            )
            topped += 1
    # Sales orders take 1 unit per line from products with stock to spare, away from the
    # movement products so the two write scenarios measure their own contention only.
    spare = (
        StockLevel.objects.filter(organization=organization, lot__isnull=True)
        .exclude(product_id__in=movers)
        .values("product_id")
        .annotate(available=Sum(F("on_hand") - F("reserved")))
        .filter(available__gte=20)
        .order_by("product_id")
        .values_list("product_id", flat=True)[: SAMPLE * 5]
    )
    spare = list(spare)
    return {
        "organization_id": organization.pk,
        "email": OWNER_EMAIL,
        "password": DEMO_PASSWORD,
        "product_ids": rng.sample(product_ids, min(SAMPLE, len(product_ids))),
        "product_count": len(product_ids),
        "search_terms": SEARCH_TERMS,
        "warehouse_ids": list(
            Warehouse.objects.filter(organization=organization)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "movement_targets": targets,
        "movement_bins_topped_up": topped,
        "sales_product_ids": rng.sample(spare, min(SAMPLE, len(spare))),
        "customer_ids": list(
            Customer.objects.filter(organization=organization).values_list("pk", flat=True)
        ),
    }


class InProcess:
    """Drives a scenario's calls through Django's test Client as the owner."""

    def __init__(self, fixtures: dict):
        self.fixtures = fixtures
        self.browser = Client()
        self.browser.force_login(User.objects.get(email=fixtures["email"]))
        self.api = Client()
        response = self.api.post(
            "/api/v1/auth/token/",
            {"email": fixtures["email"], "password": fixtures["password"]},
            content_type="application/json",
            secure=True,
        )
        assert response.status_code == 200, response.content
        self.jwt = response.json()["access"]
        self.counter = 0

    def call(self, call: Call) -> Reply:
        headers = {}
        client = self.browser if call.auth == "session" else self.api
        if call.auth == "jwt":
            headers["Authorization"] = f"Bearer {self.jwt}"
            headers["X-Organization"] = str(self.fixtures["organization_id"])
        if call.idempotency_key:
            self.counter += 1
            headers["Idempotency-Key"] = f"bench-inprocess-{time.time_ns()}-{self.counter}"
        response = client.generic(
            call.method,
            call.path,
            json.dumps(call.body) if call.body is not None else "",
            content_type="application/json",
            headers=headers,
            secure=True,
        )
        data = None
        if response.get("Content-Type", "").startswith("application/json"):
            data = json.loads(response.content or b"null")
        return Reply(response.status_code, data)

    def step(self, name: str, rng: random.Random, observe=None) -> list[Reply]:
        replies = []
        steps = BY_NAME[name].steps(rng, self.fixtures)
        try:
            call = next(steps)
            while True:
                if observe is None:
                    reply = self.call(call)
                else:
                    reply = observe(call, lambda call=call: self.call(call))
                replies.append(reply)
                call = steps.send(reply)
        except StopIteration:
            pass
        return replies


def queries(arguments) -> dict:
    fixtures = json.loads(Path(arguments.fixtures).read_text())
    driver = InProcess(fixtures)
    names = arguments.scenario or [scenario.name for scenario in SCENARIOS]
    result = {}
    for name in names:
        rng = random.Random(11)
        for _ in range(2):  # warm caches (organization, content types, templates)
            driver.step(name, rng)
        counts: dict[str, list[int]] = {}
        statuses: dict[str, list[int]] = {}

        def observe(call: Call, send, counts=counts, statuses=statuses):
            label = f"{call.method} {call.path.split('?')[0]}"
            label = "/".join("{id}" if part.isdigit() else part for part in label.split("/"))
            with CaptureQueriesContext(connection) as captured:
                reply = send()
            counts.setdefault(label, []).append(len(captured.captured_queries))
            statuses.setdefault(label, []).append(reply.status)
            return reply

        for _ in range(arguments.repeat):
            driver.step(name, rng, observe)
        per_call = {
            label: {"median": statistics.median(values), "min": min(values), "max": max(values)}
            for label, values in counts.items()
        }
        result[name] = {
            "queries_per_request": max(entry["median"] for entry in per_call.values()),
            "per_call": per_call,
            "statuses": statuses,
        }
    return result


def invariants(arguments) -> dict:
    """Stock rules that must hold whatever the load: no negative or over-reserved balance."""
    organization = Organization.objects.get(slug=ORGANIZATION_SLUG)
    levels = StockLevel.objects.filter(organization=organization)
    return {
        "negative_on_hand": levels.filter(on_hand__lt=0).count(),
        "negative_reserved": levels.filter(reserved__lt=0).count(),
        "reserved_above_on_hand": levels.filter(reserved__gt=F("on_hand")).count(),
    }


def profile(arguments) -> dict:
    from pyinstrument import Profiler

    fixtures = json.loads(Path(arguments.fixtures).read_text())
    driver = InProcess(fixtures)
    rng = random.Random(13)
    for _ in range(5):
        driver.step(arguments.scenario, rng)
    # Timed without the profiler first: the profiler's own overhead would inflate the figure.
    started = time.perf_counter()
    timed = max(arguments.requests // 2, 1)
    for _ in range(timed):
        if arguments.cold:
            cache.clear()
        driver.step(arguments.scenario, rng)
    mean_ms = (time.perf_counter() - started) * 1000 / timed
    profiler = Profiler(interval=0.0005, async_mode="disabled")
    for _ in range(arguments.requests):
        if arguments.cold:
            # The bench's own Redis database: every request pays for a cold cache.
            cache.clear()
        profiler.start()
        driver.step(arguments.scenario, rng)
        profiler.stop()
    out = Path(arguments.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # The interactive HTML profile is megabytes: it goes to an ignored folder beside the text
    # summary, which is what gets committed.
    html = out.parent / "html" / out.with_suffix(".html").name
    html.parent.mkdir(parents=True, exist_ok=True)
    text = out.with_suffix(".txt")
    html.write_text(profiler.output_html())
    text.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    return {
        "scenario": arguments.scenario,
        "cold_cache": arguments.cold,
        "requests_profiled": arguments.requests,
        "mean_ms_in_process": round(mean_ms, 2),
        "html": str(html),
        "text": str(text),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare")
    counting = commands.add_parser("queries")
    counting.add_argument("--fixtures", required=True)
    counting.add_argument("--scenario", action="append")
    counting.add_argument("--repeat", type=int, default=5)
    commands.add_parser("invariants")
    profiling = commands.add_parser("profile")
    profiling.add_argument("--fixtures", required=True)
    profiling.add_argument("--scenario", required=True)
    profiling.add_argument("--requests", type=int, default=300)
    profiling.add_argument("--out", required=True)
    profiling.add_argument(
        "--cold", action="store_true", help="clear the cache (REDIS_URL's database) each time"
    )
    arguments = parser.parse_args()
    handler = {"prepare": prepare, "queries": queries, "invariants": invariants, "profile": profile}
    result = handler[arguments.command](arguments)
    sys.stdout.write(json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    from stockroom.core.tenancy import scopes_disabled

    # A benchmark sets up and checks its own organization's data from outside any request;
    # the pages and API calls it times enter their own scope through the middleware.
    with scopes_disabled():
        main()
