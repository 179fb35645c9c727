"""The server's Django in one long-lived process, for `Server.python`: the browser tests read
stock and documents from the database after every step, and a fresh `manage.py shell` per read
cost a second or more of start-up each time.

Reads one JSON request a line on stdin ({"code": ...}), runs the code with its printed output
captured, and answers one JSON line on stdout. Each snippet starts as a fresh shell would: no
active language, no tenant scope (the code enters its own), no connection or local-memory cache
entries kept from the snippet before.
"""

import contextlib
import io
import json
import sys
import traceback

import django

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.cache.backends.locmem import LocMemCache  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import translation  # noqa: E402


def _fresh_state() -> None:
    translation.deactivate_all()
    translation.deactivate()
    for cache in caches.all():
        if isinstance(cache, LocMemCache):
            cache.clear()  # the web process has its own: ours must not answer from old reads
    connections.close_all()


def serve(requests: io.TextIOBase, answers: io.TextIOBase) -> None:
    for line in requests:
        code = json.loads(line)["code"]
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                exec(code, {"__name__": "__e2e_snippet__"})  # noqa: S102 - the tests' own code
            answer = {"ok": True, "output": printed.getvalue()}
        except BaseException:
            answer = {"ok": False, "output": printed.getvalue(), "error": traceback.format_exc()}
        finally:
            _fresh_state()
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
