"""Compile the project's .po catalogs into .mo files with polib, for machines without GNU gettext.

`manage.py compilemessages` (which needs msgfmt) does the same; either output is fine, and the
compiled catalogs are committed so `make run` needs neither. `--check` only reports whether the
committed .mo files are up to date (same messages as their .po), for CI.
"""

import gettext
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def _messages(mo_path: Path) -> dict:
    with mo_path.open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)  # the header: dates differ between compilers
    return catalog


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo with polib (no gettext tools needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Fail if a committed .mo is out of date."
        )

    def handle(self, *args, check: bool = False, **options):
        try:
            import polib  # type: ignore[import-untyped]
        except ImportError:  # pragma: no cover - polib is a dev dependency
            raise CommandError(
                "polib is not installed: install the dev dependencies, or use compilemessages."
            ) from None
        po_paths = sorted(
            path
            for locale_dir in settings.LOCALE_PATHS
            for path in Path(locale_dir).glob("*/*/*.po")
        )
        if not po_paths:
            raise CommandError("No .po files under LOCALE_PATHS.")
        stale = []
        for po_path in po_paths:
            catalog = polib.pofile(str(po_path))
            if catalog.fuzzy_entries() or catalog.untranslated_entries():
                self.stderr.write(f"{po_path}: has fuzzy or untranslated entries")
            mo_path = po_path.with_suffix(".mo")
            if check:
                with tempfile.TemporaryDirectory() as tmp:
                    fresh = Path(tmp) / "fresh.mo"
                    catalog.save_as_mofile(str(fresh))
                    if not mo_path.exists() or _messages(mo_path) != _messages(fresh):
                        stale.append(str(mo_path))
                continue
            catalog.save_as_mofile(str(mo_path))
            self.stdout.write(f"compiled {mo_path} ({len(catalog.translated_entries())} messages)")
        if stale:
            raise CommandError("Out of date, recompile and commit: " + ", ".join(stale))
        if check:
            self.stdout.write(f"{len(po_paths)} compiled catalog(s) up to date")
