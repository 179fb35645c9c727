"""The form inventory's guard: every form of the app is submitted through the browser once
accepted and once refused, as e2e/forms.txt lists, and the tests named there really did it.

`test_form_inventory` runs last (the conftest orders it) and compares forms.txt with the URLconf
of the server's Django and with the POSTs the session's pages made (conftest.RECORDER). It fails
when (a) a view that accepts POST lacks an accepted or a refused line, (b) a line names an unknown
URL name or a test that does not exist, (c) a test named on a line passed in this session without
making that submission with that outcome. (a) applies only when the whole suite was selected.
The other tests here check the pure pieces of form_coverage.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import RECORDER
from .form_coverage import (
    ACCEPTED,
    REFUSED,
    Entry,
    classify,
    defined_tests,
    function_key,
    missing_forms,
    parse_inventory,
    server_code,
    unknown_entries,
    unmade_submissions,
    unsorted_lines,
)
from .server import Server

E2E = Path(__file__).resolve().parent
INVENTORY = E2E / "forms.txt"


def test_form_inventory(request: pytest.FixtureRequest, server: Server) -> None:
    text = INVENTORY.read_text()
    entries, problems = parse_inventory(text)
    problems += [f"forms.txt is not sorted: {line}" for line in unsorted_lines(text)]

    paths = [row["path"] for row in RECORDER.rows]
    answer = json.loads(server.python(server_code(paths)))
    RECORDER.names.update(answer["resolved"])
    for row in RECORDER.rows:
        row["name"] = answer["resolved"].get(row["path"])
    post_views = answer["post_views"]

    tests = defined_tests(E2E)
    problems += unknown_entries(entries, set(answer["names"]), set(post_views), tests)
    # Only the tests that passed are held to their lines: a failure is reported on its own.
    problems += unmade_submissions(entries, RECORDER.passed, RECORDER.rows)

    selected = {function_key(item.nodeid) for item in request.session.items}
    missing: list[str] = []
    if tests <= selected:
        missing = missing_forms(post_views, entries)
    assert not problems and not missing, "\n".join(
        [*problems, *(["Forms without an accepted and a refused line:"] if missing else [])]
        + [f"  {line}" for line in missing]
    )
    if not tests <= selected:
        pytest.skip(
            "only part of the suite ran: the lines of the tests that ran are checked, but not "
            "whether every form is listed (run the whole e2e suite for that)"
        )


# --- the pure pieces --------------------------------------------------------------------------


def test_classify_by_status_and_markers() -> None:
    assert classify(200, "<main><h1>Saved</h1></main>") == ACCEPTED
    assert classify(200, None) == ACCEPTED
    assert classify(400, None) == REFUSED
    assert classify(429, "<p>wait</p>") == REFUSED
    assert classify(200, '<div class="alert" role="alert" data-error-summary>') == REFUSED
    assert classify(200, '<div role="alert" data-message-level="error">No.</div>') == REFUSED
    assert classify(200, '<div role="alert" data-message-level="success">Yes.</div>') == ACCEPTED
    # The words alone (in a help text, say) are no marker.
    assert classify(200, "<p>data-error-summary lists the errors</p>") == ACCEPTED


def test_parse_inventory_lines_and_errors() -> None:
    entries, errors = parse_inventory(
        "# header\n"
        "\n"
        "accounts:login accepted test_a.py::test_in\n"
        "accounts:login refused e2e/test_a.py::test_wrong\n"
        "accounts:logout refused none: a button with no fields\n"
        "accounts:logout accepted none: nothing\n"
        "accounts:login what test_a.py::test_in\n"
        "accounts:login accepted test_a.py::test_in\n"
    )
    assert entries[:3] == [
        Entry(3, "accounts:login", ACCEPTED, "test_a.py::test_in", None),
        Entry(4, "accounts:login", REFUSED, "test_a.py::test_wrong", None),
        Entry(5, "accounts:logout", REFUSED, None, "a button with no fields"),
    ]
    assert len(errors) == 3
    assert "only a refusal" in errors[0]
    assert "unreadable" in errors[1]
    assert "listed twice" in errors[2]


def test_sorted_check() -> None:
    assert unsorted_lines("# b\na x\nb y\n") == []
    assert unsorted_lines("b y\na x\n") == ["'a x' comes before 'b y'"]


def test_defined_tests_and_keys(tmp_path: Path) -> None:
    (tmp_path / "test_one.py").write_text(
        "def test_a():\n    pass\n\ndef helper():\n    pass\n\n"
        "class TestGroup:\n    def test_b(self):\n        pass\n"
    )
    (tmp_path / "helpers.py").write_text("def test_not_collected():\n    pass\n")
    assert defined_tests(tmp_path) == {"test_one.py::test_a", "test_one.py::TestGroup::test_b"}
    assert function_key("test_one.py::test_a[phone]") == "test_one.py::test_a"
    assert function_key("e2e/test_one.py::test_a") == "test_one.py::test_a"


def test_missing_unknown_and_unmade() -> None:
    entries, _ = parse_inventory(
        "a:form accepted test_x.py::test_ok\n"
        "a:form refused none: nothing to refuse\n"
        "b:form accepted test_x.py::test_ok\n"
        "c:gone accepted test_x.py::test_missing\n"
        "d:list accepted test_x.py::test_ok\n"
    )
    assert missing_forms(["a:form", "b:form", "e:form"], entries) == [
        "b:form: no refused line",
        "e:form: no accepted and no refused line",
    ]
    unknown = unknown_entries(
        entries, {"a:form", "b:form", "d:list"}, {"a:form", "b:form"}, {"test_x.py::test_ok"}
    )
    assert [problem.split(": ", 1)[0] for problem in unknown] == [
        "forms.txt:4",
        "forms.txt:4",
        "forms.txt:5",
    ]
    recorded = [
        {"test": "test_x.py::test_ok", "name": "a:form", "path": "/a/", "outcome": ACCEPTED},
        {"test": "test_x.py::test_ok", "name": "b:form", "path": "/b/", "outcome": REFUSED},
    ]
    unmade = unmade_submissions(entries, {"test_x.py::test_ok"}, recorded)
    assert len(unmade) == 2  # b:form was refused, not accepted; d:list never posted
    assert "b:form accepted" in unmade[0] and "a:form accepted, b:form refused" in unmade[0]
    # A test that did not pass (or did not run) is not held to its lines.
    assert unmade_submissions(entries, set(), recorded) == []
