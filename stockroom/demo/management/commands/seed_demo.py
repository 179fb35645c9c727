"""Load the demo organization: one user per role (printed with their passwords), a realistic
catalog, two warehouses with bins, and stock posted through the inventory services. Idempotent.

With --products/--movements it generates a large data set instead (benchmarks): rows are
bulk-inserted in batches, and the stock levels and average costs written are exactly what the
generated ledger sums to, so `verify_ledger` passes.
"""

import logging
import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
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
from stockroom.core.tenancy import organization_scope
from stockroom.inventory import costing, services
from stockroom.inventory.models import Location, MovementKind, StockLevel, StockMovement, Warehouse
from stockroom.reports.services import stock_value_snapshots_backfill

DEMO_ORGANIZATION = "Demo Trading Co."
DEMO_SLUG = "demo-trading"
DEMO_PASSWORD = "stockroom-demo"  # noqa: S105 - documented demo credential, printed on purpose
DEMO_USERS = [
    ("owner@demo.stockroom.dev", "Olivia Owner", Role.OWNER),
    ("manager@demo.stockroom.dev", "Manuel Manager", Role.MANAGER),
    ("clerk@demo.stockroom.dev", "Clara Clerk", Role.CLERK),
    ("viewer@demo.stockroom.dev", "Victor Viewer", Role.VIEWER),
]

D = Decimal
EACH, BOX, PACK, KG, LITRE, METRE = (
    UnitOfMeasure.EACH,
    UnitOfMeasure.BOX,
    UnitOfMeasure.PACK,
    UnitOfMeasure.KILOGRAM,
    UnitOfMeasure.LITRE,
    UnitOfMeasure.METRE,
)

CATEGORIES = {
    "Hardware": ["Fasteners", "Hand tools", "Power tools"],
    "Electrical": ["Cables", "Lighting"],
    "Food & beverage": ["Dairy", "Baking", "Drinks"],
    "Cleaning": [],
    "Office": ["Paper", "Writing"],
}

