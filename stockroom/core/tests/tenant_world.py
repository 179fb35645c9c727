"""A two-tenant world for the generated cross-tenant matrices: one organization with a row of
every tenant model, a member of every role, and every text a marker string; a probe can then
tell another organization's data in a response by its marker, and a snapshot of the
organization's rows tells whether anything of it changed."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from stockroom.accounts import services as account_services
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
from stockroom.imports.models import JobStatus
from stockroom.imports.tests.factories import ExportJobFactory, ImportJobFactory
from stockroom.inventory import services as inventory_services
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory
from stockroom.orders import services as order_services

ROLES = (Role.OWNER, Role.MANAGER, Role.CLERK, Role.VIEWER)


def tenant_models() -> list[type[models.Model]]:
    """Every concrete model whose rows belong to one organization."""
    return [
        model
        for model in apps.get_models()
        if any(f.name == "organization" and f.many_to_one for f in model._meta.concrete_fields)
    ]


@dataclass
class Tenant:
    """One organization of the world and its rows, by a short name."""

    organization: Organization
    marker: str
    members: dict[str, Membership] = field(default_factory=dict)
    rows: dict[str, models.Model] = field(default_factory=dict)

    def __getitem__(self, name: str) -> models.Model:
        return self.rows[name]

    def of_model(self, model: type[models.Model]) -> models.Model | None:
        """This tenant's first row of `model` (or of its concrete parent), if the world has one."""
        for row in self.rows.values():
            if isinstance(row, model):
                return row
        return None


def build_tenant(marker: str) -> Tenant:
    """An organization holding a row of every tenant model, every name carrying `marker`."""
    upper = marker.upper()
    organization = OrganizationFactory(name=f"{marker} company", slug=f"{marker}-company")
    tenant = Tenant(organization=organization, marker=marker)
    for role in ROLES:
        user = UserFactory(email=f"{role}@{marker}.example.com", full_name=f"{marker} {role}")
        tenant.members[role] = MembershipFactory(user=user, organization=organization, role=role)
    owner = tenant.members[Role.OWNER]
    org = {"organization": organization}

    category = CategoryFactory(name=f"{marker} category", **org)
    product = ProductFactory(
        sku=f"{upper}-1",
        name=f"{marker} product",
        barcode=f"{upper}1",
        category=category,
        reorder_point=Decimal(50),
        reorder_quantity=Decimal(10),
        **org,
    )
    tracked = ProductFactory(
        sku=f"{upper}-LOT", name=f"{marker} tracked", is_lot_tracked=True, **org
    )
    supplier = SupplierFactory(name=f"{marker} supplier", email=f"s@{marker}.example.com", **org)
    link = ProductSupplierFactory(
        product=product, supplier=supplier, supplier_sku=f"{upper}-S", is_preferred=True, **org
    )
    customer = CustomerFactory(name=f"{marker} customer", **org)
    warehouse = WarehouseFactory(code=f"{upper}W", name=f"{marker} warehouse", **org)
    location = LocationFactory(
        warehouse=warehouse, code=f"{upper}-BIN", name=f"{marker} bin", **org
    )
    movement = inventory_services.stock_receive(
        product=product, location=location, quantity=Decimal(20), reason=f"{marker} receipt", **org
    )
    lot_movement = inventory_services.stock_receive(
        product=tracked,
        location=location,
        quantity=Decimal(5),
        lot_number=f"{upper}-LOT1",
        expiry_date=timezone.localdate() + datetime.timedelta(days=10),
        **org,
    )

    def line(item=product, quantity=2):
        return order_services.LineInput(
            product=item, quantity=Decimal(quantity), unit_price=Decimal("3.00")
        )

    draft_po = order_services.purchase_order_create(
        supplier=supplier, lines=[line()], user=None, notes=f"{marker} po", **org
    )
    sent_po = order_services.purchase_order_send(
        order=order_services.purchase_order_create(
            supplier=supplier, lines=[line()], user=None, **org
        ),
        user=None,
    )
    order_services.purchase_order_receive(
        order=sent_po,
        user=None,
        location=location,
        receipts=[order_services.ReceiptInput(line=sent_po.lines.get(), quantity=Decimal(1))],
    )
    draft_so = order_services.sales_order_create(
        customer=customer, lines=[line()], user=None, notes=f"{marker} so", **org
    )
    confirmed_so = order_services.sales_order_confirm(
        order=order_services.sales_order_create(
            customer=customer, lines=[line()], user=None, **org
        ),
        user=None,
        allow_backorder=True,
    )
    count = order_services.stock_count_create(
        warehouse=warehouse, location=location, user=None, **org
    )
    submitted = order_services.stock_count_create(
        warehouse=warehouse, location=location, user=None, **org
    )
    order_services.stock_count_record(
        count=submitted, user=None, quantities={row.pk: 19 for row in submitted.lines.all()}
    )
    order_services.stock_count_submit(count=submitted, user=None)
    # Shipped in part (after the count sheets were made, so their expected stock is unchanged).
    shipped_so = order_services.sales_order_confirm(
        order=order_services.sales_order_create(
            customer=customer, lines=[line()], user=None, **org
        ),
        user=None,
    )
    shipment = order_services.sales_order_ship(
        order=shipped_so,
        user=None,
        lines=[(shipped_so.lines.get(), Decimal(1))],
        carrier=f"{marker} carrier",
    )
    invitation = account_services.invitation_create(
        actor=owner, email=f"invitee@{marker}.example.com", role=Role.VIEWER
    )
    import_job = ImportJobFactory(created_by=owner.user, original_filename=f"{marker}.csv", **org)
    export_job = ExportJobFactory(
        created_by=owner.user,
        status=JobStatus.SUCCEEDED,
        file=ContentFile(f"sku\n{upper}-1\n".encode(), name=f"{marker}.csv"),
        row_count=1,
        finished_at=timezone.now(),
        **org,
    )
    notifications = [
        Notification.unscoped.create(
            recipient=member.user,
            kind=NotificationKind.LOW_STOCK,
            title=f"{marker} low stock",
            message=f"{marker} product is low",
            dedupe_key=f"{marker}:{role}",
            **org,
        )
        for role, member in tenant.members.items()
    ]
    tenant.rows.update(
        category=category,
        product=product,
        tracked=tracked,
        supplier=supplier,
        link=link,
        customer=customer,
        warehouse=warehouse,
        location=location,
        movement=movement,
        lot=lot_movement.lot,
        stock_level=movement.product.stock_levels.get(location=location),
        draft_po=draft_po,
        sent_po=sent_po,
        po_line=draft_po.lines.get(),
        draft_so=draft_so,
        confirmed_so=confirmed_so,
        so_line=draft_so.lines.get(),
        shipment=shipment,
        count=count,
        submitted_count=submitted,
        count_line=count.lines.first(),
        invitation=invitation,
        membership=tenant.members[Role.VIEWER],
        import_job=import_job,
        export_job=export_job,
        notification=notifications[0],
    )
    return tenant


