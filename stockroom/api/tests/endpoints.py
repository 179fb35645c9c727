"""The table of endpoints the matrix, query-count and CSV tests run over.

Each row knows how to make one row of its resource in an organization, a valid create body,
and which roles may write it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.catalog.tests.factories import (
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    SupplierFactory,
)
from stockroom.inventory import services as inventory_services
from stockroom.inventory.tests.factories import LocationFactory, LotFactory, WarehouseFactory
from stockroom.orders import services as order_services

MANAGERS = frozenset({Role.OWNER, Role.MANAGER})
FLOOR = frozenset({Role.OWNER, Role.MANAGER, Role.CLERK})
OWNERS = frozenset({Role.OWNER})
NOBODY: frozenset[str] = frozenset()


def make_movement(organization, n: int = 0):
    product = ProductFactory(organization=organization)
    location = LocationFactory(organization=organization)
    return inventory_services.stock_receive(
        organization=organization, product=product, location=location, quantity=Decimal(5 + n)
    )


def make_stock_level(organization, n: int = 0):
    movement = make_movement(organization, n)
    return movement.product.stock_levels.get()


def make_invitation(organization, n: int = 0):
    from stockroom.accounts import services

    owner = MembershipFactory(organization=organization, role=Role.OWNER)
    return services.invitation_create(actor=owner, email=f"new{n}@example.com", role=Role.VIEWER)


def make_member(organization, n: int = 0):
    return MembershipFactory(organization=organization, role=Role.VIEWER)


def make_purchase_order(organization, n: int = 0, *, sent: bool = False):
    """A purchase order of 10 × one product; `sent` moves it on so it can be received."""
    order = order_services.purchase_order_create(
        organization=organization,
        user=None,
        supplier=SupplierFactory(organization=organization),
        lines=[
            order_services.LineInput(
                product=ProductFactory(organization=organization),
                quantity=Decimal(10),
                unit_price=Decimal("2.50"),
            )
        ],
    )
    if sent:
        order = order_services.purchase_order_send(order=order, user=None)
    return order


def make_sales_order(organization, n: int = 0, *, confirmed: bool = False, on_hand: int = 5):
    """A sales order of 2 × one product with `on_hand` in stock; `confirmed` reserves it."""
    movement = make_movement(organization, on_hand - 5)
    order = order_services.sales_order_create(
        organization=organization,
        user=None,
        customer=CustomerFactory(organization=organization),
        lines=[
            order_services.LineInput(
                product=movement.product, quantity=Decimal(2), unit_price=Decimal("4.00")
            )
        ],
    )
    if confirmed:
        order = order_services.sales_order_confirm(order=order, user=None, allow_backorder=True)
    return order


def make_stock_count(organization, n: int = 0, *, state: str = "counting"):
    """A count sheet of one location holding 5 of a product; `state` "counted" enters 4,
    "submitted" also submits it."""
    location = make_movement(organization).to_location
    count = order_services.stock_count_create(
        organization=organization, user=None, warehouse=location.warehouse, location=location
    )
    if state in ("counted", "submitted"):
        line = count.lines.get()
        order_services.stock_count_record(count=count, user=None, quantities={line.pk: 4})
    if state == "submitted":
        order_services.stock_count_submit(count=count, user=None)
    return count


def _order_lines(organization, quantity: str, unit_price: str) -> list[dict]:
    """One line of a new product."""
    product = ProductFactory(organization=organization)
    return [{"product": product.pk, "quantity": quantity, "unit_price": unit_price}]


def purchase_order_body(organization) -> dict:
    return {
        "supplier": SupplierFactory(organization=organization).pk,
        "expected_date": "2030-01-15",
        "lines": _order_lines(organization, "12", "3.25"),
    }


def sales_order_body(organization) -> dict:
    return {
        "customer": CustomerFactory(organization=organization).pk,
        "notes": "Deliver to the back door",
        "lines": _order_lines(organization, "2", "9.99"),
    }


def stock_count_body(organization) -> dict:
    location = make_movement(organization).to_location
    return {"warehouse": location.warehouse_id, "location": location.pk}


@dataclass(frozen=True)
class Endpoint:
    name: str
    make: Callable[..., Any]
    writers: frozenset[str] = NOBODY
    create_body: Callable[[Any], dict] | None = None
    update_body: dict = field(default_factory=dict)
    deletable: bool = True

    @property
    def url(self) -> str:
        return f"/api/v1/{self.name}/"

    def detail(self, pk: int) -> str:
        return f"/api/v1/{self.name}/{pk}/"

    def __str__(self) -> str:
        return self.name


ENDPOINTS = [
    Endpoint(
        "categories",
        lambda org, n=0: CategoryFactory(organization=org),
        MANAGERS,
        lambda ctx: {"name": "Fasteners"},
        {"description": "Bolts and nuts"},
    ),
    Endpoint(
        "products",
        lambda org, n=0: ProductFactory(organization=org),
        MANAGERS,
        lambda ctx: {"sku": "NEW-1", "name": "New product", "sale_price": "9.50"},
        {"name": "Renamed"},
    ),
    Endpoint(
        "suppliers",
        lambda org, n=0: SupplierFactory(organization=org),
        MANAGERS,
        lambda ctx: {"name": "Acme Supply", "email": "sales@acme.example.com"},
        {"phone": "555-0100"},
    ),
    Endpoint(
        "customers",
        lambda org, n=0: CustomerFactory(organization=org),
        MANAGERS,
        lambda ctx: {"name": "Bob's Hardware"},
        {"notes": "Pays on time"},
    ),
    Endpoint(
        "warehouses",
        lambda org, n=0: WarehouseFactory(organization=org),
        MANAGERS,
        lambda ctx: {"code": "east", "name": "East"},
        {"name": "Renamed"},
    ),
    Endpoint(
        "locations",
        lambda org, n=0: LocationFactory(organization=org),
        MANAGERS,
        lambda ctx: {"warehouse": WarehouseFactory(organization=ctx).pk, "code": "z-01"},
        {"name": "Top shelf"},
    ),
    Endpoint("lots", lambda org, n=0: LotFactory(organization=org)),
    Endpoint("stock-levels", make_stock_level),
    Endpoint(
        "movements",
        make_movement,
        FLOOR,
        lambda ctx: {
            "kind": "receipt",
            "product": ProductFactory(organization=ctx).pk,
            "location": LocationFactory(organization=ctx).pk,
            "quantity": "3",
        },
        deletable=False,
    ),
    Endpoint(
        "invitations",
        make_invitation,
        MANAGERS,
        lambda ctx: {"email": "someone@example.com", "role": "viewer"},
    ),
    Endpoint("members", make_member),
    Endpoint(
        "purchase-orders",
        make_purchase_order,
        MANAGERS,
        purchase_order_body,
        {"notes": "Call before delivery"},
        deletable=False,
    ),
    Endpoint(
        "sales-orders",
        make_sales_order,
        MANAGERS,
        sales_order_body,
        {"notes": "Gift wrap"},
        deletable=False,
    ),
    Endpoint("stock-counts", make_stock_count, MANAGERS, stock_count_body, deletable=False),
]
ROLES = [Role.OWNER, Role.MANAGER, Role.CLERK, Role.VIEWER]
