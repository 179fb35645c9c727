"""Local development: debug on, console email, the debug toolbar when installed."""

import importlib.util

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE, env

DEBUG = env.bool("DEBUG", default=True)
INTERNAL_IPS = ["127.0.0.1"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The toolbar is a dev-only dependency: `make run` installs the runtime lock only.
DEBUG_TOOLBAR_ENABLED = (
    env.bool("DEBUG_TOOLBAR", default=False)
    and importlib.util.find_spec("debug_toolbar") is not None
)
if DEBUG_TOOLBAR_ENABLED:
    INSTALLED_APPS = [*INSTALLED_APPS, "debug_toolbar"]
    MIDDLEWARE = ["debug_toolbar.middleware.DebugToolbarMiddleware", *MIDDLEWARE]