# sku, name, category, unit, cost, sale, reorder point, lot-tracked
PRODUCTS = [
    ("FST-M6-30", "Hex bolt M6 × 30 mm, zinc", "Fasteners", BOX, "4.20", "8.90", "10", False),
    ("FST-M8-40", "Hex bolt M8 × 40 mm, zinc", "Fasteners", BOX, "6.10", "12.50", "10", False),
    ("FST-NUT-M8", "Hex nut M8, stainless", "Fasteners", BOX, "3.40", "7.20", "8", False),
    ("FST-WSH-M8", "Flat washer M8", "Fasteners", PACK, "1.15", "2.80", "20", False),
    ("FST-SCR-4x40", "Wood screw 4 × 40 mm", "Fasteners", BOX, "5.60", "11.90", "12", False),
    ("FST-ANC-8", "Wall anchor 8 mm", "Fasteners", PACK, "2.05", "4.90", "15", False),
    ("TL-HAM-16", "Claw hammer 16 oz", "Hand tools", EACH, "9.80", "19.90", "5", False),
    ("TL-SCR-SET6", "Screwdriver set, 6 pieces", "Hand tools", EACH, "12.40", "24.90", "4", False),
    ("TL-TAPE-5", "Measuring tape 5 m", "Hand tools", EACH, "4.75", "9.90", "6", False),
    ("TL-PLR-8", "Combination pliers 8 in", "Hand tools", EACH, "7.30", "15.50", "4", False),
    ("TL-LVL-60", "Spirit level 60 cm", "Hand tools", EACH, "8.90", "17.90", "3", False),
    ("PT-DRL-18V", "Cordless drill 18 V", "Power tools", EACH, "64.00", "119.00", "2", False),
    ("PT-BAT-18V", "Battery pack 18 V 4 Ah", "Power tools", EACH, "38.50", "69.00", "3", False),
    ("PT-SAW-CIRC", "Circular saw 1400 W", "Power tools", EACH, "72.00", "139.00", "1", False),
    ("EL-CBL-2.5", "Installation cable 3G2.5", "Cables", METRE, "0.92", "1.85", "100", False),
    ("EL-CBL-1.5", "Installation cable 3G1.5", "Cables", METRE, "0.61", "1.25", "100", False),
    ("EL-EXT-10", "Extension lead 10 m", "Cables", EACH, "11.20", "21.90", "5", False),
    ("EL-LED-E27", "LED bulb E27 9 W warm white", "Lighting", PACK, "5.40", "10.90", "12", False),
    ("EL-LED-GU10", "LED spot GU10 5 W", "Lighting", PACK, "6.10", "12.90", "10", False),
    ("EL-TORCH", "Rechargeable torch", "Lighting", EACH, "9.10", "18.50", "4", False),
    ("FB-MLK-1L", "Whole milk 1 l", "Dairy", EACH, "0.68", "1.29", "48", True),
    ("FB-YOG-500", "Greek yoghurt 500 g", "Dairy", EACH, "1.35", "2.49", "24", True),
    ("FB-BTR-250", "Butter 250 g", "Dairy", EACH, "1.90", "3.29", "24", True),
    ("FB-CHS-GOU", "Gouda cheese", "Dairy", KG, "7.80", "13.90", "5", True),
    ("FB-FLR-T55", "Wheat flour T55", "Baking", KG, "0.52", "1.10", "50", True),
    ("FB-SUG-W", "White sugar", "Baking", KG, "0.74", "1.45", "40", True),
    ("FB-YST-DRY", "Dry yeast 7 g sachets", "Baking", PACK, "1.05", "2.20", "20", True),
    ("FB-OIL-SUN", "Sunflower oil", "Baking", LITRE, "1.60", "2.95", "30", True),
    ("FB-WTR-1.5", "Mineral water 1.5 l", "Drinks", PACK, "1.80", "3.60", "30", True),
    ("FB-JCE-ORG", "Orange juice 1 l", "Drinks", EACH, "1.10", "2.15", "24", True),
    ("FB-COF-BNS", "Coffee beans, medium roast", "Drinks", KG, "11.50", "21.00", "6", True),
    ("CL-DET-5L", "Floor detergent 5 l", "Cleaning", EACH, "6.90", "12.90", "6", False),
    ("CL-GLV-M", "Nitrile gloves, size M", "Cleaning", BOX, "4.30", "8.50", "10", False),
    ("CL-SPG-10", "Scouring sponges, 10 pack", "Cleaning", PACK, "1.40", "2.95", "15", False),
    ("CL-BAG-60L", "Refuse sacks 60 l", "Cleaning", PACK, "2.10", "4.25", "15", False),
    ("OF-PPR-A4", "Copy paper A4 80 g, 500 sheets", "Paper", PACK, "3.20", "5.90", "25", False),
    ("OF-NTB-A5", "Notebook A5, ruled", "Paper", EACH, "1.15", "2.60", "20", False),
    ("OF-PEN-BLU", "Ballpoint pen, blue", "Writing", BOX, "3.60", "7.50", "8", False),
    ("OF-MRK-SET", "Whiteboard markers, 4 colours", "Writing", PACK, "2.70", "5.80", "8", False),
    ("OF-STP-26", "Staples 26/6", "Writing", BOX, "0.85", "1.90", "10", False),
]

SUPPLIERS = [
    ("Nordic Fastening AB", "Eva Lind", "orders@nordicfastening.example", ["Fasteners"]),
    ("ToolPro Distribution", "Mark Hale", "sales@toolpro.example", ["Hand tools", "Power tools"]),
    ("Brightline Electric", "Priya Nair", "trade@brightline.example", ["Cables", "Lighting"]),
    ("Valley Fresh Foods", "Tom Becker", "b2b@valleyfresh.example", ["Dairy", "Baking", "Drinks"]),
    (
        "OfficeWorks Supply",
        "Ana Ruiz",
        "orders@officeworks.example",
        ["Paper", "Writing", "Cleaning"],
    ),
]

