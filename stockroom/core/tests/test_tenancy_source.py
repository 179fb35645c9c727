"""`unscoped` crosses tenants, so only the modules listed here may use it, each for its reason.

A new `unscoped` anywhere else fails this test: read through `objects` inside the request's or
task's organization scope, or add the module here with the reason it must cross tenants.
"""

import re
from pathlib import Path

from django.conf import settings

ALLOWED = {
    # Defines the manager every tenant model inherits.
    "stockroom/core/models.py": "defines TenantModel.unscoped",
    # Models whose own queryset class needs its own unscoped manager.
    "stockroom/inventory/models.py": "declares unscoped managers with ActiveQuerySet and "
    "StockMovementQuerySet",
    "stockroom/alerts/models.py": "declares an unscoped manager with NotificationQuerySet",
    # The admin's choices of related rows: read with an explicit filter on the active
    # organization, since the admin's own querysets are built before the scope is known.
    "stockroom/accounts/admin_mixins.py": "tenant_choices filters by the active organization",
}

# Tests set up and assert rows of several organizations on purpose.
SKIPPED_DIRECTORIES = {"tests", ".venv", "node_modules", "migrations"}
SCANNED = ("stockroom", "config", "bench", "e2e")
UNSCOPED = re.compile(r"\bunscoped\b")


def _source_files(root: Path):
    for top in SCANNED:
        for path in sorted((root / top).rglob("*.py")):
            if SKIPPED_DIRECTORIES.isdisjoint(path.relative_to(root).parts):
                yield path


def test_unscoped_appears_only_in_allowed_modules():
    root = Path(settings.BASE_DIR)
    found = {
        path.relative_to(root).as_posix()
        for path in _source_files(root)
        if UNSCOPED.search(path.read_text(encoding="utf-8"))
    }
    assert found - ALLOWED.keys() == set()


def test_every_allowed_module_still_needs_it():
    root = Path(settings.BASE_DIR)
    stale = [name for name in ALLOWED if not UNSCOPED.search((root / name).read_text())]
    assert stale == []
