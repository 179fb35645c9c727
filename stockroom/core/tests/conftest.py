import pytest

from django.db import transaction


@pytest.fixture(scope="module")
def tenant_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The two-tenant world, built once per module: each test runs in a savepoint inside the
    transaction that holds it, so every test starts from the same rows and the world is rolled
    back after the module."""
    from django.test import override_settings

    from stockroom.core.tenancy import scopes_disabled

    from .tenant_world import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        # Module set-up runs outside each test's disabled scopes: it builds both tenants' rows.
        with (
            override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("world-media")),
            scopes_disabled(),
        ):
            world = build_world()
        yield world
        transaction.set_rollback(True)
