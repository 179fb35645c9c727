"""The dashboard's getting-started checklist: the first hour of a new organization, ticked off
from its data rather than from clicks, so a step done from the API or an import counts too."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stockroom.accounts.models import Invitation, Membership, Organization
from stockroom.accounts.roles import Action
from stockroom.catalog.models import Product, ProductSupplier
from stockroom.inventory.models import Location, StockMovement, Warehouse
from stockroom.orders.models import PurchaseOrder


@dataclass(frozen=True)
class ChecklistStep:
    key: str
    label: Promise
    hint: Promise
    done: bool
    # The page that does the step (a URL name) and the role action it needs; members without it
    # see the step without a link.
    url_name: str
    action: Action


@dataclass(frozen=True)
class GettingStarted:
    steps: list[ChecklistStep]
    has_movements: bool
    dismissed: bool

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def visible(self) -> bool:
        return not (self.complete or self.dismissed)


def _exists(queryset) -> Exists:
    return Exists(queryset.filter(organization_id=OuterRef("pk")))


def getting_started(organization: Organization) -> GettingStarted:
    """Which first steps the organization has taken, in one query (one EXISTS per step).

    Products count whether typed in or imported; a teammate counts once invited, accepted or not.
    """
    other_members = (
        Membership.objects.filter(organization_id=OuterRef("pk"))
        .order_by()
        .values("organization_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    row = (
        Organization.objects.filter(pk=organization.pk)
        .values("getting_started_dismissed_at")
        .annotate(
            has_warehouse=_exists(Warehouse.objects.for_organization(organization)),
            has_location=_exists(Location.objects.for_organization(organization)),
            has_product=_exists(Product.objects.for_organization(organization)),
            has_supplier_link=_exists(ProductSupplier.objects.for_organization(organization)),
            has_purchase_order=_exists(PurchaseOrder.objects.for_organization(organization)),
            has_invitation=_exists(Invitation.objects.all()),
            member_count=Coalesce(Subquery(other_members), 0),
            has_movement=_exists(StockMovement.objects.for_organization(organization)),
        )
        .get()
    )
    steps = [
        ChecklistStep(
            "warehouse",
            _("Add a warehouse"),
            _("Where you keep stock: a shop, a store room, a roastery."),
            row["has_warehouse"],
            "inventory:warehouse_create",
            Action.MANAGE_WAREHOUSES,
        ),
        ChecklistStep(
            "locations",
            _("Add bins"),
            _("The shelves or bins inside a warehouse that stock is put away in."),
            row["has_location"],
            "inventory:location_create",
            Action.MANAGE_WAREHOUSES,
        ),
        ChecklistStep(
            "products",
            _("Add products, or import them"),
            _("One by one with a form, or many at once from a CSV file."),
            row["has_product"],
            "catalog:product_create",
            Action.MANAGE_CATALOG,
        ),
        ChecklistStep(
            "supplier_links",
            _("Link suppliers to products"),
            _("Add your suppliers, then link them on each product's page; reorder uses the links."),
            row["has_supplier_link"],
            "catalog:supplier_list",
            Action.MANAGE_CATALOG,
        ),
        ChecklistStep(
            "purchase_order",
            _("Create your first purchase order"),
            _("Receiving it puts the stock into your bins."),
            row["has_purchase_order"],
            "orders:purchase_order_create",
            Action.MANAGE_ORDERS,
        ),
        ChecklistStep(
            "invite",
            _("Invite a teammate"),
            _("Each person gets a role that decides what they may do."),
            row["has_invitation"] or row["member_count"] > 1,
            "accounts:invite",
            Action.INVITE_MEMBERS,
        ),
    ]
    return GettingStarted(
        steps=steps,
        has_movements=row["has_movement"],
        dismissed=row["getting_started_dismissed_at"] is not None,
    )
