"""Time every list page and movement/order form of one (large) organization.

    .venv/bin/python bench/page_timings.py \
        --database-url postgres://postgres@127.0.0.1:5432/stockroom_perf \
        --organization-slug big [--repeat 10] [--json out.json] [--baseline before.json]

Requests go through Django's test client in this process (the whole middleware stack and
template rendering, no network), logged in as the organization's first owner. Each page is
requested once to warm caches, then `--repeat` times for the median; one more request runs
under CaptureQueriesContext for the query count and the slowest query. Prints a Markdown
table; with `--baseline` (an earlier `--json` file) it shows before and after side by side.
Seed the organization first with `manage.py seed_demo --products N --movements M ...`.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="The seeded database.")
    parser.add_argument("--organization-slug", required=True, help="The organization to time.")
    parser.add_argument("--repeat", type=int, default=10, help="Timed requests per page.")
    parser.add_argument("--only", default="", help="Only pages whose name contains this text.")
    parser.add_argument("--json", dest="json_path", help="Also write the results here.")
    parser.add_argument("--baseline", help="An earlier --json file: print before and after.")
    parser.add_argument("--show-sql", action="store_true", help="Print each slowest query.")
    return parser.parse_args()


arguments = parse_arguments()
os.environ["DATABASE_URL"] = arguments.database_url
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
# Production-like rendering: cached template loader, no debug page, no toolbar.
os.environ["DEBUG"] = "False"
os.environ["DEBUG_TOOLBAR"] = "False"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from stockroom.accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY  # noqa: E402
from stockroom.accounts.models import Membership, Organization  # noqa: E402
from stockroom.accounts.roles import Role  # noqa: E402
from stockroom.catalog.models import Category, Product  # noqa: E402
from stockroom.inventory.models import Location, StockLevel, StockMovement  # noqa: E402

PAGE_SIZE = 25


def pages(organization: Organization) -> list[tuple[str, str, dict]]:
    """(name, url, extra headers) of every page to time, built from the organization's rows."""
    products = Product.objects.filter(organization=organization)
    product_count = products.filter(is_active=True).count()
    stocked = (
        StockLevel.objects.filter(organization=organization, on_hand__gt=0)
        .order_by("pk")
        .values_list("product_id", "location_id")
        .first()
    )
    product_id, location_id = stocked if stocked else (products.order_by("pk")[0].pk, None)
    location_id = location_id or Location.objects.filter(organization=organization)[0].pk
    warehouse = Location.objects.get(pk=location_id).warehouse_id
    category = (
        Category.objects.filter(organization=organization, parent__isnull=False)
        .order_by("pk")
        .first()
        or Category.objects.filter(organization=organization).order_by("pk").first()
    )
    last_product_page = max(1, -(-product_count // PAGE_SIZE))
    movement_count = StockMovement.objects.filter(organization=organization).count()
    last_movement_page = max(1, -(-movement_count // PAGE_SIZE))
    first_movement = (
        StockMovement.objects.filter(organization=organization).order_by("occurred_at").first()
    )
    day = (first_movement.occurred_at.date() if first_movement else None) or "2024-01-01"
    api = {"HTTP_X_ORGANIZATION": str(organization.pk), "HTTP_ACCEPT": "application/json"}
    url = reverse
    return [
        ("product list", url("catalog:product_list"), {}),
        ("product list: search", url("catalog:product_list") + "?q=hinge+12", {}),
        ("product list: category", url("catalog:product_list") + f"?category={category.pk}", {}),
        ("product list: sort by name", url("catalog:product_list") + "?sort=name", {}),
        (
            "product list: last page",
            url("catalog:product_list") + f"?page={last_product_page}",
            {},
        ),
        ("product detail", url("catalog:product_detail", kwargs={"pk": product_id}), {}),
        (
            "product stock fragment",
            url("inventory:product_stock", kwargs={"pk": product_id}),
            {"HTTP_HX_REQUEST": "true"},
        ),
        ("category list", url("catalog:category_list"), {}),
        ("supplier list", url("catalog:supplier_list"), {}),
        ("customer list", url("catalog:customer_list"), {}),
        ("warehouse list", url("inventory:warehouse_list"), {}),
        ("warehouse detail", url("inventory:warehouse_detail", kwargs={"pk": warehouse}), {}),
        ("location list", url("inventory:location_list"), {}),
        ("location detail", url("inventory:location_detail", kwargs={"pk": location_id}), {}),
        ("stock levels", url("inventory:stock_levels"), {}),
        ("stock levels: warehouse", url("inventory:stock_levels") + f"?warehouse={warehouse}", {}),
        ("stock levels: search", url("inventory:stock_levels") + "?q=valve", {}),
        ("movements", url("inventory:movement_list"), {}),
        (
            "movements: product",
            url("inventory:movement_list") + f"?q=GEN-{product_id % 100000:06d}",
            {},
        ),
        (
            "movements: date range",
            url("inventory:movement_list") + f"?date_from={day}&date_to={day}",
            {},
        ),
        (
            "movements: last page",
            url("inventory:movement_list") + f"?page={last_movement_page}",
            {},
        ),
        ("receipt form", url("inventory:movement_receive"), {}),
        ("issue form", url("inventory:movement_issue"), {}),
        ("transfer form", url("inventory:movement_transfer"), {}),
        ("adjustment form", url("inventory:movement_adjust"), {}),
        (
            "issue form: product chosen",
            url("inventory:movement_issue") + f"?product={product_id}",
            {},
        ),
        ("purchase order list", url("orders:purchase_order_list"), {}),
        ("sales order list", url("orders:sales_order_list"), {}),
        ("stock count list", url("orders:stock_count_list"), {}),
        ("purchase order form", url("orders:purchase_order_create"), {}),
        ("sales order form", url("orders:sales_order_create"), {}),
        ("reorder suggestions", url("orders:reorder"), {}),
        ("dashboard", url("reports:dashboard"), {}),
        (
            "API products (50, filter + search)",
            url("api:product-list", kwargs={"version": "v1"})
            + f"?page_size=50&is_active=true&category={category.pk}&search=valve",
            api,
        ),
        (
            "API stock levels (warehouse)",
            url("api:stock-level-list", kwargs={"version": "v1"}) + f"?warehouse={warehouse}",
            api,
        ),
    ]


def logged_in_client(organization: Organization) -> Client:
    membership = (
        Membership.objects.filter(organization=organization, role=Role.OWNER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit(f"{organization.slug} has no owner to log in as.")
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[ACTIVE_ORGANIZATION_SESSION_KEY] = organization.pk
    session.save()
    return client


def measure(client: Client, url: str, headers: dict, repeat: int) -> dict:
    response = client.get(url, **headers)  # warm-up
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url, **headers)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
    return {
        "median_ms": round(statistics.median(timings), 1),
        "queries": len(captured.captured_queries),
        "slowest_ms": round(float(slowest["time"]) * 1000, 1) if slowest else 0.0,
        "slowest_sql": slowest["sql"] if slowest else "",
        "bytes": len(response.content),
    }


def table(results: dict, baseline: dict | None) -> str:
    if baseline:
        lines = [
            "| page | before ms | before queries | after ms | after queries | slowest query ms |",
            "|---|--:|--:|--:|--:|--:|",
        ]
    else:
        lines = [
            "| page | median ms | queries | slowest query ms | response KB |",
            "|---|--:|--:|--:|--:|",
        ]
    for name, row in results.items():
        if baseline:
            before = baseline.get(name, {})
            lines.append(
                f"| {name} | {before.get('median_ms', '–')} | {before.get('queries', '–')} "
                f"| {row['median_ms']} | {row['queries']} | {row['slowest_ms']} |"
            )
        else:
            lines.append(
                f"| {name} | {row['median_ms']} | {row['queries']} | {row['slowest_ms']} "
                f"| {row['bytes'] // 1024} |"
            )
    return "\n".join(lines)


def main() -> None:
    organization = Organization.objects.filter(slug=arguments.organization_slug).first()
    if organization is None:
        raise SystemExit(f"No organization with slug {arguments.organization_slug!r}.")
    client = logged_in_client(organization)
    results = {}
    for name, url, headers in pages(organization):
        if arguments.only and arguments.only not in name:
            continue
        results[name] = measure(client, url, headers, arguments.repeat)
        row = results[name]
        print(
            f"{name:<40} {row['median_ms']:>8} ms {row['queries']:>4} queries "
            f"(slowest {row['slowest_ms']} ms)",
            file=sys.stderr,
        )
        if arguments.show_sql:
            print(f"    {row['slowest_sql'][:400]}", file=sys.stderr)
    if arguments.json_path:
        Path(arguments.json_path).write_text(json.dumps(results, indent=2) + "\n")
    baseline = json.loads(Path(arguments.baseline).read_text()) if arguments.baseline else None
    print(table(results, baseline))


if __name__ == "__main__":
    from stockroom.core.tenancy import scopes_disabled

    # A benchmark sets up and checks its own organization's data from outside any request;
    # the pages and API calls it times enter their own scope through the middleware.
    with scopes_disabled():
        main()
