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
