"""One row of every admin-registered tenant model for an organization, named with a marker.

The admin tests fill two organizations with it and look for the other one's marker in every
page: a name that leaks shows up as the marker wherever it is printed.
"""

from datetime import date
from decimal import Decimal

from stockroom.accounts.models import Membership, Organization, User
from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from stockroom.alerts.models import Notification, NotificationKind
from stockroom.catalog.tests.factories import (
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    ProductSupplierFactory,
    SupplierFactory,
)
from stockroom.core.tenancy import organization_scope
from stockroom.imports.tests.factories import ExportJobFactory, ImportJobFactory
from stockroom.inventory import services as stock_services
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory
from stockroom.orders import services as order_services
from stockroom.orders.services import LineInput
from stockroom.reports.models import StockValueSnapshot


def tenant_with_everything(marker: str) -> Membership:
    """A new organization named after `marker`, its staff owner, and a row of every kind."""
    organization = OrganizationFactory(name=f"{marker} Corp", slug=marker.lower())
    user = UserFactory(email=f"{marker.lower()}@example.com", full_name=f"{marker} Owner")
    user.is_staff = True
    user.save()
    owner = MembershipFactory(organization=organization, user=user, role=Role.OWNER)
    with organization_scope(organization.pk):
        _fill(organization, user, marker)
    return owner


def _fill(organization: Organization, user: User, marker: str) -> None:
    category = CategoryFactory(organization=organization, name=f"{marker} tools")
    product = ProductFactory(
        organization=organization, category=category, sku=f"{marker}-1", name=f"{marker} bolt"
    )
    lot_product = ProductFactory(
        organization=organization, sku=f"{marker}-LOT", name=f"{marker} milk", is_lot_tracked=True
    )
    supplier = SupplierFactory(organization=organization, name=f"{marker} supplies")
    ProductSupplierFactory(
        organization=organization, product=product, supplier=supplier, supplier_sku=f"{marker}-S"
    )
    customer = CustomerFactory(organization=organization, name=f"{marker} bistro")
    warehouse = WarehouseFactory(
        organization=organization, code=f"{marker[:2]}WH", name=f"{marker} depot"
    )
    location = LocationFactory(
        organization=organization,
        warehouse=warehouse,
        code=f"{marker[:2]}-01",
        name=f"{marker} aisle",
    )
    common = {"organization": organization, "location": location, "user": user}
    stock_services.stock_receive(product=product, quantity=Decimal(10), **common)
    stock_services.stock_receive(
        product=lot_product, quantity=Decimal(3), lot_number=f"{marker}-L1", **common
    )
    line = [LineInput(product=product, quantity=Decimal(2), unit_price=Decimal("1.5000"))]
    order = order_services.purchase_order_create(
        organization=organization, user=user, supplier=supplier, lines=line
    )
    order_services.purchase_order_send(order=order, user=user)
    order_services.purchase_order_cancel(order=order, user=user)
    sales_order = order_services.sales_order_create(
        organization=organization, user=user, customer=customer, lines=line
    )
    # Confirmed and shipped in part: a shipment (and its line) of this tenant for the walk.
    order_services.sales_order_confirm(order=sales_order, user=user)
    order_services.sales_order_ship(
        order=sales_order,
        user=user,
        lines=[(sales_order.lines.get(), Decimal(1))],
        carrier=f"{marker} carrier",
    )
    order_services.stock_count_create(
        organization=organization, user=user, warehouse=warehouse, location=location
    )
    Notification.unscoped.create(
        organization=organization,
        recipient=user,
        kind=NotificationKind.LOW_STOCK,
        title=f"{marker} bolt is low",
        dedupe_key=f"{marker}-low",
    )
    ImportJobFactory(organization=organization, created_by=user)
    ExportJobFactory(organization=organization, created_by=user)
    StockValueSnapshot.unscoped.create(
        organization=organization, day=date(2026, 1, 1), value=Decimal(1)
    )
