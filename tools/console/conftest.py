"""Fixtures of the console's browser tests: a real `sessiond serve` (tools/conformance/daemon.py), Debian's
chromium through Playwright, and a guard that fails the test when the page asks any other origin for anything."""

import os
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "conformance"))
from daemon import Daemon  # noqa: E402

from api import API  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "ui"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def daemon():
    daemon = Daemon()
    daemon.start()
    yield daemon
    assert daemon.stop() == 0, f"sessiond did not shut down cleanly; see {daemon.log_path}"


@pytest.fixture(scope="session")
def api(daemon):
    return API(daemon.url)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


class Guard:
    """Aborts and records every request to another origin, and records CSP violations and page errors."""

    def __init__(self, origin: str):
        self.origin = origin
        self.foreign: list[str] = []
        self.errors: list[str] = []

    def route(self, route):
        url = route.request.url
        if url.startswith(self.origin + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(message.text)

    def check(self):
        assert self.foreign == [], f"the console asked other origins for: {self.foreign}"
        assert self.errors == [], f"Content-Security-Policy violations: {self.errors}"


def open_context(browser, origin: str, viewport=None):
    context = browser.new_context(accept_downloads=True, viewport=viewport or {"width": 1280, "height": 900})
    guard = Guard(origin)
    context.route("**/*", guard.route)
    context.on("console", guard.console)
    context.on("weberror", lambda error: guard.errors.append(f"page error: {error.error}"))
    return context, guard


@pytest.fixture()
def page(browser, daemon):
    context, guard = open_context(browser, daemon.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    guard.check()


# Screenshots are written only when asked (`tools/console/run --screenshots`), so a test run leaves the tree clean.
WRITE_SHOTS = os.environ.get("CONSOLE_SCREENSHOTS") == "1"


def shot(page, name: str):
    if not WRITE_SHOTS:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False, animations="disabled", caret="hide")
