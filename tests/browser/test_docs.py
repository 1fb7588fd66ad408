"""In Chromium, under the server's Content-Security-Policy, with every non-local request aborted: /docs lists
every operation of the OpenAPI document (its assets are served locally), and the lab page runs without a
single policy violation."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import VIEWPORT, LabPage, ServerProcess, new_lab_page

pytestmark = pytest.mark.browser
WAIT_SECONDS = 15.0

# Playwright's init scripts run outside the page's policy: this one records every violation it reports.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture
def strict(browser: Browser, server: ServerProcess) -> Iterator[LabPage]:
    """A recording tab in a context of its own that keeps the server's Content-Security-Policy."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    tab = new_lab_page(context, server.url)
    tab.page.add_init_script(RECORD_VIOLATIONS)
    yield tab
    context.close()


def wait_until(page: Page, condition: str) -> None:
    """Poll `condition` (a JS expression) from outside the page: wait_for_function would evaluate it inside,
    which the policy refuses."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not page.evaluate(f"() => Boolean({condition})"):
        assert time.monotonic() < deadline, f"still false after {WAIT_SECONDS} s: {condition}"
        page.wait_for_timeout(100)


def test_docs_list_every_operation_offline_under_the_policy(strict: LabPage) -> None:
    lab = strict
    with urllib.request.urlopen(f"{lab.base_url}/openapi.json") as res:
        spec = json.load(res)
    expected = sorted(
        f"{method.upper()} {path}" for path, operations in spec["paths"].items() for method in operations
    )
    response = lab.page.goto(f"{lab.base_url}/docs")
    assert response is not None and "frame-ancestors 'none'" in response.headers["content-security-policy"]
    lab.page.wait_for_selector(".opblock-summary", timeout=15000)
    shown = lab.page.eval_on_selector_all(
        ".opblock-summary",
        """els => els.map(e => e.querySelector('.opblock-summary-method').textContent.trim() + ' '
                 + e.querySelector('.opblock-summary-path').dataset.path)""",
    )
    assert sorted(shown) == expected
    assert lab.page.locator(".info .title").inner_text().startswith(spec["info"]["title"])
    lab.screenshot("docs-offline")
    assert lab.page.evaluate("window.__violations") == []
    assert f"{lab.base_url}/docs/assets/swagger-ui-bundle.js" in lab.record.requests
    lab.assert_clean()


def test_the_lab_runs_under_the_policy_without_a_violation(strict: LabPage) -> None:
    lab = strict
    response = lab.page.goto(f"{lab.base_url}/")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    lab.wait_connected()
    lab.page.wait_for_selector("#network-view svg .nv-node")
    lab.page.keyboard.press("e")  # an epoch: the curve, the boundary and the formula panel all redraw
    wait_until(lab.page, "Number(document.querySelector('#loss-view').dataset.points) >= 2")
    wait_until(lab.page, "document.querySelector('#loss-view .main-svg')")  # plotly drew the curve
    lab.page.keyboard.press("?")
    lab.page.wait_for_selector("#help-overlay:not([hidden])")
    lab.page.keyboard.press("Escape")
    assert lab.page.evaluate("window.__violations") == []
    lab.assert_clean()


def test_a_classroom_runs_under_the_policy_without_a_violation(strict: LabPage) -> None:
    lab = strict
    lab.page.goto(f"{lab.base_url}/")
    lab.wait_connected()
    lab.page.click("#btn-classroom")
    wait_until(lab.page, "document.querySelector('#join-qr').naturalWidth > 0")  # the QR code: an SVG image
    code = lab.page.locator("#join-code").inner_text()
    student = new_lab_page(lab.page.context, lab.base_url)
    student.page.add_init_script(RECORD_VIOLATIONS)
    student.page.goto(f"{lab.base_url}/join")
    student.page.fill("#join-code-input", code)
    student.page.click("#join-submit")
    student.page.wait_for_url(f"**/r/{code}")
    student.wait_connected()
    wait_until(student.page, "document.querySelector('#network-view svg .nv-node')")
    for tab in (lab, student):
        assert tab.page.evaluate("window.__violations") == []
        tab.assert_clean()
