"""Fixtures of the browser tests: the app as a real process, headless Debian chromium.

Run with `make e2e` (or `.venv/bin/pytest -c e2e/pytest.ini e2e`). This suite talks to the
server over HTTP only; it does not load Django or the unit tests' fixtures.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    expect,
    sync_playwright,
)

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
        context = browser.new_context(
            base_url=server.url,
            viewport=VIEWPORT,
            locale="en-US",
            timezone_id="UTC",
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    _keep_failure_screens(request, contexts)
    for context in contexts:
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
    context = browser.new_context(
        base_url=server.url, viewport=VIEWPORT, locale="en-US", timezone_id="UTC", bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, DEMO_OWNER, DEMO_PASSWORD)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.exit(
            f"{AXE_SCRIPT.relative_to(ROOT)} is missing: run `manage.py vendor_assets --dev`",
            returncode=2,
        )
    return AXE_SCRIPT.read_text()
