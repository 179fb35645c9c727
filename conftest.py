"""Shared fixtures. Tests marked `postgres` / `redis` run only when DATABASE_URL / REDIS_URL
point at those services; `.ci/run` sets both and forbids skips."""

import os

import pytest

from django.conf import settings

from stockroom.accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory, OrganizationFactory
from stockroom.inventory.tests.factories import LocationFactory, WarehouseFactory

REQUIRES = {
    "postgres": lambda: settings.IS_POSTGRES,
    "redis": lambda: bool(settings.REDIS_URL),
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker, available in REQUIRES.items():
            if item.get_closest_marker(marker) and not available():
                item.add_marker(
                    pytest.mark.skip(reason=f"needs {marker}: set the service's URL to run it")
                )


def pytest_sessionfinish(session, exitstatus):
    """With FORBID_SKIPS=1 (CI's service run) a skipped test fails the run."""
    if os.environ.get("FORBID_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"FORBID_SKIPS: {skipped} test(s) were skipped", red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _tenant_scopes(request):
    """Factories and test setup create and read rows of several organizations, so scopes are
    disabled around each test; a request, task or consumer the test runs still enters its own
    scope (entering one ends the disabled block), so the code under test is held to it.
    Tests marked `fail_closed` run without this, as production code does."""
    if request.node.get_closest_marker("fail_closed"):
        yield
        return
    from stockroom.core.tenancy import scopes_disabled

    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request of a Spanish-speaking member leaves
    Spanish active in its thread (the locale middlewares activate, nothing deactivates), and a
    later test on the same worker would otherwise see translated messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def other_organization(db):
    return OrganizationFactory()


def _member(organization, role):
    return MembershipFactory(organization=organization, role=role)


@pytest.fixture
def owner(organization):
    return _member(organization, Role.OWNER)


@pytest.fixture
def manager(organization):
    return _member(organization, Role.MANAGER)


@pytest.fixture
def clerk(organization):
    return _member(organization, Role.CLERK)


@pytest.fixture
def viewer(organization):
    return _member(organization, Role.VIEWER)


@pytest.fixture
def warehouse(organization):
    return WarehouseFactory(organization=organization, code="MAIN", name="Main warehouse")


@pytest.fixture
def location(warehouse):
    """Bin A-01 of the warehouse."""
    return LocationFactory(organization=warehouse.organization, warehouse=warehouse, code="A-01")


@pytest.fixture
def other_location(warehouse):
    """Bin B-01 of the warehouse."""
    return LocationFactory(organization=warehouse.organization, warehouse=warehouse, code="B-01")


@pytest.fixture
def member_client(client):
    """`member_client(membership)` logs the membership's user in with that organization active."""

    def login(membership):
        client.force_login(membership.user)
        session = client.session
        session[ACTIVE_ORGANIZATION_SESSION_KEY] = membership.organization_id
        session.save()
        return client

    return login
