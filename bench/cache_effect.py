"""Measure what the organization cache buys on the cached pages: latency cold vs warm, and the
hit ratio of a realistic mix (a stock movement after every N page views).

    .venv/bin/python bench/cache_effect.py [--organization-slug S] [--views 60] [--every 10]
                                           [--fragments-only]

Runs in-process with Django's test client against the configured database (DATABASE_URL /
REDIS_URL are honoured), logged in as the organization's first owner. Posts real receipts through
the inventory service (they stay in the ledger; run it on a demo database).

Besides the dashboard and the valuation report it measures the two page-level caches:
- the product page's stock fragment ({% organization_cache "product-stock" %}), miss vs hit, on
  the products with the most stock rows, and its hit ratio in the mix;
- report pages (per-page cache of cached reports): a page not seen yet, whose rows are cached
  already (what every warm page cost before the page cache), vs a cached page.
--fragments-only skips the dashboard figures (a cold dashboard of a large organization is slow).
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from stockroom.accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY  # noqa: E402
from stockroom.accounts.models import Membership  # noqa: E402
from stockroom.core.cache import CACHE_LOOKUPS, bump_organization_cache  # noqa: E402
from stockroom.inventory import services  # noqa: E402
from stockroom.inventory.models import StockLevel  # noqa: E402

PAGES = {"dashboard": "/", "valuation report": "/reports/valuation/"}
# Reports whose pages are cached; each is read on page 1, then on new pages 2, 3, ...
CACHED_REPORTS = ("valuation", "abc", "slow-movers", "lot-expiry")
SAMPLES = 5


def timed_get(client: Client, path: str) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organization-slug", default="demo-trading")
    parser.add_argument("--views", type=int, default=60)
    parser.add_argument("--every", type=int, default=10, help="a movement after this many views")
    parser.add_argument(
        "--fragments-only",
        action="store_true",
        help="only the product stock fragment and the report page cache",
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    owner = Membership.objects.filter(
        organization__slug=args.organization_slug, role="owner"
    ).select_related("user", "organization")[0]
    organization = owner.organization
    client = Client()
    client.force_login(owner.user)
    session = client.session
    session[ACTIVE_ORGANIZATION_SESSION_KEY] = organization.pk
    session.save()
    level = StockLevel.objects.filter(organization=organization).select_related(
        "product", "location"
    )[0]

    print(
        f"organization {organization.slug}; cache backend {settings.CACHES['default']['BACKEND']}"
    )
    stock_pages = product_stock_pages(organization)
    measure_product_stock_fragment(client, organization, stock_pages[0])
    measure_report_pages(client, organization)
    if args.fragments_only:
        run_mix(client, organization, level, stock_pages, args, with_dashboard=False)
        return
    for name, path in PAGES.items():
        cold, warm, cold_queries, warm_queries = [], [], 0, 0
        for _ in range(5):
            bump_organization_cache(organization.pk)
            elapsed, cold_queries = timed_get(client, path)
            cold.append(elapsed)
            elapsed, warm_queries = timed_get(client, path)
            warm.append(elapsed)
        print(
            f"{name:18} cold median {statistics.median(cold):7.1f} ms ({cold_queries} queries)"
            f"   warm median {statistics.median(warm):7.1f} ms ({warm_queries} queries)"
        )

    run_mix(client, organization, level, stock_pages, args, with_dashboard=True)


def product_stock_pages(organization) -> list[str]:
    """The stock fragments of the five products with the most stock rows (the biggest tables)."""
    busiest = (
        StockLevel.objects.filter(organization=organization)
        .values("product_id")
        .annotate(rows=Count("id"))
        .order_by("-rows", "product_id")[:5]
    )
    return [f"/inventory/products/{entry['product_id']}/stock/" for entry in busiest]


def measure_product_stock_fragment(client: Client, organization, path: str) -> None:
    """A miss renders the fragment (what the page cost before it was cached), a hit reads it."""
    miss, hit, miss_queries, hit_queries = [], [], 0, 0
    timed_get(client, path)  # the rest of the page (session, templates) warm in both
    for _ in range(SAMPLES * 4):
        bump_organization_cache(organization.pk)
        elapsed, miss_queries = timed_get(client, path)
        miss.append(elapsed)
        elapsed, hit_queries = timed_get(client, path)
        hit.append(elapsed)
    print(
        f"{'product stock':18} miss median {statistics.median(miss):7.1f} ms ({miss_queries} "
        f"queries)   hit median {statistics.median(hit):7.1f} ms ({hit_queries} queries)"
    )


def measure_report_pages(client: Client, organization) -> None:
    """Per report: page 1 loads (and caches) the rows; each new page number then costs what a
    warm page cost before pages were cached (rows from the cache, paginated, rendered); a page
    read again is the page cache's hit."""
    for slug in CACHED_REPORTS:
        path = f"/reports/{slug}/"
        first, first_queries = timed_get(client, path)
        rows_only, page_hit, hit_queries = [], [], 0
        for number in range(2, 2 + SAMPLES):
            elapsed, _ = timed_get(client, f"{path}?page={number}")
            rows_only.append(elapsed)
            elapsed, hit_queries = timed_get(client, f"{path}?page={number}")
            page_hit.append(elapsed)
        print(
            f"report {slug:11} first {first:8.1f} ms ({first_queries} queries)   rows cached "
            f"median {statistics.median(rows_only):7.1f} ms   page cached median "
            f"{statistics.median(page_hit):7.1f} ms ({hit_queries} queries)"
        )


def run_mix(client: Client, organization, level, stock_pages, args, *, with_dashboard) -> None:
    """Page views in turn (dashboard if asked, then product stock fragments) with a receipt
    every `args.every` views; prints the hit ratio of every cached value over the mix."""
    before = lookup_counts()
    mix = ([PAGES["dashboard"]] if with_dashboard else []) + stock_pages
    for view in range(args.views):
        if view and view % args.every == 0:
            services.stock_receive(
                organization=organization,
                product=level.product,
                location=level.location,
                quantity=Decimal("1"),
                unit_cost=level.product.average_cost or Decimal("1"),
                reason="cache benchmark",
            )
            bump_organization_cache(organization.pk)  # what the after-commit receiver does
        timed_get(client, mix[view % len(mix)])
    after = lookup_counts()
    pages = "dashboard and product stock" if with_dashboard else "product stock"
    ratios = []
    for name in sorted(after):
        hits = after[name][0] - before.get(name, (0, 0))[0]
        lookups = after[name][1] - before.get(name, (0, 0))[1]
        if lookups:
            ratios.append(f"{name} {hits / lookups:.0%} of {lookups:.0f}")
    print(
        f"mix of {args.views} {pages} views with a movement every {args.every}: hit ratio "
        + ", ".join(ratios)
    )


def lookup_counts() -> dict[str, tuple[float, float]]:
    """(hits, lookups) per cached value name so far in this process, from the lookup counter; a
    lookup served without computing (another worker's or the previous value) counts as a hit."""
    counts: dict[str, tuple[float, float]] = {}
    for metric in CACHE_LOOKUPS.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                hits, lookups = counts.get(sample.labels["name"], (0.0, 0.0))
                hit = sample.labels["result"] != "miss"
                counts[sample.labels["name"]] = (hits + sample.value * hit, lookups + sample.value)
    return counts


if __name__ == "__main__":
    from stockroom.core.tenancy import scopes_disabled

    # A benchmark sets up and checks its own organization's data from outside any request;
    # the pages and API calls it times enter their own scope through the middleware.
    with scopes_disabled():
        main()
