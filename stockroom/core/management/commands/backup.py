"""Back up the database (pg_dump custom format, or SQLite's online backup) and the media files."""

import sqlite3
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from stockroom.core.management.commands._pg import run_client_tool


class Command(BaseCommand):
    help = "Write <dir>/db-<stamp>.dump (or .sqlite3) and <dir>/media-<stamp>.tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="Directory for the backup files.")
        parser.add_argument("--database", default="default", help="Database alias.")
        parser.add_argument("--skip-media", action="store_true")

    def handle(self, *args, output: str, database: str, skip_media: bool, **options):
        target = Path(output)
        target.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        db_settings = connections[database].settings_dict
        if db_settings["ENGINE"] == "django.db.backends.postgresql":
            db_file = target / f"db-{stamp}.dump"
            self._pg_dump(db_settings, db_file)
        elif db_settings["ENGINE"] == "django.db.backends.sqlite3":
            db_file = target / f"db-{stamp}.sqlite3"
            self._sqlite_backup(db_settings["NAME"], db_file)
        else:
            raise CommandError(f"Unsupported database engine {db_settings['ENGINE']}")
        self.stdout.write(f"database → {db_file}")
        if not skip_media:
            media_file = target / f"media-{stamp}.tar.gz"
            with tarfile.open(media_file, "w:gz") as archive:
                media_root = Path(settings.MEDIA_ROOT)
                if media_root.exists():
                    archive.add(media_root, arcname="media")
            self.stdout.write(f"media → {media_file}")
        self.stdout.write(self.style.SUCCESS("backup complete"))

    @staticmethod
    def _pg_dump(db_settings: dict, db_file: Path) -> None:
        run_client_tool(
            "pg_dump",
            ["--format=custom", "--no-owner", f"--file={db_file}", db_settings["NAME"]],
            db_settings,
        )

    @staticmethod
    def _sqlite_backup(source: str, db_file: Path) -> None:
        with sqlite3.connect(source) as src, sqlite3.connect(db_file) as dst:
            src.backup(dst)