CUSTOMERS = [
    ("Harbor Street Café", "Lena Ortiz", "accounts@harborcafe.example"),
    ("Greenfield Builders", "Sam Okafor", "purchasing@greenfield.example"),
    ("Maple Leaf Bakery", "Julia Chen", "orders@mapleleafbakery.example"),
    ("Riverside Property Management", "Omar Haddad", "maintenance@riverside.example"),
    ("Northgate School", "Helen Park", "office@northgate.example"),
    ("City Electricians Co-op", "Piotr Nowak", "stores@cityelec.example"),
    ("Sunrise Hotel", "Maria Rossi", "housekeeping@sunrisehotel.example"),
    ("Blue Door Restaurant", "Kwame Mensah", "kitchen@bluedoor.example"),
]

WAREHOUSES = [
    ("MAIN", "Main warehouse", "12 Dock Road, Portside"),
    ("NORTH", "North depot", "4 Mill Lane, Northfield"),
]
AISLES = ["A", "B", "C"]
BINS_PER_AISLE = 6

COST_QUANTUM = D("0.0001")
BATCH = 5000


def _progress(stdout, label: str, done: int, total: int) -> None:
    stdout.write(f"{label} {done}/{total}")


class Command(BaseCommand):
    help = (
        "Create (or refresh) the demo organization with a user for each role, a catalog, "
        "warehouses and stock. --products/--movements generate a large data set in bulk."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, help="Generate this many products (bulk).")
        parser.add_argument(
            "--movements", type=int, help="Generate this many stock movements (bulk)."
        )
        parser.add_argument("--warehouses", type=int, default=2, help="Warehouses (default 2).")
        parser.add_argument(
            "--organization-slug", default=DEMO_SLUG, help="Organization to seed (its slug)."
        )
        parser.add_argument("--seed", type=int, default=2024, help="Random seed of bulk data.")

    def handle(self, *args, **options):
        # The seeded history is not news: its low-stock alerts become notifications, but nobody
        # is mailed and each task's log line stays quiet, so the logins printed last stay in view.
        trace_logger = logging.getLogger("celery.app.trace")
        level = trace_logger.level
        trace_logger.setLevel(logging.WARNING)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                organization = self.seed(options)
        finally:
            trace_logger.setLevel(level)
        self.stdout.write(self.style.SUCCESS(f"Demo organization: {organization.name}"))
        self.stdout.write(f"Log in at {settings.SITE_URL}{reverse('accounts:login')} with:")
        for email, _name, role in DEMO_USERS:
            self.stdout.write(f"  {role:<8} {email:<32} password: {DEMO_PASSWORD}")

    def seed(self, options) -> Organization:
        for name in ("products", "movements"):
            if options[name] is not None and options[name] < 0:
                raise CommandError(f"--{name} cannot be negative.")
        if options["warehouses"] < 1:
            raise CommandError("--warehouses must be at least 1.")
        organization = self._organization(options["organization_slug"])
        # Everything the demo writes and reads belongs to this one organization.
        with organization_scope(organization.pk):
            self._seed(organization, options)
        return organization

    def _seed(self, organization: Organization, options: dict) -> None:
        bulk = options["products"] is not None or options["movements"] is not None

        with transaction.atomic():
            clerk = self._users(organization)
            categories = self._categories(organization)
            suppliers = self._suppliers(organization)
            self._customers(organization)
            bins = self._places(organization, options["warehouses"])

        if bulk:
            products = options["products"] if options["products"] is not None else 100
            movements = options["movements"] if options["movements"] is not None else products * 10
            generator = BulkGenerator(
                organization=organization,
                clerk=clerk,
                categories=list(categories.values()),
                bins=bins,
                rng=random.Random(options["seed"]),
                stdout=self.stdout,
            )
            generator.products(products)
            generator.movements(movements)
        else:
            with transaction.atomic():
                demo_products = self._demo_products(organization, categories, suppliers)
                self._demo_stock(organization, demo_products, bins, clerk)

        # The dashboard charts read daily snapshots and never replay the ledger themselves: value
        # the seeded history now (one pass over the ledger), as the hourly beat task would.
        snapshots = stock_value_snapshots_backfill(organization=organization)
        self.stdout.write(f"stock value snapshots {len(snapshots)}")

    # --- base data (both modes) -------------------------------------------------------------

    def _organization(self, slug: str) -> Organization:
        name = DEMO_ORGANIZATION if slug == DEMO_SLUG else slug.replace("-", " ").title()
        organization, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": name})
        return organization

    def _users(self, organization: Organization) -> User:
        clerk = None
        for email, full_name, role in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=DEMO_PASSWORD, full_name=full_name
                )
            Membership.objects.update_or_create(
                user=user, organization=organization, defaults={"role": role}
            )
            if role == Role.CLERK:
                clerk = user
        return clerk

    def _categories(self, organization: Organization) -> dict[str, Category]:
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

    def _suppliers(self, organization: Organization) -> list[tuple[Supplier, list[str]]]:
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

    def _customers(self, organization: Organization) -> None:
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

    def _places(self, organization: Organization, count: int) -> list[Location]:
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

    # --- the curated demo (default) ---------------------------------------------------------

    def _demo_products(self, organization, categories, suppliers) -> list[Product]:
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

    def _demo_stock(self, organization, products, bins, clerk) -> None:
        """Receipts, transfers, shipments, adjustments and a count through the services."""
        seeded = StockMovement.objects.filter(
            organization=organization, idempotency_key__startswith="seed:"
        )
        if seeded.exists():
            return
        rng = random.Random(7)
        start = timezone.now() - timedelta(days=60)
        today = timezone.localdate()
        for index, product in enumerate(products):
            places = UnitOfMeasure.decimal_places(product.unit)
            home, spare = bins[index % len(bins)], bins[(index + 7) % len(bins)]
            lots = []
            for receipt in range(2):
                quantity = D(rng.randint(20, 120)) + (D("0.5") if places else 0)
                cost = (product.cost_price * D(rng.choice(["0.95", "1.00", "1.05"]))).quantize(
                    COST_QUANTUM
                )
                lot_number = f"{product.sku[-4:]}-{2024 + receipt}{index:02d}"
                movement = services.stock_receive(
                    organization=organization,
                    product=product,
                    location=home,
                    quantity=quantity,
                    unit_cost=cost,
                    lot_number=lot_number if product.is_lot_tracked else "",
                    expiry_date=(
                        today + timedelta(days=10 + 40 * receipt + index)
                        if product.is_lot_tracked
                        else None
                    ),
                    user=clerk,
                    reference=f"PO-{1000 + index * 2 + receipt}",
                    idempotency_key=f"seed:{product.sku}:receipt:{receipt}",
                    occurred_at=start + timedelta(days=receipt * 20, hours=index),
                )
                lots.append(movement.lot)
            lot = lots[0]
            services.stock_transfer(
                organization=organization,
                product=product,
                from_location=home,
                to_location=spare,
                quantity=D(5),
                lot=lot,
                user=clerk,
                reason="Replenish pick face",
                idempotency_key=f"seed:{product.sku}:transfer",
                occurred_at=start + timedelta(days=30, hours=index),
            )
            services.stock_issue(
                organization=organization,
                product=product,
                location=home,
                quantity=D(rng.randint(3, 15)),
                lot=lot,
                user=clerk,
                reference=f"SO-{2000 + index}",
                idempotency_key=f"seed:{product.sku}:shipment",
                kind=MovementKind.SHIPMENT,
                occurred_at=start + timedelta(days=40, hours=index),
            )
            if index % 5 == 0:
                services.stock_adjust(
                    organization=organization,
                    product=product,
                    location=spare,
                    quantity_delta=D(-1),
                    lot=lot,
                    user=clerk,
                    reason="Damaged in handling",
                    idempotency_key=f"seed:{product.sku}:adjust",
                    occurred_at=start + timedelta(days=45, hours=index),
                )
            if index % 7 == 3:
                services.stock_adjust(
                    organization=organization,
                    product=product,
                    location=home,
                    quantity_delta=D(2),
                    lot=lot,
                    user=clerk,
                    reason="Cycle count variance",
                    kind=MovementKind.COUNT,
                    reference=f"CNT-{300 + index}",
                    idempotency_key=f"seed:{product.sku}:count",
                    occurred_at=start + timedelta(days=50, hours=index),
                )
        # A few products sitting at or below their reorder point, so alerts have something.
        for product in products[::9]:
            totals = StockLevel.objects.filter(product=product).order_by("pk")
            for level in totals:
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


