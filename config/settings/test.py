"""Test settings: fast hashing, in-memory email; PostgreSQL/Redis when their URLs are set."""

from .base import *  # noqa: F403
from .base import CACHES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks inline; the Redis-marked worker test starts a real worker explicitly.
CELERY_TASK_ALWAYS_EAGER = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = BASE_DIR / ".pytest_media"  # noqa: F405
if "KEY_PREFIX" in CACHES["default"]:
    CACHES["default"]["KEY_PREFIX"] = "stockroom-test"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# Parallel test workers (pytest-xdist) each get their own Redis database, so one worker's
# cache.clear() (FLUSHDB) never wipes another's cache, channel-layer messages or broker queue.
_XDIST_WORKER = env.str("PYTEST_XDIST_WORKER", default="")  # noqa: F405
if REDIS_URL and _XDIST_WORKER.startswith("gw"):  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(REDIS_URL)  # noqa: F405
    _base_db = int(_parts.path.lstrip("/") or 0)
    REDIS_URL = urlunsplit(_parts._replace(path=f"/{_base_db + 1 + int(_XDIST_WORKER[2:])}"))
    CACHES["default"]["LOCATION"] = REDIS_URL
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [REDIS_URL]  # noqa: F405
    CELERY_BROKER_URL = REDIS_URL
