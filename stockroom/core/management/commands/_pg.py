"""Connection settings for the PostgreSQL client tools, passed by environment, never argv."""

import os


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
