"""Writes the demo organization from `stockroom.demo.data`: get-or-create throughout, so running
it again changes nothing, and the curated stock history posted through the inventory services.
"""

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from stockroom.accounts.models import Membership, Organization, User
from stockroom.accounts.roles import Role
from stockroom.catalog.models import (
    Category,
    Customer,
    Product,
    ProductSupplier,
    Supplier,
    UnitOfMeasure,
)
from stockroom.inventory import services
from stockroom.inventory.models import Location, MovementKind, StockLevel, StockMovement, Warehouse

from .data import (
    AISLES,
    BINS_PER_AISLE,
    CATEGORIES,
    CUSTOMERS,
    DEMO_ORGANIZATION,
    DEMO_PASSWORD,
    DEMO_SLUG,
    DEMO_USERS,
    PRODUCTS,
    SUPPLIERS,
    WAREHOUSES,
)

D = Decimal
COST_QUANTUM = D("0.0001")

# --- base data (both modes) -------------------------------------------------------------------


def organization_get_or_create(*, slug: str) -> Organization:
    name = DEMO_ORGANIZATION if slug == DEMO_SLUG else slug.replace("-", " ").title()
    organization, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": name})
    return organization


def users_seed(*, organization: Organization) -> User:
    """One member per role (created with the demo password); returns the clerk."""
    members = {}
    for email, full_name, role in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, full_name=full_name
            )
        Membership.objects.update_or_create(
            user=user, organization=organization, defaults={"role": role}
        )
        members[role] = user
    return members[Role.CLERK]


def categories_seed(*, organization: Organization) -> dict[str, Category]:
    categories = {}
    for root_name, children in CATEGORIES.items():
        root, _ = Category.objects.get_or_create(
            organization=organization, parent=None, name=root_name
        )
        categories[root_name] = root
        for child_name in children:
            child, _ = Category.objects.get_or_create(
                organization=organization, parent=root, name=child_name
            )
            categories[child_name] = child
    return categories


def suppliers_seed(*, organization: Organization) -> list[tuple[Supplier, list[str]]]:
    """The suppliers, each with the names of the categories it sells."""
    suppliers = []
    for index, (name, contact, email, category_names) in enumerate(SUPPLIERS, start=1):
        supplier, _ = Supplier.objects.get_or_create(
            organization=organization,
            name=name,
            defaults={
                "contact_name": contact,
                "email": email,
                "phone": f"+1 555 01{index:02d}",
                "address": f"{index * 11} Industrial Park, Unit {index}",
            },
        )
        suppliers.append((supplier, category_names))
    return suppliers


def customers_seed(*, organization: Organization) -> None:
    for index, (name, contact, email) in enumerate(CUSTOMERS, start=1):
        Customer.objects.get_or_create(
            organization=organization,
            name=name,
            defaults={
                "contact_name": contact,
                "email": email,
                "phone": f"+1 555 02{index:02d}",
                "shipping_address": f"{index * 7} High Street",
            },
        )


def places_seed(*, organization: Organization, count: int) -> list[Location]:
    """Warehouses with aisles (parent locations) and bins; returns the bins."""
    bins = []
    for index in range(count):
        if index < len(WAREHOUSES):
            code, name, address = WAREHOUSES[index]
        else:
            code, name, address = f"WH{index + 1}", f"Warehouse {index + 1}", ""
        warehouse, _ = Warehouse.objects.get_or_create(
            organization=organization,
            code=code,
            defaults={"name": name, "address": address},
        )
        existing = {
            location.code: location for location in Location.objects.filter(warehouse=warehouse)
        }
        for aisle_code in AISLES:
            aisle = existing.get(aisle_code) or Location.objects.create(
                organization=organization,
                warehouse=warehouse,
                code=aisle_code,
                name=f"Aisle {aisle_code}",
            )
            for number in range(1, BINS_PER_AISLE + 1):
                bin_code = f"{aisle_code}-{number:02d}"
                bins.append(
                    existing.get(bin_code)
                    or Location.objects.create(
                        organization=organization,
                        warehouse=warehouse,
                        parent=aisle,
                        code=bin_code,
                        name=f"Aisle {aisle_code}, bin {number}",
                    )
                )
    return bins


# --- the curated demo (default) ---------------------------------------------------------------


