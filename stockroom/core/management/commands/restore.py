"""Restore a backup made by `manage.py backup`: the database dump and, optionally, the media."""

import shutil
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from stockroom.core.management.commands._pg import run_client_tool


class Command(BaseCommand):
    help = "Replace the database with a pg_dump file (and the media with a media archive)."

    def add_arguments(self, parser):
        parser.add_argument("dump", help="db-<stamp>.dump (PostgreSQL) or db-<stamp>.sqlite3")
        parser.add_argument("--media", help="media-<stamp>.tar.gz to restore as well")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask: the current data is replaced."
        )

    def handle(self, *args, dump: str, media: str | None, database: str, yes: bool, **options):
        dump_path = Path(dump)
        if not dump_path.is_file():
            raise CommandError(f"{dump} does not exist")
        if not yes and input("This replaces the current data. Type 'yes': ") != "yes":
            raise CommandError("Restore cancelled.")
        connection = connections[database]
        db_settings = connection.settings_dict
        connection.close()
        if db_settings["ENGINE"] == "django.db.backends.postgresql":
            self._pg_restore(db_settings, dump_path)
        elif db_settings["ENGINE"] == "django.db.backends.sqlite3":
            shutil.copyfile(dump_path, db_settings["NAME"])
        else:
            raise CommandError(f"Unsupported database engine {db_settings['ENGINE']}")
        if media:
            self._restore_media(Path(media))
        self.stdout.write(self.style.SUCCESS("restore complete"))

    @staticmethod
    def _pg_restore(db_settings: dict, dump_path: Path) -> None:
        run_client_tool(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={db_settings['NAME']}",
                str(dump_path),
            ],
            db_settings,
        )

    @staticmethod
    def _restore_media(archive_path: Path) -> None:
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(archive_path, "r:gz") as archive:
            members = [m for m in archive.getmembers() if m.name.startswith("media")]
            media_root.parent.mkdir(parents=True, exist_ok=True)
            archive.extractall(media_root.parent, members=members, filter="data")
            extracted = media_root.parent / "media"
            if extracted.resolve() != media_root.resolve():
                shutil.copytree(extracted, media_root, dirs_exist_ok=True)
                shutil.rmtree(extracted)
