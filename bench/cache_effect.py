"""Measure what the organization cache buys on the cached pages: latency cold vs warm, and the
hit ratio of a realistic mix (a stock movement after every N page views).

    .venv/bin/python bench/cache_effect.py [--organization-slug S] [--views 60] [--every 10]

Runs in-process with Django's test client against the configured database (DATABASE_URL /
REDIS_URL are honoured), logged in as the organization's first owner. Posts real receipts through
the inventory service (they stay in the ledger; run it on a demo database).
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from stockroom.accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY  # noqa: E402
from stockroom.accounts.models import Membership  # noqa: E402
from stockroom.core.cache import bump_organization_cache, cache_hit_ratio  # noqa: E402
from stockroom.inventory import services  # noqa: E402
from stockroom.inventory.models import StockLevel  # noqa: E402

PAGES = {"dashboard": "/", "valuation report": "/reports/valuation/"}


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
    level = StockLevel.unscoped.filter(organization=organization).select_related(
        "product", "location"
    )[0]

    print(
        f"organization {organization.slug}; cache backend {settings.CACHES['default']['BACKEND']}"
    )
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

    before = cache_hit_ratio()
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
        timed_get(client, PAGES["dashboard"])
    ratio = cache_hit_ratio()
    print(
        f"mix of {args.views} dashboard views with a movement every {args.every}: hit ratio "
        + ", ".join(f"{name} {value:.0%}" for name, value in sorted(ratio.items()))
        + (f" (before the mix: {before})" if before else "")
    )


if __name__ == "__main__":
    main()
