from decimal import Decimal
from io import StringIO

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from stockroom.accounts.models import Membership, Organization, User
from stockroom.alerts.models import Notification
from stockroom.catalog.models import Category, Customer, Product, ProductSupplier, Supplier
from stockroom.inventory import costing
from stockroom.inventory.models import Location, Lot, StockLevel, StockMovement, Warehouse
from stockroom.inventory.selectors import ledger_mismatches, product_total_mismatches

pytestmark = pytest.mark.django_db

MODELS = [
    Organization,
    User,
    Membership,
    Category,
    Product,
    Supplier,
    ProductSupplier,
    Customer,
    Warehouse,
    Location,
    Lot,
    StockLevel,
    StockMovement,
]


def counts() -> dict[str, int]:
    return {model.__name__: model._base_manager.count() for model in MODELS}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_loads_a_realistic_organization_and_prints_the_logins():
    output = seed()

    assert counts() == {
        "Organization": 1,
        "User": 4,
        "Membership": 4,
        "Category": 15,
        "Product": 40,
        "Supplier": 5,
        "ProductSupplier": 46,
        "Customer": 8,
        "Warehouse": 2,
        "Location": 42,
        "Lot": 22,
        "StockLevel": 91,
        "StockMovement": 181,
    }
    assert ProductSupplier.unscoped.filter(is_preferred=True).count() == 40
    assert "  owner    owner@demo.stockroom.dev         password: stockroom-demo" in output
    assert "  viewer   viewer@demo.stockroom.dev        password: stockroom-demo" in output
    assert ledger_mismatches() == []
    assert product_total_mismatches() == []
    assert not StockLevel.unscoped.filter(on_hand__lt=0).exists()
    assert not Product.unscoped.filter(average_cost=0).exists()


def test_seed_demo_twice_changes_nothing():
    seed()
    first = counts()
    average_costs = dict(Product.unscoped.values_list("sku", "average_cost"))

    seed()

    assert counts() == first
    assert dict(Product.unscoped.values_list("sku", "average_cost")) == average_costs


def test_seed_demo_bulk_path_writes_levels_equal_to_the_ledger():
    output = seed("--products", "30", "--movements", "400", "--warehouses", "3")

    generated = Product.unscoped.filter(sku__startswith="GEN-")
    assert generated.count() == 30
    assert StockMovement.unscoped.count() == 400
    assert Warehouse.unscoped.count() == 3
    assert "products 30/30" in output
    assert "movements 400/400" in output
    assert ledger_mismatches() == []
    assert product_total_mismatches() == []
    call_command("verify_ledger", stdout=StringIO())
    assert not StockLevel.unscoped.filter(on_hand__lt=0).exists()
    assert not generated.filter(average_cost=0).exists()


def test_bulk_average_cost_matches_what_the_services_would_compute():
    seed("--products", "5", "--movements", "60", "--warehouses", "1")

    for product in Product.unscoped.filter(sku__startswith="GEN-"):
        total, average = Decimal(0), Decimal(0)
        for movement in StockMovement.unscoped.filter(product=product).order_by("occurred_at"):
            if movement.from_location_id is None:
                average = costing.moving_average(
                    total, average, movement.quantity, movement.unit_cost
                )
                total += movement.quantity
            elif movement.to_location_id is None:
                total -= movement.quantity
        assert product.average_cost == average, product.sku


def test_seed_demo_bulk_twice_does_not_duplicate():
    seed("--products", "10", "--movements", "50")
    first = counts()

    seed("--products", "10", "--movements", "50")

    assert counts() == first


def test_seed_demo_into_another_organization(organization):
    seed("--organization-slug", "acme-tools", "--products", "3", "--movements", "5")

    acme = Organization.objects.get(slug="acme-tools")
    assert acme.name == "Acme Tools"
    assert StockMovement.unscoped.filter(organization=acme).count() == 5
    assert Membership.objects.filter(organization=acme).count() == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--products", "-1"], "--products cannot be negative.", id="negative"),
        pytest.param(["--warehouses", "0"], "--warehouses must be at least 1.", id="no-warehouse"),
    ],
)
def test_seed_demo_refuses_bad_options(args, message):
    with pytest.raises(CommandError, match=message):
        seed(*args)


@pytest.mark.django_db(transaction=True)  # the alerts run after commit, as in `make run`
def test_seed_demo_prints_the_site_url_and_mails_nobody(settings, mailoutbox):
    settings.SITE_URL = "http://127.0.0.1:8123"
    output = seed()

    assert "Log in at http://127.0.0.1:8123/accounts/login/ with:" in output
    # The seeded history leaves products below their reorder point: the alerts are recorded,
    # but mailing them would bury the logins printed by `make run`.
    assert Notification.unscoped.exists()
    assert mailoutbox == []
