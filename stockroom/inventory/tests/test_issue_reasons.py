"""Issue reason codes: the service's rules, the ledger constraint, the migration of past issues,
and which movements count as demand under the organization's setting."""

from decimal import Decimal

import pytest

from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from stockroom.core.exceptions import ApplicationError
from stockroom.inventory import services
from stockroom.inventory.models import IssueReason, MovementKind, StockMovement
from stockroom.inventory.selectors import demand_movements

D = Decimal


@pytest.fixture
def stocked(organization, product, location):
    services.stock_receive(
        organization=organization, product=product, location=location, quantity=D("20")
    )
    return product


def issue(organization, product, location, quantity="1", **kwargs):
    return services.stock_issue(
        organization=organization,
        product=product,
        location=location,
        quantity=D(quantity),
        **kwargs,
    )


# --- the service -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("reason_code", IssueReason.values)
def test_an_issue_records_its_reason_code(organization, stocked, location, reason_code):
    movement = issue(organization, stocked, location, reason_code=reason_code)

    stored = StockMovement.unscoped.get(pk=movement.pk)
    assert (stored.kind, stored.reason_code) == (MovementKind.ISSUE, reason_code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "reason_code", "code"),
    [
        (MovementKind.ISSUE, "", "reason_code_required"),
        (MovementKind.ISSUE, "sale", "reason_code_required"),
        (MovementKind.SHIPMENT, IssueReason.DAMAGE, "reason_code_not_allowed"),
    ],
    ids=["issue-without", "issue-unknown", "shipment-with"],
)
def test_stock_issue_refuses_a_wrong_reason_code(
    organization, stocked, location, kind, reason_code, code
):
    with pytest.raises(ApplicationError) as refused:
        issue(organization, stocked, location, kind=kind, reason_code=reason_code)

    assert (refused.value.code, refused.value.field) == (code, "reason_code")
    assert StockMovement.unscoped.exclude(kind=MovementKind.RECEIPT).count() == 0
    stocked.refresh_from_db()
    assert stocked.stock_on_hand == D("20")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "reason_code"),
    [(MovementKind.ISSUE, ""), (MovementKind.SHIPMENT, IssueReason.SCRAP)],
    ids=["issue-without", "shipment-with"],
)
def test_the_ledger_itself_refuses_a_wrong_reason_code(
    organization, product, location, kind, reason_code
):
    row = StockMovement(
        organization=organization,
        kind=kind,
        product=product,
        quantity=D("1"),
        from_location=location,
        reason_code=reason_code,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


# --- demand ------------------------------------------------------------------------------------


@pytest.fixture
def outflows(organization, stocked, location):
    """One shipment and one issue of each reason."""
    issue(organization, stocked, location, "2", kind=MovementKind.SHIPMENT)
    for reason in IssueReason.values:
        issue(organization, stocked, location, reason_code=reason)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("include_consumption", "expected"),
    [
        (False, [(MovementKind.SHIPMENT, "")]),
        (True, [(MovementKind.ISSUE, IssueReason.CONSUMPTION), (MovementKind.SHIPMENT, "")]),
    ],
    ids=["sales-only", "with-consumption"],
)
def test_demand_is_sales_and_consumption_where_the_organization_says(
    organization, outflows, include_consumption, expected
):
    organization.demand_includes_consumption = include_consumption
    organization.save(update_fields=["demand_includes_consumption"])

    by_instance = demand_movements(organization=organization)
    by_id = demand_movements(organization=organization.pk)

    for movements in (by_instance, by_id):
        assert sorted(movements.values_list("kind", "reason_code")) == expected


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_movement_list_filters_by_reason_code(
    member_client, viewer, organization, outflows, django_assert_max_num_queries
):
    client = member_client(viewer)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("inventory:movement_list"), {"reason_code": "damage"})

    movements = list(response.context["movements"])
    assert [(m.kind, m.reason_code) for m in movements] == [("issue", "damage")]
    assert "Damage" in response.content.decode()


# --- the migration -----------------------------------------------------------------------------

BEFORE = [("inventory", "0007_movement_kind_issue")]
AFTER = [("inventory", "0008_movement_reason_code")]


@pytest.mark.django_db(transaction=True)
def test_migration_gives_past_issues_the_reason_other_and_nothing_else_a_code():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        # The apps below inventory stay migrated to their latest state.
        below = [node for node in leaves if node[0] in ("accounts", "catalog")]
        old = executor.loader.project_state([*BEFORE, *below]).apps
        organization = old.get_model("accounts", "Organization").objects.create(
            name="Old", slug="old"
        )
        warehouse = old.get_model("inventory", "Warehouse").objects.create(
            organization=organization, code="W", name="W"
        )
        location = old.get_model("inventory", "Location").objects.create(
            organization=organization, warehouse=warehouse, code="A"
        )
        product = old.get_model("catalog", "Product").objects.create(
            organization=organization, sku="P", name="P"
        )
        Movement = old.get_model("inventory", "StockMovement")
        common = {"organization": organization, "product": product, "quantity": D("1")}
        Movement.objects.create(kind="receipt", to_location=location, **common)
        Movement.objects.create(kind="issue", from_location=location, **common)
        Movement.objects.create(kind="issue", from_location=location, **common)
        Movement.objects.create(kind="shipment", from_location=location, **common)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state([*AFTER, *below]).apps
        rows = new.get_model("inventory", "StockMovement").objects.order_by("pk")

        assert list(rows.values_list("kind", "reason_code")) == [
            ("receipt", ""),
            ("issue", "other"),
            ("issue", "other"),
            ("shipment", ""),
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
