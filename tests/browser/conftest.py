"""Fixtures for the browser tests: a real `python -m app` server on a free port and Debian's Chromium.

Each test gets a fresh browser context (its own sessionStorage) at 1280×720 that records console errors,
page errors and every request; requests to any host but the server's are aborted and recorded.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Route,
    sync_playwright,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
STARTUP_SECONDS = 30.0
STOP_SECONDS = 10.0
VIEWPORT = {"width": 1280, "height": 720}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ServerProcess:
    """`python -m app` in a subprocess on a fixed port, which can be stopped and started again."""

    def __init__(self, port: int, log_dir: Path, state_file: str = "") -> None:
        self.port = port
        self.state_file = state_file  # "" keeps no sessions across a restart
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_dir / f"server-{port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until /api/meta answers."""
        env = dict(
            os.environ,
            BACKPROP_PORT=str(self.port),
            BACKPROP_HOST="127.0.0.1",
            BACKPROP_STATE_FILE=self.state_file,
        )
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}: {self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/meta", timeout=1) as res:
                    if res.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS} s: {self.log()}")

    def stop(self, crash: bool = False) -> None:
        """Stop the server (SIGTERM, then SIGKILL if it does not exit; `crash`: SIGKILL at once)."""
        if self.proc is None:
            return
        if crash:
            self.proc.kill()
        self.proc.terminate()
        try:
            self.proc.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(STOP_SECONDS)
        self.proc = None

    def log(self) -> str:
        """The server's output so far (for failure messages)."""
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


@dataclass
class PageRecord:
    """What a page did: console errors, uncaught exceptions, requests and blocked requests."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium, or skip (fail in CI) when it is missing."""
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        message = f"{CHROMIUM} is missing (run tests/browser/install_chromium.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def log_dir() -> Iterator[Path]:
    """A temporary directory for server logs."""
    with tempfile.TemporaryDirectory(prefix="backprop-browser-") as d:
        yield Path(d)


@pytest.fixture(scope="session")
def server(log_dir: Path, chromium_path: str) -> Iterator[ServerProcess]:
    """One real server for the tests of this worker."""
    proc = ServerProcess(free_port(), log_dir)
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    """The Playwright driver."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright, chromium_path: str) -> Iterator[Browser]:
    """Headless Chromium with the flags that keep it off the network."""
    b = playwright_instance.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


def record_page(page: Page, record: PageRecord) -> None:
    """Abort and record requests leaving localhost; record console errors and page errors."""

    def route(r: Route) -> None:
        url = r.request.url
        record.requests.append(url)
        host = urlparse(url).hostname
        if url.startswith("data:") or host in LOCAL_HOSTS:
            r.continue_()
        else:
            record.blocked.append(url)
            r.abort()

    def console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            record.errors.append(f"console: {msg.text} ({msg.location.get('url', '')})")

    def page_error(exc: Any) -> None:
        record.errors.append(f"pageerror: {exc}")

    page.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", page_error)
    # WebSocket connections do not pass through routes: record where they go.
    page.on("websocket", lambda ws: record.requests.append(ws.url))


@pytest.fixture(scope="session")
def context(browser: Browser) -> Iterator[BrowserContext]:
    """One browser context at 1280×720 (its HTTP cache saves reloading plotly.js for every test); each
    test opens its own tab, and a tab has its own sessionStorage, so its own lab session."""
    # Playwright's wait_for_function evaluates its predicate string inside the page, which the server's
    # Content-Security-Policy (no eval) refuses: these contexts bypass it; tests/browser/test_docs.py runs
    # the page and /docs under the policy, in contexts of their own.
    ctx = browser.new_context(viewport=VIEWPORT, bypass_csp=True)  # type: ignore[arg-type]
    yield ctx
    ctx.close()


def send_message(page: Page, message: dict[str, Any]) -> None:
    """A client → server message through the page's own socket, as a view sends it (a `bl:send` event)."""
    page.evaluate("(m) => document.dispatchEvent(new CustomEvent('bl:send', {detail: m}))", message)


class LabPage:
    """The lab page in a browser tab, with what it recorded and helpers for the tests."""

    def __init__(self, page: Page, record: PageRecord, base_url: str) -> None:
        self.page = page
        self.record = record
        self.base_url = base_url

    def open(self, query: str = "") -> None:
        """Load the page (e.g. query "?preset=lecture004_forward") and wait until a frame is drawn."""
        self.page.goto(f"{self.base_url}/{query}")
        self.wait_connected()
        self.page.wait_for_function(
            "document.querySelector('#counters').textContent.startsWith('step')", timeout=15000
        )

    def wait_connected(self, timeout: float = 15000) -> None:
        """Wait until the socket is open."""
        self.page.wait_for_selector("body[data-connection='open']", timeout=timeout)

    def send(self, message: dict[str, Any]) -> None:
        """A client → server message through the page's own socket."""
        send_message(self.page, message)

    def step_count(self) -> int:
        """The step counter the controls show."""
        text = self.page.locator("#counters").inner_text()
        return int(text.split("·")[0].replace("step", "").replace("\u2009", "").strip())

    def math_text(self) -> str:
        """The formula panel's text."""
        return self.page.locator("#math-view").inner_text()

    def screenshot(self, name: str) -> Path:
        """Write test-artifacts/browser/<name>.png."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def assert_clean(self) -> None:
        """No console errors, no uncaught exceptions, no request to a host other than the server's."""
        assert self.record.errors == [], self.record.errors
        assert self.record.blocked == [], self.record.blocked
        for url in self.record.requests:
            host = urlparse(url).hostname
            assert url.startswith("data:") or host in LOCAL_HOSTS, url


def new_lab_page(context: BrowserContext, base_url: str) -> LabPage:
    """A recording tab in `context` (not loaded yet)."""
    page = context.new_page()
    record = PageRecord()
    record_page(page, record)
    return LabPage(page, record, base_url)


@pytest.fixture
def lab(context: BrowserContext, server: ServerProcess) -> Iterator[LabPage]:
    """A recording tab on the shared server (call .open() to load the page); closed after the test. The
    choices a test made that the page remembers in the shared context's localStorage (notation, presenter
    mode, hide answers) are forgotten, so the next test starts from the defaults."""
    tab = new_lab_page(context, server.url)
    yield tab
    if tab.page.url.startswith(server.url):
        tab.page.evaluate("localStorage.clear()")
    tab.page.close()
