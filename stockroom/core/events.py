"""Work that follows a commit: cache bumps, live events, queued tasks, emails.

Once a transaction has committed, its write is done: the user must be told so, or they retry and
write it twice. So nothing that runs after the commit may turn the response into an error. Every
service queues such work through `on_commit` (and sends its custom signals through
`send_after_commit`), which log each failure and count it in
`stockroom_post_commit_failures_total` instead of raising. The cache, the channel layer and the
broker catch up on their own: versions and events are best effort, tasks are idempotent.
"""

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from .metrics import POST_COMMIT_FAILURES

logger = logging.getLogger(__name__)


def _run(fn: Callable[[], Any], hook: str) -> None:
    try:
        fn()
    except Exception:  # the write is committed: report the failure, never raise it
        POST_COMMIT_FAILURES.labels(hook=hook).inc()
        logger.exception("post-commit work %s failed; the write it follows is committed", hook)


def on_commit(fn: Callable[[], Any], *, hook: str, using: str | None = None) -> None:
    """Run `fn` once the current transaction commits (at once outside one); log, count and
    swallow its exception. `hook` names the work in the log and the metric."""
    transaction.on_commit(partial(_run, fn, hook), using=using)


def send_robust(signal: Signal, *, hook: str, sender: Any, **kwargs: Any) -> None:
    """Send `signal` to every receiver even if one raises; log and count each failure."""
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            POST_COMMIT_FAILURES.labels(hook=hook).inc()
            logger.error(
                "receiver %s of %s failed; the write it follows is committed",
                getattr(receiver, "__qualname__", receiver),
                hook,
                exc_info=result,
            )


def send_after_commit(signal: Signal, *, hook: str, sender: Any, **kwargs: Any) -> None:
    """Send `signal` robustly once the current transaction commits."""
    on_commit(partial(send_robust, signal, hook=hook, sender=sender, **kwargs), hook=hook)
