"""The time-travel parts fit the classroom screens: in the past (the banner, the timeline strip, the loss
curve's marker), the prompt, the branch dialog and compare fit 1024×768 and 1920×1080, normal and presenter,
with nothing overlapping, cut off or outside the window; and axe finds no serious violation in them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.screens import layout, set_presenter, settle
from tests.browser.test_a11y import BLOCKING, inject_axe, scan
from tests.browser.test_page import fits
from tests.browser.timeline import branch, scrub_to, train_to, wait_step

pytestmark = pytest.mark.browser

# The open dialog's card: inside the window, and nothing in it wider than it.
CARD = """(sel) => {
  const c = document.querySelector(sel + ' .dialog-card');
  const r = c.getBoundingClientRect();
  const cut = [...c.querySelectorAll('*')].filter((e) => {
    const b = e.getBoundingClientRect();
    return b.width > 0 && (b.right > r.right + 0.5 || b.left < r.left - 0.5);
  }).map((e) => e.id || e.className);
  return {l: r.left, t: r.top, r: r.right, b: r.bottom, w: innerWidth, h: innerHeight, cut,
          scroll: c.scrollHeight > c.clientHeight + 1};
}"""


def card(lab: Any, overlay: str) -> dict[str, Any]:
    """Assert the dialog's card is inside the window with nothing cut off; its measurements."""
    m: dict[str, Any] = lab.page.evaluate(CARD, overlay)
    assert m["l"] >= 0 and m["t"] >= 0 and m["r"] <= m["w"] + 0.5 and m["b"] <= m["h"] + 0.5, m
    assert m["cut"] == [], m
    return m


def clean_layout(lab: Any) -> None:
    """Nothing scrolls, no part overlaps another, nothing is cut off or outside the window."""
    fits(lab)
    m = layout(lab)
    assert m["overlaps"] == [] and m["outside"] == [] and m["clipped"] == [], m


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1920, 1080)])
@pytest.mark.parametrize("presenter", [False, True], ids=["normal", "presenter"])
def test_the_past_and_its_dialogs_fit(lab, width: int, height: int, presenter: bool) -> None:
    lab.page.set_viewport_size({"width": width, "height": height})
    lab.open("?new")
    set_presenter(lab, presenter)
    try:
        train_to(lab, 12)
        scrub_to(lab, 5)
        lab.page.wait_for_selector("#past-banner:not([hidden])")
        settle(lab)
        clean_layout(lab)
        where = f"{width}x{height}{'-presenter' if presenter else ''}"
        lab.screenshot(f"timeline-past-{where}")
        lab.page.keyboard.press("ArrowRight")
        lab.page.wait_for_selector("#prompt-overlay:not([hidden])")
        card(lab, "#prompt-overlay")
        lab.screenshot(f"timeline-prompt-{where}")
        lab.page.click("#prompt-branch")
        lab.page.wait_for_selector("#branch-overlay:not([hidden])")
        card(lab, "#branch-overlay")
        lab.screenshot(f"timeline-branch-{where}")
        branch(lab, "0.003")
        wait_step(lab, 5)
        lab.send({"type": "step", "unit": "iteration", "count": 7})
        wait_step(lab, 12)
        settle(lab)
        clean_layout(lab)
        lab.page.click("#btn-compare")
        lab.page.wait_for_function("document.querySelector('#compare-overlay').dataset.step === '12'")
        settle(lab)
        m = card(lab, "#compare-overlay")
        assert not m["scroll"], m
        lab.screenshot(f"timeline-compare-{where}")
        lab.page.keyboard.press("Escape")
        lab.page.wait_for_selector("#compare-overlay[hidden]", state="attached")
    finally:
        lab.page.keyboard.press("Escape")  # a dialog left open by a failure keeps the keys
        set_presenter(lab, False)
    lab.assert_clean()


def test_axe_finds_no_serious_violation_in_the_past_and_the_dialogs(lab) -> None:
    lab.open("?new")
    train_to(lab, 6)
    scrub_to(lab, 2)
    lab.page.wait_for_selector("#past-banner:not([hidden])")
    inject_axe(lab)
    found = {"past": scan(lab, "in the past")}
    lab.page.keyboard.press("ArrowRight")
    lab.page.wait_for_selector("#prompt-overlay:not([hidden])")
    found["prompt"] = scan(lab, "the prompt")
    lab.page.click("#prompt-branch")
    lab.page.wait_for_selector("#branch-overlay:not([hidden])")
    found["branch"] = scan(lab, "the branch dialog")
    lab.page.keyboard.press("Escape")
    lab.page.wait_for_selector("#branch-overlay[hidden]", state="attached")
    for where, violations in found.items():
        assert [v for v in violations if v["impact"] in BLOCKING] == [], where
    lab.assert_clean()
