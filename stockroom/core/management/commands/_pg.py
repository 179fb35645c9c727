"""Running the PostgreSQL client tools; connection settings go by environment, never argv."""

import os
import subprocess


def pg_environment(db_settings: dict) -> dict[str, str]:
    env = dict(os.environ)
    mapping = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
    for key, variable in mapping.items():
        if db_settings.get(key):
            env[variable] = str(db_settings[key])
    return env


def client_tool(name: str) -> str:
    """The absolute path of a PostgreSQL client program, or a clear error if it is missing."""
    import shutil

    from django.core.management.base import CommandError

    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def run_client_tool(name: str, arguments: list[str], db_settings: dict) -> None:
    """Run pg_dump or pg_restore against the connection; its stderr becomes the CommandError."""
    from django.core.management.base import CommandError

    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [client_tool(name), *arguments],
        env=pg_environment(db_settings),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CommandError(f"{name} failed: {result.stderr.strip()}")