def demo_products_seed(
    *,
    organization: Organization,
    categories: dict[str, Category],
    suppliers: list[tuple[Supplier, list[str]]],
) -> list[Product]:
    """The curated catalog, each product sourced from the suppliers of its category."""
    products = []
    for index, (sku, name, category, unit, cost, sale, reorder, tracked) in enumerate(PRODUCTS):
        product, _ = Product.objects.get_or_create(
            organization=organization,
            sku=sku,
            defaults={
                "name": name,
                "category": categories[category],
                "unit": unit,
                "cost_price": D(cost),
                "sale_price": D(sale),
                "reorder_point": D(reorder),
                "reorder_quantity": D(reorder) * 3,
                "is_lot_tracked": tracked,
                "barcode": f"40{index:011d}",
            },
        )
        products.append(product)
        for supplier, category_names in suppliers:
            if category not in category_names:
                continue
            ProductSupplier.objects.get_or_create(
                organization=organization,
                product=product,
                supplier=supplier,
                defaults={
                    "supplier_sku": f"{supplier.name[:3].upper()}-{sku}",
                    "price": (D(cost) * D("0.95")).quantize(COST_QUANTUM),
                    "lead_time_days": 3 + index % 10,
                    "is_preferred": True,
                },
            )
    # A second, non-preferred source for a few products.
    backup, _names = suppliers[-1]
    for product in products[:6]:
        ProductSupplier.objects.get_or_create(
            organization=organization,
            product=product,
            supplier=backup,
            defaults={"price": product.cost_price, "lead_time_days": 14},
        )
    return products


def demo_stock_seed(
    *, organization: Organization, products: list[Product], bins: list[Location], clerk: User
) -> None:
    """Receipts, transfers, shipments, adjustments and a count through the services, once."""
    seeded = StockMovement.objects.filter(
        organization=organization, idempotency_key__startswith="seed:"
    )
    if seeded.exists():
        return
    rng = random.Random(7)
    start = timezone.now() - timedelta(days=60)
    today = timezone.localdate()
    for index, product in enumerate(products):
        _product_history_seed(
            organization=organization,
            product=product,
            index=index,
            home=bins[index % len(bins)],
            spare=bins[(index + 7) % len(bins)],
            clerk=clerk,
            rng=rng,
            start=start,
            today=today,
        )
    # A few products sitting at or below their reorder point, so alerts have something.
    for product in products[::9]:
        for level in StockLevel.objects.filter(product=product).order_by("pk"):
            if level.available > product.reorder_point / 2:
                services.stock_issue(
                    organization=organization,
                    product=product,
                    location=level.location,
                    quantity=level.available
                    - (product.reorder_point / 2).to_integral_value(rounding=ROUND_DOWN),
                    lot=level.lot,
                    user=clerk,
                    reference="SO-BULK",
                    idempotency_key=f"seed:{product.sku}:drain:{level.pk}",
                    kind=MovementKind.SHIPMENT,
                )


def _product_history_seed(
    *,
    organization: Organization,
    product: Product,
    index: int,
    home: Location,
    spare: Location,
    clerk: User,
    rng: random.Random,
    start: datetime,
    today: date,
) -> None:
    """Two receipts, a transfer to a spare bin and a shipment; some products an adjustment or
    a count. Each movement is keyed by product and step, and dated `day` days after `start`
    (staggered an hour per product)."""

    def post(service: Callable[..., StockMovement], step: str, day: int, **fields) -> StockMovement:
        return service(
            organization=organization,
            product=product,
            user=clerk,
            idempotency_key=f"seed:{product.sku}:{step}",
            occurred_at=start + timedelta(days=day, hours=index),
            **fields,
        )

    places = UnitOfMeasure.decimal_places(product.unit)
    lots = []
    for receipt in range(2):
        quantity = D(rng.randint(20, 120)) + (D("0.5") if places else 0)
        cost = (product.cost_price * D(rng.choice(["0.95", "1.00", "1.05"]))).quantize(COST_QUANTUM)
        tracked = product.is_lot_tracked
        movement = post(
            services.stock_receive,
            f"receipt:{receipt}",
            receipt * 20,
            location=home,
            quantity=quantity,
            unit_cost=cost,
            lot_number=f"{product.sku[-4:]}-{2024 + receipt}{index:02d}" if tracked else "",
            expiry_date=today + timedelta(days=10 + 40 * receipt + index) if tracked else None,
            reference=f"PO-{1000 + index * 2 + receipt}",
        )
        lots.append(movement.lot)
    lot = lots[0]
    post(
        services.stock_transfer,
        "transfer",
        30,
        from_location=home,
        to_location=spare,
        quantity=D(5),
        lot=lot,
        reason="Replenish pick face",
    )
    post(
        services.stock_issue,
        "shipment",
        40,
        location=home,
        quantity=D(rng.randint(3, 15)),
        lot=lot,
        reference=f"SO-{2000 + index}",
        kind=MovementKind.SHIPMENT,
    )
    if index % 5 == 0:
        post(
            services.stock_adjust,
            "adjust",
            45,
            location=spare,
            quantity_delta=D(-1),
            lot=lot,
            reason="Damaged in handling",
        )
    if index % 7 == 3:
        post(
            services.stock_adjust,
            "count",
            50,
            location=home,
            quantity_delta=D(2),
            lot=lot,
            reason="Cycle count variance",
            kind=MovementKind.COUNT,
            reference=f"CNT-{300 + index}",
        )
