"""The Share dialog: its link, opened in a fresh browser context (under the page's CSP), recreates the run
with the same weights, hides what the link says and clears the fragment; a cut link says so and starts a
default run; the script downloads; PNGs of the network and the loss curve are real PNGs of the right size."""

from __future__ import annotations

import json
import struct
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n"


def _session(base: str, sid: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base}/api/sessions/{sid}") as answer:
        state: dict[str, Any] = json.load(answer)
    return state


def _sid(page: Page) -> str:
    stored = page.evaluate("sessionStorage.getItem('backprop-lab:session')")
    return str(json.loads(stored)["id"])


def _wait_open(page: Page) -> None:
    page.wait_for_selector("body[data-connection='open']", timeout=15000)


def _size(page: Page, selector: str) -> tuple[int, int]:
    """An element's CSS width and height."""
    box = page.evaluate(
        "(s) => { const e = document.querySelector(s); return [e.clientWidth, e.clientHeight]; }", selector
    )
    return int(box[0]), int(box[1])


def _picture(page: Page, button: str) -> tuple[str, int, int]:
    """Click a picture button; the file's name and the PNG's width and height (checked to be a PNG)."""
    with page.expect_download() as info:
        page.click(button)
    download = info.value
    data = Path(download.path()).read_bytes()
    assert data[:8] == PNG and data[12:16] == b"IHDR" and len(data) > 2000
    width, height = struct.unpack(">II", data[16:24])
    return download.suggested_filename, width, height


def test_a_shared_link_opens_the_same_run(lab, browser: Browser) -> None:
    lab.open("?new")
    lab.send({"type": "step", "unit": "iteration", "count": 15})
    lab.send({"type": "set", "changes": {"learning_rate": 0.1, "batch_size": 3}})
    lab.send({"type": "step", "unit": "iteration", "count": 7})
    lab.page.wait_for_function("document.querySelector('#counters').textContent.startsWith('step 22')")
    lab.page.click("#btn-share")
    url_box = lab.page.locator("#share-url")
    lab.page.wait_for_function("document.querySelector('#share-url').value.includes('#run=1.')")
    assert "exact weights" in lab.page.locator("#share-link-note").inner_text()
    lab.page.check("#share-hide-tabs")
    lab.page.wait_for_function("document.querySelector('#share-url').value.endsWith('&hide=tabs')")
    url = url_box.input_value()
    with lab.page.expect_download() as script:
        lab.page.click("#share-export-script")
    assert script.value.suggested_filename.endswith("-step22.py")
    assert lab.page.get_attribute("#share-export-records", "href", timeout=1000).endswith("/export/records")
    original = _session(lab.base_url, _sid(lab.page))
    assert original["step"] == 22

    # a fresh context, the page's own CSP in force (no bypass), at 1024×768
    fresh = browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = fresh.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        _wait_open(page)
        page.wait_for_selector("#counters:has-text('step 0')")
        assert "#" not in page.url and page.evaluate("document.body.classList.contains('hide-tabs')")
        assert not page.locator("#view-tabs").is_visible()
        opened = _session(lab.base_url, _sid(page))
        assert opened["id"] != original["id"]
        assert opened["weights"] == original["weights"] and opened["biases"] == original["biases"]
        assert opened["config"]["learning_rate"] == 0.1 and opened["config"]["batch_size"] == 3
        # pictures, under the CSP: the network at the screen's ratio, the loss curve at 2×
        page.click("#btn-share")
        page.wait_for_selector("#share-picture-network")
        name, width, height = _picture(page, "#share-picture-network")
        assert name == "backprop-network-step0.png" and (width, height) == _size(page, "#network-view")
        page.select_option("#share-scale", "slides")
        name, width, height = _picture(page, "#share-picture-loss")
        plot = _size(page, "#loss-view .js-plotly-plot")
        assert name == "backprop-loss-step0.png" and (width, height) == (2 * plot[0], 2 * plot[1])
        name, width, _ = _picture(page, "#share-picture-formula")
        assert name == "backprop-formula-step0.png" and width == 2 * _size(page, "#math-view")[0]
        assert errors == [], errors
    finally:
        fresh.close()


def test_a_cut_link_says_so_and_starts_a_default_run(lab) -> None:
    lab.open("?new")
    lab.page.click("#btn-share")
    lab.page.wait_for_function("document.querySelector('#share-url').value.includes('#run=1.')")
    url = lab.page.locator("#share-url").input_value()
    before = _sid(lab.page)
    lab.page.goto(url[: len(url) - 30])
    lab.wait_connected()
    toast = lab.page.locator(".toast-error")
    toast.wait_for(timeout=10000)
    assert "This link cannot be opened" in toast.inner_text() and "default run" in toast.inner_text()
    assert "#" not in lab.page.url
    state = _session(lab.base_url, _sid(lab.page))
    assert state["id"] != before and state["step"] == 0 and state["config"]["hidden_layers"] == [4, 2]