@dataclass
class BulkGenerator:
    """Generates products and a ledger in memory, inserting in batches with bulk_create.

    It keeps the running balance of every (product, location) and every product's moving
    average cost exactly as the services would, then writes those as stock levels and
    average costs, so the result is indistinguishable from service-posted stock.
    """

    organization: Organization
    clerk: User
    categories: list[Category]
    bins: list[Location]
    rng: random.Random
    stdout: object
    product_ids: list[int] = field(default_factory=list)

    PREFIX = "GEN-"

    def products(self, count: int) -> None:
        existing = set(
            Product.objects.filter(
                organization=self.organization, sku__startswith=self.PREFIX
            ).values_list("sku", flat=True)
        )
        units = [EACH, EACH, EACH, BOX, PACK, KG, LITRE, METRE]
        nouns = ["bracket", "hinge", "valve", "cable tie", "gasket", "filter", "bearing", "clamp"]
        adjectives = ["steel", "brass", "nylon", "heavy-duty", "compact", "industrial", "mini"]
        batch, done = [], 0
        with transaction.atomic():
            for number in range(1, count + 1):
                sku = f"{self.PREFIX}{number:06d}"
                done += 1
                if sku not in existing:
                    cost = D(self.rng.randint(50, 25000)) / 100
                    batch.append(
                        Product(
                            organization=self.organization,
                            sku=sku,
                            name=f"{self.rng.choice(adjectives).title()} "
                            f"{self.rng.choice(nouns)} {number}",
                            category=self.rng.choice(self.categories),
                            unit=self.rng.choice(units),
                            cost_price=cost,
                            sale_price=(cost * D("1.6")).quantize(D("0.01")),
                            reorder_point=D(self.rng.choice([0, 0, 5, 10, 20])),
                        )
                    )
                if len(batch) >= BATCH:
                    Product.objects.bulk_create(batch, batch_size=BATCH)
                    batch = []
                if done % 10000 == 0 or done == count:
                    _progress(self.stdout, "products", done, count)
            if batch:
                Product.objects.bulk_create(batch, batch_size=BATCH)
        self.product_ids = list(
            Product.objects.filter(organization=self.organization, sku__startswith=self.PREFIX)
            .order_by("pk")
            .values_list("pk", flat=True)[:count]
        )

    def movements(self, count: int) -> None:  # noqa: C901 - the bulk generator keeps the ledger rules in one place
        """Generate `count` movements on the generated products, once per organization."""
        marker = "bulk:"
        already = StockMovement.objects.filter(
            organization=self.organization, idempotency_key__startswith=marker
        )
        if count == 0 or not self.product_ids or already.exists():
            _progress(self.stdout, "movements", 0, count)
            return
        products = {
            row["pk"]: row
            for row in Product.objects.filter(pk__in=self.product_ids).values(
                "pk", "unit", "cost_price"
            )
        }
        ids = self.product_ids
        bins = [location.pk for location in self.bins]
        # (product_id, location_id) → on hand; product_id → [on hand total, average cost]
        balances: dict[tuple[int, int], Decimal] = {}
        stocked: dict[int, list[int]] = {}
        costs: dict[int, list[Decimal]] = {}
        start = timezone.now() - timedelta(days=365)
        step = timedelta(days=365) / max(count, 1)
        batch: list[StockMovement] = []

        with transaction.atomic():
            for number in range(count):
                # First every product gets a receipt; then a mix of everything.
                if number < len(ids):
                    product_id = ids[number]
                    kind = MovementKind.RECEIPT
                else:
                    product_id = self.rng.choice(ids)
                    kind = self.rng.choices(
                        [
                            MovementKind.RECEIPT,
                            MovementKind.SHIPMENT,
                            MovementKind.TRANSFER,
                            MovementKind.ADJUSTMENT,
                        ],
                        weights=[35, 40, 15, 10],
                    )[0]
                product = products[product_id]
                places = UnitOfMeasure.decimal_places(product["unit"])
                with_stock = [
                    loc for loc in stocked.get(product_id, []) if balances[(product_id, loc)] > 0
                ]
                if kind != MovementKind.RECEIPT and not with_stock:
                    kind = MovementKind.RECEIPT
                total, average = costs.setdefault(product_id, [D(0), D(0)])
                movement = StockMovement(
                    organization_id=self.organization.pk,
                    kind=kind,
                    product_id=product_id,
                    user_id=self.clerk.pk,
                    occurred_at=start + step * number,
                    # One key marks the generated ledger (see above); more would only cost.
                    idempotency_key=f"{marker}{self.organization.pk}" if number == 0 else None,
                )
                if kind == MovementKind.RECEIPT or (
                    kind == MovementKind.ADJUSTMENT and self.rng.random() < 0.4
                ):
                    location = self.rng.choice(bins)
                    quantity = self._quantity(places, 10, 200)
                    if kind == MovementKind.RECEIPT:
                        unit_cost = (
                            product["cost_price"] * D(self.rng.choice(["0.9", "1", "1.1"]))
                        ).quantize(COST_QUANTUM)
                        movement.reference = f"PO-{number}"
                    else:
                        unit_cost = average or product["cost_price"]
                        movement.reason = "Found during count"
                    average = costing.moving_average(total, average, quantity, unit_cost)
                    costs[product_id] = [total + quantity, average]
                    movement.to_location_id, movement.quantity = location, quantity
                    movement.unit_cost = unit_cost
                    key = (product_id, location)
                    if key not in balances:
                        balances[key] = D(0)
                        stocked.setdefault(product_id, []).append(location)
                    balances[key] += quantity
                else:
                    source = self.rng.choice(with_stock)
                    have = balances[(product_id, source)]
                    quantity = min(have, self._quantity(places, 1, 40))
                    movement.from_location_id, movement.quantity = source, quantity
                    movement.unit_cost = average
                    balances[(product_id, source)] -= quantity
                    if kind == MovementKind.TRANSFER:
                        target = self.rng.choice([loc for loc in bins if loc != source] or bins)
                        if target == source:  # a single bin: nothing to transfer to
                            movement.kind = kind = MovementKind.SHIPMENT
                        else:
                            movement.to_location_id = target
                            key = (product_id, target)
                            if key not in balances:
                                balances[key] = D(0)
                                stocked.setdefault(product_id, []).append(target)
                            balances[key] += quantity
                    if kind != MovementKind.TRANSFER:
                        costs[product_id] = [total - quantity, average]
                        if kind == MovementKind.SHIPMENT:
                            movement.reference = f"SO-{number}"
                        else:
                            movement.reason = "Damaged"
                batch.append(movement)
                if len(batch) >= BATCH:
                    StockMovement.objects.bulk_create(batch, batch_size=BATCH)
                    batch = []
                if (number + 1) % 50000 == 0 or number + 1 == count:
                    _progress(self.stdout, "movements", number + 1, count)
            if batch:
                StockMovement.objects.bulk_create(batch, batch_size=BATCH)

            levels = [
                StockLevel(
                    organization_id=self.organization.pk,
                    product_id=product_id,
                    location_id=location_id,
                    on_hand=on_hand,
                )
                for (product_id, location_id), on_hand in balances.items()
            ]
            for offset in range(0, len(levels), BATCH):
                StockLevel.objects.bulk_create(levels[offset : offset + BATCH])
                _progress(
                    self.stdout, "stock levels", min(offset + BATCH, len(levels)), len(levels)
                )
            # The totals the inventory services would have kept: on hand per product.
            updates = [
                Product(pk=product_id, average_cost=average, stock_on_hand=total)
                for product_id, (total, average) in costs.items()
            ]
            Product.objects.bulk_update(
                updates, ["average_cost", "stock_on_hand"], batch_size=BATCH
            )

    def _quantity(self, places: int, low: int, high: int) -> Decimal:
        whole = D(self.rng.randint(low, high))
        if places:
            whole += D(self.rng.randint(0, 999)) / 1000
        return whole
