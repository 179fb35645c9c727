"""A fixed-window request counter in the cache, for endpoints that must be rate limited.

Counts live in the shared cache (Redis in production), so the limit holds across web processes.
"""

import hashlib
import time

from django.core.cache import cache


def hit(scope: str, identity: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request of `identity` in `scope`; False once it is over `limit` in the window."""
    window = int(time.time() // window_seconds)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]  # no raw emails in cache keys
    key = f"ratelimit:{scope}:{digest}:{window}"
    if cache.add(key, 1, window_seconds + 5):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window_seconds + 5)
        count = 1
    return count <= limit


def client_ip(request) -> str:
    # Behind nginx, REMOTE_ADDR is the proxy: the uvicorn worker rewrites it from X-Forwarded-For
    # for trusted proxies (FORWARDED_ALLOW_IPS), so REMOTE_ADDR is the client here.
    return request.META.get("REMOTE_ADDR", "")
