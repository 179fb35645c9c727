"""Every way code starts outside a request enters a tenant scope: Celery tasks, management
commands, the middleware. Generated from the registries, so a new task or command is covered
(or fails here) without anyone listing it."""

import functools
import inspect
from io import StringIO

import pytest

from django.core.management import call_command, get_commands
from django.urls import reverse

from config.celery import app
from stockroom.catalog.models import Category
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.core.task_options import OrganizationTask
from stockroom.core.tenancy import (
    ScopeError,
    get_active_organization_id,
    scopes_are_disabled,
    scopes_disabled,
)
from stockroom.inventory.tests.factories import LocationFactory, receive
from stockroom.reports.models import StockValueSnapshot

app.loader.import_default_modules()
PROJECT_TASKS = sorted(name for name in app.tasks if name.startswith("stockroom."))


def test_the_project_tasks_are_all_found():
    assert {
        "stockroom.alerts.tasks.low_stock_alert",
        "stockroom.imports.tasks.run_import_job",
        "stockroom.orders.tasks.send_purchase_order_email",
        "stockroom.reports.tasks.snapshot_stock_values",
    } <= set(PROJECT_TASKS)


@pytest.mark.parametrize("name", PROJECT_TASKS)
def test_every_task_takes_an_organization_or_declares_it_crosses_tenants(name):
    task = app.tasks[name]
    assert isinstance(task, OrganizationTask)
    if not task.crosses_tenants:
        assert "organization_id" in inspect.signature(task.run).parameters


@pytest.mark.fail_closed
@pytest.mark.parametrize("name", PROJECT_TASKS)
def test_every_task_runs_in_its_organizations_scope(name, organization, monkeypatch):
    task = app.tasks[name]
    seen = []

    @functools.wraps(task.run)  # keeps the signature the base class reads organization_id from
    def body(*args, **kwargs):
        seen.append((get_active_organization_id(), scopes_are_disabled()))

    monkeypatch.setattr(task, "run", body)
    arguments = dict.fromkeys(inspect.signature(task.run).parameters, 1)
    if "organization_id" in arguments:
        arguments["organization_id"] = organization.pk
    task(**arguments)
    assert seen == ([(None, True)] if task.crosses_tenants else [(organization.pk, False)])
    assert get_active_organization_id() is None and not scopes_are_disabled()


@pytest.fixture
def stocked(organization, clerk, manager):  # the manager receives the alerts
    with scopes_disabled():
        product = ProductFactory(organization=organization, reorder_point=5)
        location = LocationFactory(organization=organization)
        receive(product, location, 2, 3, user=clerk.user)
    return product


@pytest.mark.fail_closed
def test_scoped_tasks_run_with_no_scope_around_them(stocked, organization):
    from stockroom.alerts.tasks import daily_digest, fan_out_daily_alerts, low_stock_alert
    from stockroom.reports.tasks import (
        snapshot_stock_values,
        snapshot_stock_values_for_all_organizations,
    )

    assert low_stock_alert.delay(organization.pk, stocked.pk).get() == 1
    assert daily_digest.delay(organization.pk).get() >= 0
    assert fan_out_daily_alerts.delay().get() == 1
    assert snapshot_stock_values.delay(organization.pk).get() >= 1
    assert snapshot_stock_values_for_all_organizations.delay().get() == 0
    with scopes_disabled():
        assert StockValueSnapshot.objects.filter(organization=organization).exists()


@pytest.mark.fail_closed
def test_a_task_without_an_organization_refuses_to_run(monkeypatch):
    from stockroom.reports.tasks import snapshot_stock_values

    with pytest.raises(TypeError, match="organization_id"):
        snapshot_stock_values()


# --- management commands --------------------------------------------------------------------

# Each project command, and how it enters a scope (tested below, or touching no tenant data).
COMMANDS = {
    "create_owner": "creates an organization and its owner: no tenant rows read",
    "seed_demo": "organization_scope of the seeded organization",
    "verify_ledger": "organization_scope with --organization, else scopes_disabled",
    "backfill_stock_values": "organization_scope of each organization in turn",
    "backup": "pg_dump: no ORM",
    "restore": "pg_restore: no ORM",
    "compile_translations": "no database",
    "vendor_assets": "no database",
}


def test_every_project_command_is_accounted_for():
    project = {
        name for name, app_name in get_commands().items() if app_name.startswith("stockroom")
    }
    assert project == COMMANDS.keys()


@pytest.mark.fail_closed
@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(["verify_ledger"], id="verify-ledger-all"),
        pytest.param(["verify_ledger", "--organization", "{slug}"], id="verify-ledger-one"),
        pytest.param(["backfill_stock_values"], id="backfill-all"),
        pytest.param(["backfill_stock_values", "--organization", "{slug}"], id="backfill-one"),
    ],
)
def test_commands_run_with_no_scope_around_them(stocked, organization, arguments):
    out = StringIO()
    call_command(*[argument.format(slug=organization.slug) for argument in arguments], stdout=out)
    assert out.getvalue()


@pytest.mark.fail_closed
def test_seed_demo_runs_with_no_scope_around_it(db):
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        assert Category.objects.count() == 15


@pytest.mark.fail_closed
def test_create_owner_runs_with_no_scope_around_it(db):
    out = StringIO()
    call_command(
        "create_owner",
        "--email",
        "o@example.com",
        "--organization",
        "Acme",
        "--password",
        "a-long-Passw0rd!",
        stdout=out,
    )
    assert "o@example.com owns Acme" in out.getvalue()


# --- requests -------------------------------------------------------------------------------


@pytest.mark.fail_closed
def test_a_request_with_no_organization_cannot_read_tenant_data(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from stockroom.accounts.middleware import ActiveOrganizationMiddleware

    def view(request):
        Category.objects.count()
        return HttpResponse()

    request = rf.get("/")
    request.user, request.session = AnonymousUser(), SessionStore()
    with pytest.raises(ScopeError):
        ActiveOrganizationMiddleware(view)(request)


@pytest.mark.fail_closed
@pytest.mark.parametrize(
    "url_name", ["catalog:product_list", "inventory:stock_levels", "reports:dashboard"]
)
def test_member_pages_run_in_the_members_scope(stocked, clerk, member_client, url_name):
    response = member_client(clerk).get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.fail_closed
def test_api_requests_run_in_the_members_scope(stocked, clerk, client):
    client.force_login(clerk.user)
    response = client.get("/api/v1/products/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.fail_closed
def test_superusers_without_an_organization_work_only_in_the_platform_admins(stocked, client):
    """A superuser outside every organization administers users and organizations (pages whose
    inlines read memberships of every tenant); tenant data stays behind an active organization."""
    from stockroom.accounts.tests.factories import UserFactory

    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get(reverse("admin:accounts_organization_changelist")).status_code == 200
    page = reverse("admin:accounts_organization_change", args=[stocked.organization_id])
    assert client.get(page).status_code == 200
    assert client.get(reverse("admin:inventory_location_changelist")).status_code == 403
    page = reverse("admin:catalog_product_change", args=[stocked.pk])
    assert client.get(page).status_code in (403, 404)
