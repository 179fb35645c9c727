"""Production settings fail fast; the embedded defaults need no services."""

import os
import subprocess
import sys

import pytest

from django.conf import settings

SECRET = "p" * 64


def _load_prod(**env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.prod", **env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "example.com"}, "SECRET_KEY"),
        ({"SECRET_KEY": SECRET}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "example.com"}, "SECRET_KEY"),
    ],
    ids=["missing-secret", "missing-hosts", "weak-secret"],
)
def test_production_refuses_to_start_without_its_secrets(env, message):
    result = _load_prod(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_starts_with_its_secrets():
    result = _load_prod(SECRET_KEY=SECRET, ALLOWED_HOSTS="example.com")
    assert result.returncode == 0, result.stderr


def test_argon2_is_the_default_hasher_outside_tests():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
