"""Fixtures of the browser tests: the app as a real process, headless Debian chromium.

Run with `make e2e` (or `.venv/bin/pytest -c e2e/pytest.ini e2e`). This suite talks to the
server over HTTP only; it does not load Django or the unit tests' fixtures.

Every browser context made here (`new_context`, `demo_owner_page`) records the POSTs its pages
make, form navigations and htmx/fetch alike, for the form inventory (e2e/forms.txt, checked by
test_form_inventory.py, which runs last). The rule, in `SubmissionRecorder`:
- a POST is judged on the page finally shown: when it is answered by a redirect, the request
  the redirect leads to (Playwright's redirected_to / redirected_from chain) decides;
- "refused" when that answer has a status >= 400, or an HTML body with the form's error summary
  (`[data-error-summary]`) or an error-level message (`data-message-level="error"`, see
  templates/includes/messages.html); otherwise "accepted";
- the body is read when the answer arrives; when it cannot be read any more (the page went on
  to another document first) the status alone decides and the row says `"body_read": false`;
  a POST that never got an answer (aborted) is recorded as "failed";
- each row names the test running when the answer arrived (its node id, and "test" as
  "test_file.py::test_function"); a POST made by a fixture belongs to the test it was set up for.
The rows are written to artifacts/e2e-forms.json at the end of the session.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Error,
    Locator,
    Page,
    Request,
    Response,
    expect,
    sync_playwright,
)

from .form_coverage import classify, function_key
from .server import DEMO_OWNER, ROOT, Server, remove_workdir, start_server

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_SCRIPT = ROOT / ".cache" / "vendor-dev" / "axe-core" / "axe.min.js"
# Every wait is bounded: a step that takes longer than this is a failure, not a hang.
TIMEOUT_MS = 15_000

DEMO_PASSWORD = "stockroom-demo"

expect.set_options(timeout=TIMEOUT_MS)

# Every browser session of the suite logs in from 127.0.0.1: the per-address limit of log-in
# posts (20 a minute, for real networks) would refuse the suite itself. The server started by
# the `server` fixture inherits this environment.
os.environ.setdefault("LOGIN_RATE_LIMIT", "1000")


class SubmissionRecorder:
    """The POSTs of the session's browser pages and their outcomes (rule in the docstring)."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.nodeid = ""  # the test running now
        self.passed: set[str] = set()  # "test_file.py::test_function" whose call passed
        self.ran: set[str] = set()  # ... whose call ran, passed or not
        self.names: dict[str, str | None] = {}  # path -> URL name, filled in by the guard
        self.reading = 0  # bodies being read by `_answered` right now

    def settle(self, context: BrowserContext) -> None:
        """Let the answers still being read finish before `context` closes.

        `_answered` runs in Playwright's event greenlet: while it waits for a body, the test's
        greenlet may end the test and close the context, and the read then fails, so a refusal
        shown to the test was recorded as accepted (on status alone). Any round trip from the
        test's greenlet lets the dispatcher deliver the pending bodies first."""
        for _attempt in range(50):
            if not self.reading:
                return
            context.cookies()

    def attach(self, context: BrowserContext) -> None:
        context.on("response", self._answered)
        context.on("requestfailed", self._failed)

    def _record(self, request: Request, outcome: str, status: int | None, body_read: bool):
        first = request
        while first.redirected_from is not None:
            first = first.redirected_from
        self.rows.append(
            {
                "path": urlsplit(first.url).path,
                "shown": urlsplit(request.url).path,
                "status": status,
                "outcome": outcome,
                "body_read": body_read,
                "nodeid": self.nodeid,
                "test": function_key(self.nodeid),
            }
        )

    @staticmethod
    def _posted(request: Request) -> bool:
        first = request
        while first.redirected_from is not None:
            first = first.redirected_from
        return first.method == "POST"

    def _answered(self, response: Response) -> None:
        # On "response" (not "requestfinished"): the context hears it before the page does, so a
        # test that waits for the answer and ends at once has it recorded already.
        try:
            request = response.request
            if not self._posted(request):
                return
            if 300 <= response.status < 400 and response.header_value("location"):
                return  # the request it redirects to decides
            body = None
            if "text/html" in (response.header_value("content-type") or ""):
                self.reading += 1
                try:
                    body = response.text()
                except Error:
                    body = None  # gone with a newer document: the status decides
                finally:
                    self.reading -= 1
            outcome = classify(response.status, body)
            self._record(request, outcome, response.status, body is not None)
        except Error:
            # The context closed while this was read: nothing is left to judge.
            return

    def _failed(self, request: Request) -> None:
        try:
            if self._posted(request):
                self._record(request, "failed", None, False)
        except Error:
            return

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = [{**row, "name": self.names.get(row["path"])} for row in self.rows]
        path.write_text(json.dumps(rows, indent=1))


