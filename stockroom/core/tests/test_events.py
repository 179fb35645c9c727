"""Post-commit work never turns a committed write into an error: it is logged and counted."""

import logging

import pytest
from prometheus_client import REGISTRY

from django.db import transaction
from django.dispatch import Signal

from stockroom.core import events


def _failures(hook: str) -> float:
    labels = {"hook": hook}
    return REGISTRY.get_sample_value("stockroom_post_commit_failures_total", labels) or 0.0


def _broken() -> None:
    raise ConnectionError("broker unreachable")


@pytest.mark.django_db
def test_failing_work_after_commit_is_logged_and_counted_not_raised(
    django_capture_on_commit_callbacks, caplog
):
    ran: list[str] = []
    before = _failures("test.broken")
    with (
        caplog.at_level(logging.ERROR, logger="stockroom.core.events"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        events.on_commit(_broken, hook="test.broken")
        events.on_commit(lambda: ran.append("next"), hook="test.next")
    assert ran == ["next"]
    assert _failures("test.broken") == before + 1
    assert [record.getMessage() for record in caplog.records] == [
        "post-commit work test.broken failed; the write it follows is committed"
    ]


@pytest.mark.django_db
def test_a_failing_receiver_does_not_stop_the_others(django_capture_on_commit_callbacks):
    signal = Signal()
    received: list[int] = []

    def broken_receiver(sender, **kwargs):
        raise ConnectionError("cache unreachable")

    def receiver(sender, *, value: int, **kwargs):
        received.append(value)

    signal.connect(broken_receiver, weak=False)
    signal.connect(receiver, weak=False)
    before = _failures("test.signal")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        events.send_after_commit(signal, hook="test.signal", sender=None, value=7)
        assert received == []  # nothing before the commit
    assert len(callbacks) == 1
    assert received == [7]
    assert _failures("test.signal") == before + 1
