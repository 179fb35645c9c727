"""Connection settings for the PostgreSQL client tools, passed by environment, never argv."""

import os


def pg_environment(db_settings: dict) -> dict[str, str]:
    env = dict(os.environ)
    mapping = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
    for key, variable in mapping.items():
        if db_settings.get(key):
            env[variable] = str(db_settings[key])
    return env
