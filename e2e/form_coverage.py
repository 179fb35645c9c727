"""The form inventory's pieces: how a recorded POST is classified, how e2e/forms.txt is read, and
what the guard (test_form_inventory.py) compares. Pure functions, no browser and no Django, so
they are unit-tested on their own; the conftest records, the guard asks the server's Django.

forms.txt holds one line per entry, sorted, merged line by line between branches:

    <url name> accepted <test file>::<test function>
    <url name> refused <test file>::<test function>
    <url name> refused none: <why no input can be refused>

Blank lines and lines starting with "#" (the file's one header line) are ignored. The test file
is relative to e2e/ (a leading "e2e/" is accepted too).
"""

from __future__ import annotations

import ast
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

ACCEPTED = "accepted"
REFUSED = "refused"
OUTCOMES = (ACCEPTED, REFUSED)

# Markers of a refusal in an HTML answer: the form's error summary (templates/forms/
# error_summary.html) and an error-level message (templates/includes/messages.html).
ERROR_SUMMARY = re.compile(r"<[^>]*\sdata-error-summary[\s>=/]")
ERROR_MESSAGE = re.compile(r"""data-message-level=["']?error\b""")

# URL names that accept POST but are no HTML form: probes and metrics, read by machines.
NOT_FORMS = frozenset({"healthz", "readyz", "metrics"})
# URL prefixes outside the browser's forms: DRF (its own tests) and Django's admin.
SKIPPED_PREFIXES = ("api/", "admin/")


def classify(status: int, body: str | None) -> str:
    """The outcome of a POST from the page finally shown: refused on a 4xx/5xx status, an error
    summary or an error message; otherwise accepted. `body` is None when it could not be read
    (the page navigated away first): then the status alone decides."""
    if status >= 400:
        return REFUSED
    if body and (ERROR_SUMMARY.search(body) or ERROR_MESSAGE.search(body)):
        return REFUSED
    return ACCEPTED


@dataclass(frozen=True)
class Entry:
    line: int
    name: str
    outcome: str
    test: str | None  # "test_file.py::test_function"
    reason: str | None  # for "refused none: <reason>"

    def __str__(self) -> str:
        target = self.test or f"none: {self.reason}"
        return f"forms.txt:{self.line}: {self.name} {self.outcome} {target}"


LINE = re.compile(
    r"^(?P<name>[\w:.-]+)\s+(?P<outcome>accepted|refused)\s+"
    r"(?:none:\s*(?P<reason>\S.*)|(?P<test>[\w./-]+\.py::\w+))\s*$"
)


def normalize_test(test: str) -> str:
    """`e2e/test_x.py::test_y` and `test_x.py::test_y` name the same test."""
    return test.removeprefix("./").removeprefix("e2e/")


def parse_inventory(text: str) -> tuple[list[Entry], list[str]]:
    """The entries of forms.txt and the lines that could not be read (as error texts)."""
    entries: list[Entry] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        if not match:
            errors.append(f"forms.txt:{number}: unreadable line {raw!r}")
            continue
        if match["reason"] and match["outcome"] != REFUSED:
            errors.append(f"forms.txt:{number}: only a refusal may be 'none: <why>': {raw!r}")
            continue
        test = normalize_test(match["test"]) if match["test"] else None
        entries.append(Entry(number, match["name"], match["outcome"], test, match["reason"]))
    seen: set[tuple[str, str, str | None]] = set()
    for entry in entries:
        key = (entry.name, entry.outcome, entry.test or entry.reason)
        if key in seen:
            errors.append(f"{entry}: listed twice")
        seen.add(key)
    return entries, errors