RECORDER = SubmissionRecorder()
FORMS_JSON = ARTIFACTS / "e2e-forms.json"


def pytest_runtest_setup(item: pytest.Item) -> None:
    RECORDER.nodeid = item.nodeid


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        RECORDER.ran.add(function_key(report.nodeid))
        if report.passed:
            RECORDER.passed.add(function_key(report.nodeid))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The inventory guard judges what the other tests submitted: it runs last.
    def is_guard(item: pytest.Item) -> bool:
        return item.path.name == "test_form_inventory.py" and item.name == "test_form_inventory"

    items[:] = [item for item in items if not is_guard(item)] + [
        item for item in items if is_guard(item)
    ]


def pytest_sessionfinish(session: pytest.Session) -> None:
    if RECORDER.rows:
        RECORDER.write(FORMS_JSON)


def open_context(browser: Browser, server: Server, **options) -> BrowserContext:
    """A browser session on the server with the suite's defaults, its POSTs recorded."""
    settings = {"viewport": VIEWPORT, "locale": "en-US", "timezone_id": "UTC", **options}
    context = browser.new_context(base_url=server.url, **settings)
    context.set_default_timeout(TIMEOUT_MS)
    RECORDER.attach(context)
    return context


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    reuse = os.environ.get("E2E_REUSE_WORKDIR")
    if reuse:
        # While writing tests: point at a server already started by `python -m e2e.server`.
        yield Server.from_workdir(Path(reuse))
        return
    running = start_server()
    try:
        yield running
    finally:
        running.stop()
        logs = ARTIFACTS / "e2e-logs"
        if request.session.testsfailed:
            # Keep the server's output for the CI artifact; the database goes with the workdir.
            logs.mkdir(parents=True, exist_ok=True)
            for path in running.workdir.glob("*.log"):
                shutil.copy(path, logs / path.name)
            shutil.copytree(running.mail_dir, logs / "mail", dirs_exist_ok=True)
        remove_workdir(running)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.exit(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) "
            "or set E2E_CHROMIUM",
            returncode=2,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


CALL_FAILED = pytest.StashKey[bool]()


def _keep_failure_screens(request: pytest.FixtureRequest, contexts: list[BrowserContext]) -> None:
    if not request.node.stash.get(CALL_FAILED, False):
        return
    failures = ARTIFACTS / "e2e-failures"
    failures.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    for number, context in enumerate(contexts):
        for index, page in enumerate(context.pages):
            page.screenshot(path=failures / f"{name}-session{number}-page{index}.png")


@pytest.fixture
def new_context(
    request: pytest.FixtureRequest, browser: Browser, server: Server
) -> Iterator[Callable[..., BrowserContext]]:
    """Factory of isolated browser sessions (own cookies), closed after the test; on failure
    each open page is saved to artifacts/e2e-failures/."""
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = open_context(browser, server, **options)
        contexts.append(context)
        return context

    yield make
    _keep_failure_screens(request, contexts)
    for context in contexts:
        RECORDER.settle(context)
        context.close()


def field(scope: Page | Locator, label: str) -> Locator:
    """The input labelled exactly `label` (required fields' labels end with a hidden " *")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    field(page, "Email").fill(email)
    field(page, "Password").fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))


@pytest.fixture(scope="module")
def demo_owner_page(browser: Browser, server: Server) -> Iterator[Page]:
    """One signed-in session of the demo organization's owner, shared by a module's tests.
    CSP is bypassed only so that axe-core can be injected; the pages themselves are unchanged."""
    context = open_context(browser, server, bypass_csp=True)
    page = context.new_page()
    log_in(page, DEMO_OWNER, DEMO_PASSWORD)
    yield page
    RECORDER.settle(context)
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.exit(
            f"{AXE_SCRIPT.relative_to(ROOT)} is missing: run `manage.py vendor_assets --dev`",
            returncode=2,
        )
    return AXE_SCRIPT.read_text()
