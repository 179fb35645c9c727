#!/usr/bin/env python3
"""A walk through Stockroom's REST API, using only what the OpenAPI schema documents.

It signs in with a JWT, creates a category, a product, a supplier, a customer, a warehouse and
a bin; receives stock through a purchase order (create, send, receive); sells part of it through
a sales order (create, confirm, ship); and prints the product's ledger and on-hand balance.

    pip install httpx
    python docs/api_walkthrough.py --base-url http://127.0.0.1:8000 \\
        --email owner@demo.example --password '...'

Every POST that creates something carries an `Idempotency-Key`, so a re-run after a network
error cannot create twice. Names carry a random suffix so the script can run again and again.
"""

import argparse
import sys
import uuid
from decimal import Decimal
from typing import Any, TextIO

import httpx

RECEIVED = Decimal("24")
SOLD = Decimal("10")


class WalkthroughError(RuntimeError):
    """The API refused a step; the message carries its JSON error."""


class Api:
    """A thin client: JSON in, JSON out, an error shape turned into an exception."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def call(self, method: str, path: str, *, expect: int, **kwargs) -> Any:
        response = self.client.request(method, path, **kwargs)
        if response.status_code != expect:
            raise WalkthroughError(
                f"{method} {path} answered {response.status_code}: {response.text}"
            )
        return response.json()

    def create(self, path: str, body: dict, *, expect: int = 201) -> dict:
        # A fresh key per call: retrying this very call would replay, not duplicate.
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        return self.call("POST", path, json=body, headers=headers, expect=expect)

    def get(self, path: str, **params) -> Any:
        return self.call("GET", path, params=params, expect=200)


def sign_in(api: Api, email: str, password: str) -> int:
    tokens = api.call(
        "POST", "auth/token/", json={"email": email, "password": password}, expect=200
    )
    api.client.headers["Authorization"] = f"Bearer {tokens['access']}"
    return tokens["organization_id"]


def walkthrough(api: Api, out: TextIO) -> dict:
    suffix = uuid.uuid4().hex[:6].upper()
    category = api.create("categories/", {"name": f"Fasteners {suffix}"})
    product = api.create(
        "products/",
        {
            "sku": f"BOLT-{suffix}",
            "name": "Hex bolt M8",
            "category": category["id"],
            "cost_price": "0.2500",
            "sale_price": "0.90",
        },
    )
    supplier = api.create(
        "suppliers/", {"name": f"Acme Fasteners {suffix}", "email": "orders@acme.example"}
    )
    customer = api.create("customers/", {"name": f"Bob's Hardware {suffix}"})
    warehouse = api.create("warehouses/", {"code": f"WT-{suffix}", "name": "Walkthrough"})
    location = api.create(
        "locations/", {"warehouse": warehouse["id"], "code": "A-01", "name": "Aisle A, bin 1"}
    )
    print(f"Catalog: {product['sku']} in {category['name']}", file=out)
    print(f"Place:   {warehouse['code']}/{location['code']}", file=out)

    # Buy: a purchase order, sent to the supplier, received into the bin.
    purchase = api.create(
        "purchase-orders/",
        {
            "supplier": supplier["id"],
            "lines": [{"product": product["id"], "quantity": str(RECEIVED), "unit_price": "0.25"}],
        },
    )
    api.call("POST", f"purchase-orders/{purchase['id']}/send/", expect=200)
    received = api.create(
        f"purchase-orders/{purchase['id']}/receive/",
        {
            "location": location["id"],
            "lines": [{"line": purchase["lines"][0]["id"], "quantity": str(RECEIVED)}],
        },
    )
    print(f"{purchase['number']}: {received['order']['status']}", file=out)

    # Sell: a sales order, confirmed (stock reserved), then shipped from the bin.
    sale = api.create(
        "sales-orders/",
        {
            "customer": customer["id"],
            "lines": [{"product": product["id"], "quantity": str(SOLD), "unit_price": "0.90"}],
        },
    )
    api.call(
        "POST", f"sales-orders/{sale['id']}/confirm/", json={"on_shortage": "refuse"}, expect=200
    )
    shipped = api.create(f"sales-orders/{sale['id']}/ship/", {}, expect=200)
    print(f"{sale['number']}: {shipped['status']}", file=out)

    # Read: the product's ledger (newest first) and its balance.
    ledger = api.get("movements/", product=product["id"])["results"]
    levels = api.get("stock-levels/", product=product["id"])["results"]
    on_hand = sum((Decimal(level["on_hand"]) for level in levels), Decimal(0))
    print("Ledger:", file=out)
    for movement in reversed(ledger):
        print(
            f"  {movement['occurred_at']}  {movement['kind']:<9} {movement['quantity']:>10}"
            f"  {movement['reference']}",
            file=out,
        )
    print(f"On hand: {on_hand.normalize():f} {product['unit']}", file=out)
    return {
        "product": product["id"],
        "on_hand": on_hand,
        "ledger": [(m["kind"], Decimal(m["quantity"]), m["reference"]) for m in reversed(ledger)],
        "purchase_order": purchase["number"],
        "sales_order": sale["number"],
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    return parser.parse_args(argv)


def main(
    argv: list[str] | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    out: TextIO = sys.stdout,
) -> dict:
    """Run the walkthrough; `transport` lets a test drive the in-process app."""
    args = parse_args(argv)
    base_url = args.base_url.rstrip("/") + "/api/v1/"
    with httpx.Client(base_url=base_url, transport=transport, timeout=30.0) as client:
        api = Api(client)
        organization = sign_in(api, args.email, args.password)
        print(f"Signed in as {args.email} (organization {organization})", file=out)
        return walkthrough(api, out)


if __name__ == "__main__":
    try:
        main()
    except (WalkthroughError, httpx.HTTPError) as exc:
        sys.exit(f"Walkthrough failed: {exc}")