@dataclass
class World:
    """Organization A (the caller's) and B (the one that must stay out of reach)."""

    a: Tenant
    b: Tenant


def build_world() -> World:
    return World(a=build_tenant("qzaownrow"), b=build_tenant("qzbsecret"))


def snapshot(tenant: Tenant) -> dict[str, Any]:
    """Every row of the tenant, its organization and its members' users, as plain values: equal
    snapshots before and after a request mean the request changed nothing of the tenant."""
    organization = tenant.organization
    state: dict[str, Any] = {
        "organization": list(Organization.objects.filter(pk=organization.pk).values()),
        "users": list(
            User.objects.filter(memberships__organization=organization).order_by("pk").values()
        ),
    }
    for model in tenant_models():
        state[model._meta.label] = list(
            model._base_manager.filter(organization=organization).order_by("pk").values()
        )
    return state


def snapshot_diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The tables whose rows differ, with the first differing row, for a readable failure."""
    changed = []
    for table, rows in before.items():
        if rows != after[table]:
            old = {row.get("id"): row for row in rows}
            new = {row.get("id"): row for row in after[table]}
            keys = sorted(set(old) ^ set(new)) or [k for k in old if old[k] != new.get(k)]
            changed.append(f"{table}: {keys[:3]}")
    return changed


def references_into(owner: Tenant, other: Tenant) -> list[str]:
    """Rows of `owner` pointing at a row of `other`: a write that linked A's data to B's."""
    found = []
    for model in tenant_models():
        for relation in model._meta.concrete_fields:
            target = relation.related_model if relation.many_to_one else None
            if target is None or target is Organization or target not in tenant_models():
                continue
            rows = model._base_manager.filter(
                organization=owner.organization,
                **{f"{relation.name}__organization": other.organization},
            )
            if rows.exists():
                found.append(f"{model._meta.label}.{relation.name}")
    return found
