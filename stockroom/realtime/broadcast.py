"""Send events to browsers through the channel layer (in-memory or Redis)."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def publish(group: str, payload: dict) -> None:
    """Deliver `payload` to every socket in `group`."""
    _group_send(
        group,
        {"type": "organization.event", "payload": payload},
        failure="could not publish a live event to %s",
    )


def end_access(group: str, *, code: int) -> None:
    """Close every socket in `group` with `code` (see consumers.py): its member left, or what it
    was allowed to hear changed."""
    _group_send(
        group,
        {"type": "access.changed", "code": code},
        failure="could not close the sockets of %s",
    )


def _group_send(group: str, message: dict, *, failure: str) -> None:
    # A broken layer never fails the caller: the change that caused the message is committed
    # already, and the page shows it on its next load.
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.exception(failure, group)