def unsorted_lines(text: str) -> list[str]:
    """Entry lines out of order: the file is merged line by line, so it stays sorted."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("#")]
    return [
        f"{after!r} comes before {before!r}"
        for before, after in itertools.pairwise(lines)
        if after < before
    ]


def defined_tests(directory: Path) -> set[str]:
    """Every test function of the suite, as "test_file.py::test_function" (methods of Test*
    classes as "test_file.py::TestClass::test_method")."""
    found: set[str] = set()
    for path in sorted(directory.glob("test_*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                found.add(f"{path.name}::{node.name}")
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                for method in node.body:
                    if isinstance(method, ast.FunctionDef) and method.name.startswith("test"):
                        found.add(f"{path.name}::{node.name}::{method.name}")
    return found


def function_key(nodeid: str) -> str:
    """The test function of a node id: no parameters, relative to e2e/."""
    return normalize_test(nodeid.split("[", 1)[0])


def missing_forms(post_views: list[str], entries: list[Entry]) -> list[str]:
    """POST views without an accepted line or without a refused line, as readable texts."""
    missing = []
    for name in sorted(post_views):
        outcomes = {entry.outcome for entry in entries if entry.name == name}
        lacking = [outcome for outcome in OUTCOMES if outcome not in outcomes]
        if lacking:
            missing.append(f"{name}: no {' and no '.join(lacking)} line")
    return missing


def unknown_entries(
    entries: list[Entry], url_names: set[str], post_views: set[str], tests: set[str]
) -> list[str]:
    """Lines naming a URL that does not exist (or accepts no POST) or a test that does not."""
    problems = []
    for entry in entries:
        if entry.name not in url_names:
            problems.append(f"{entry}: no URL is named {entry.name!r}")
        elif entry.name not in post_views:
            problems.append(f"{entry}: {entry.name!r} is no form view that accepts POST")
        if entry.test and entry.test not in tests:
            problems.append(f"{entry}: no test {entry.test} in e2e/")
    return problems


def unmade_submissions(
    entries: list[Entry], passed_tests: set[str], recorded: list[dict]
) -> list[str]:
    """Lines whose test passed in this session without making that submission with that
    outcome. `recorded` holds the recorder's rows, each with "test", "name" and "outcome"."""
    made = {(row["test"], row.get("name"), row["outcome"]) for row in recorded}
    problems = []
    for entry in entries:
        if not entry.test or entry.test not in passed_tests:
            continue
        if (entry.test, entry.name, entry.outcome) not in made:
            seen = sorted(
                {
                    f"{row.get('name') or row['path']} {row['outcome']}"
                    for row in recorded
                    if row["test"] == entry.test
                }
            )
            problems.append(
                f"{entry}: the test passed but made no such submission "
                f"(it made: {', '.join(seen) or 'none'})"
            )
    return problems


# Run inside the server's Django (Server.python): reads {"paths": [...]} as JSON from the
# variable PAYLOAD and prints the URL names of the paths, every URL name, and the POST views.
SERVER_CODE = r"""
import inspect, json
from django.urls import URLPattern, URLResolver, Resolver404, get_resolver, resolve
from django.views.generic import RedirectView
from django.views.static import serve
from stockroom.core.views import FaviconView

payload = json.loads(PAYLOAD)
skipped_prefixes = tuple(payload["skipped_prefixes"])
not_forms = set(payload["not_forms"])


def allowed_methods(function):
    # A function view limited by require_http_methods (require_GET, require_safe ...) keeps
    # the list in the decorator's closure; walk the __wrapped__ chain to find it.
    while function is not None:
        try:
            found = inspect.getclosurevars(function).nonlocals.get("request_method_list")
        except (TypeError, ValueError):
            found = None
        if found is not None:
            return {method.upper() for method in found}
        function = getattr(function, "__wrapped__", None)
    return None


def accepts_post(callback):
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        if issubclass(view_class, (RedirectView, FaviconView)):
            return False
        return hasattr(view_class, "post") and "post" in view_class.http_method_names
    if callback is serve:
        return False
    methods = allowed_methods(callback)
    return methods is None or "POST" in methods


names, post_views = set(), set()


def walk(patterns, prefix, namespace):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            joined = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            walk(pattern.url_patterns, route, joined)
            continue
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
        if name:
            names.add(name)
        if route.lstrip("^").startswith(skipped_prefixes) or name in not_forms:
            continue
        if accepts_post(pattern.callback):
            post_views.add(name or f"<unnamed {route}>")


walk(get_resolver().url_patterns, "", None)
resolved = {}
for path in payload["paths"]:
    try:
        resolved[path] = resolve(path).view_name
    except Resolver404:
        resolved[path] = None
print(json.dumps({
    "resolved": resolved, "names": sorted(names), "post_views": sorted(post_views)
}))
"""


def server_code(paths: list[str]) -> str:
    payload = {
        "paths": sorted(set(paths)),
        "skipped_prefixes": list(SKIPPED_PREFIXES),
        "not_forms": sorted(NOT_FORMS),
    }
    return f"PAYLOAD = {json.dumps(json.dumps(payload))}\n{SERVER_CODE}"
