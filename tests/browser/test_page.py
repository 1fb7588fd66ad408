"""The page loads cleanly, fits the classroom screen sizes and offers what /api/meta lists."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

pytestmark = pytest.mark.browser

FITS_SCRIPT = """() => {
  const doc = document.scrollingElement;
  const panels = ['#controls', '#network-view', '#boundary-view', '#loss-view', '#math-view',
                  '#timeline-view'].map((s) => {
    const r = document.querySelector(s).getBoundingClientRect();
    return {s, top: r.top, left: r.left, bottom: r.bottom, right: r.right, w: r.width, h: r.height};
  });
  return {scrollH: doc.scrollHeight, scrollW: doc.scrollWidth, innerH: innerHeight, innerW: innerWidth,
          panels};
}"""


def fits(lab) -> dict[str, Any]:
    """Assert nothing scrolls and every view is inside the window with a usable size; the measurements."""
    m: dict[str, Any] = lab.page.evaluate(FITS_SCRIPT)
    assert m["scrollH"] <= m["innerH"], m
    assert m["scrollW"] <= m["innerW"], m
    for p in m["panels"]:
        assert p["top"] >= 0 and p["left"] >= 0, p
        assert p["bottom"] <= m["innerH"] + 0.5 and p["right"] <= m["innerW"] + 0.5, p
        assert p["w"] >= 200 and p["h"] >= 40, p
    return m


def test_page_loads_clean_and_fits_1280x720(lab) -> None:
    lab.open()
    # Let a few frames arrive and every view draw before judging.
    lab.page.wait_for_function("Number(document.querySelector('#loss-view').dataset.points) >= 1")
    lab.page.wait_for_selector("#network-view svg .nv-node")
    m = fits(lab)
    views = {p["s"]: p for p in m["panels"]}
    # The network is the centre piece: the largest view.
    assert views["#network-view"]["w"] * views["#network-view"]["h"] == max(
        p["w"] * p["h"] for p in m["panels"]
    )
    lab.screenshot("01-default-1280x720")
    body = lab.page.locator("body").inner_text()
    assert "NaN" not in body and "undefined" not in body
    lab.assert_clean()
    ws = [u for u in lab.record.requests if u.startswith("ws://")]
    assert len(ws) == 1 and ws[0].startswith(lab.base_url.replace("http://", "ws://") + "/ws/sessions/")


def test_layout_fits_1920x1080_and_presenter_mode(lab) -> None:
    lab.page.set_viewport_size({"width": 1920, "height": 1080})
    lab.open()
    lab.page.wait_for_selector("#network-view svg .nv-node")
    fits(lab)
    lab.screenshot("02-default-1920x1080")
    size = lab.page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#phase-indicator')).fontSize)"
    )
    lab.page.keyboard.press("p")
    lab.page.wait_for_selector("body.presenter")
    big = lab.page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#phase-indicator')).fontSize)"
    )
    assert big >= 1.3 * size
    fits(lab)
    lab.screenshot("03-presenter-1920x1080")
    lab.page.keyboard.press("p")
    lab.page.wait_for_selector("body:not(.presenter)")
    lab.assert_clean()


def test_pickers_offer_what_the_server_offers(lab) -> None:
    lab.open()
    with urllib.request.urlopen(f"{lab.base_url}/api/meta") as res:
        meta = json.load(res)
    presets = lab.page.eval_on_selector_all("#preset option", "os => os.map(o => o.value)")
    assert set(meta["presets"]) <= set(presets)
    datasets = lab.page.eval_on_selector_all("#dataset option", "os => os.map(o => o.value)")
    assert [d["name"] for d in meta["datasets"]] + ["__csv"] == [d for d in datasets if d]  # then "Your CSV…"
    # Two-class circle data with the default tanh output: every coherent pair is offered, nothing else.
    pairs = lab.page.eval_on_selector_all("#output-loss option", "os => os.map(o => o.value)")
    coherent = {f"{out}|{loss}" for out, losses in meta["coherent_pairs"].items() for loss in losses}
    assert set(pairs) == coherent
    # Three classes: only outputs with a unit per class.
    lab.page.select_option("#dataset", "blobs3")
    lab.page.wait_for_function("document.querySelector('#dataset').value === 'blobs3'")
    lab.page.wait_for_function(
        "[...document.querySelectorAll('#output-loss option')].every(o => !o.value.startsWith('tanh'))"
    )
    pairs = lab.page.eval_on_selector_all("#output-loss option", "os => os.map(o => o.value)")
    assert pairs and all(p.split("|")[0] in ("softmax", "sigmoid", "relu") for p in pairs)
    # The tanh output could not stay: the page switched to softmax with cross-entropy.
    assert lab.page.locator("#output-loss").input_value() == "softmax|cross_entropy"
    lab.assert_clean()


def test_reload_keeps_the_session(lab) -> None:
    lab.open()
    lab.page.keyboard.press("Shift+ArrowRight")
    lab.page.wait_for_function("document.querySelector('.phase-now').innerText === 'update, all layers'")
    sid = lab.page.evaluate("JSON.parse(sessionStorage.getItem('backprop-lab:session')).id")
    lab.page.reload()
    lab.wait_connected()
    lab.page.wait_for_function("/^step 1 /.test(document.querySelector('#counters').innerText)")
    assert lab.page.evaluate("JSON.parse(sessionStorage.getItem('backprop-lab:session')).id") == sid
    lab.assert_clean()
