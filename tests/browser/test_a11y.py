"""Accessibility: an axe-core scan (the axe.min.js that axe-playwright-python ships) finds no serious or
critical violation on the lab page, the help overlay and presenter mode; every control is reached with Tab,
shows a visible focus ring, and works from the keyboard."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from axe_playwright_python.base import AXE_FILE_PATH

from tests.browser.screens import set_presenter

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")


def inject_axe(lab) -> None:
    """Load axe into the page: a script tag from the file, or (if the page's CSP refuses it) the file's text
    evaluated through the driver."""
    with contextlib.suppress(Exception):  # a CSP without inline script refuses the tag
        lab.page.add_script_tag(path=str(AXE_FILE_PATH))
    if not lab.page.evaluate("typeof window.axe === 'object'"):
        lab.page.evaluate(AXE_FILE_PATH.read_text(encoding="utf-8"))
    assert lab.page.evaluate("typeof window.axe.run === 'function'")


def scan(lab, where: str) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (printed with their impact)."""
    result = lab.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    blocking = sum(v["impact"] in BLOCKING for v in violations)
    print(f"axe {where}: {len(violations)} violations, {blocking} serious or critical: {violations}")
    return violations


def test_axe_finds_no_serious_violation(lab) -> None:
    lab.open("?new")
    lab.page.wait_for_selector("#network-view svg .nv-node")
    inject_axe(lab)
    found = {"lab": scan(lab, "lab page")}
    lab.page.keyboard.press("?")
    lab.page.wait_for_selector("#help-overlay:not([hidden])")
    found["help"] = scan(lab, "help overlay")
    lab.page.keyboard.press("Escape")
    set_presenter(lab, True)
    try:
        found["presenter"] = scan(lab, "presenter mode")
    finally:
        set_presenter(lab, False)
    for where, violations in found.items():
        assert [v for v in violations if v["impact"] in BLOCKING] == [], where
    lab.assert_clean()


# The focused element, whether it shows a ring (outline or box-shadow), and what it is.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
  const all = [...document.querySelectorAll('button, select, input')];
  return {key: all.indexOf(e), name: e.id || e.textContent.trim().slice(0, 30), ring};
}"""

# Every control a person can use (visible, enabled), by the same key.
CONTROLS = """() => [...document.querySelectorAll(
    '#controls button, #controls select, #controls input, #math-view button, #loss-view button, ' +
    '#timeline-view button, #timeline-view select, #timeline-view input')]
  .filter((e) => e.getClientRects().length > 0 && !e.disabled && getComputedStyle(e).visibility !== 'hidden')
  .map((e) => [...document.querySelectorAll('button, select, input')].indexOf(e))"""


def test_every_control_is_reached_by_tab_with_a_visible_ring(lab) -> None:
    lab.open("?new")
    lab.page.wait_for_selector("#network-view svg .nv-node")
    controls = set(lab.page.evaluate(CONTROLS))
    reached: dict[int, bool] = {}
    names: dict[int, str] = {}
    for _ in range(len(controls) * 3):
        lab.page.keyboard.press("Tab")
        f = lab.page.evaluate(FOCUSED)
        if f is None:
            continue
        if f["key"] in reached:
            break
        reached[f["key"]] = f["ring"]
        names[f["key"]] = f["name"]
    assert controls - set(reached) == set(), sorted(controls - set(reached))
    assert [names[k] for k, ring in reached.items() if not ring] == []
    lab.assert_clean()


def test_controls_work_from_the_keyboard(lab) -> None:
    lab.open("?new")
    # A button: Enter on "Phase ›" steps a phase.
    lab.page.focus("#btn-step-phase")
    lab.page.keyboard.press("Enter")
    lab.page.wait_for_function("document.querySelector('#phase-indicator').dataset.phase === 'forward'")
    # A slider: the arrow keys move it, one position per press, and it keeps the focus (so a second press
    # moves it again rather than stepping the network).
    lab.page.focus("#learning-rate")
    start = lab.page.input_value("#learning-rate")
    lab.page.keyboard.press("ArrowRight")
    lab.page.keyboard.press("ArrowRight")
    assert lab.page.evaluate("document.activeElement.id") == "learning-rate"
    assert int(lab.page.input_value("#learning-rate")) == int(start) + 2
    lab.page.wait_for_function(
        "(v) => document.querySelector('#learning-rate-value').value !== v", arg="0.03"
    )
    # A list: the arrow keys choose, and the focus stays on it.
    lab.page.focus("#regularization")
    lab.page.keyboard.press("ArrowDown")
    assert lab.page.evaluate("document.activeElement.id") == "regularization"
    lab.assert_clean()
