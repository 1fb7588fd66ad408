"""The network's texts never cover one another: values, bias values and feature names, in every layout a
class meets (1280×720 and 1920×1080, presenter mode, the lecture 004 example without maps)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

# Every non-empty text of the network diagram with its box; the pairs whose boxes overlap (1 px allowed).
OVERLAPS = """() => {
  const texts = [...document.querySelectorAll(
    '#network-view .nv-value, #network-view .nv-bias-text, #network-view .nv-feature')]
    .filter((t) => t.textContent.trim() !== '')
    .map((t) => ({t: t.textContent, b: t.getBoundingClientRect()}));
  const hit = (a, b) =>
    a.left + 1 < b.right && b.left + 1 < a.right && a.top + 1 < b.bottom && b.top + 1 < a.bottom;
  const out = [];
  for (let i = 0; i < texts.length; i++)
    for (let j = i + 1; j < texts.length; j++)
      if (hit(texts[i].b, texts[j].b)) out.push([texts[i].t, texts[j].t]);
  return {count: texts.length, overlaps: out};
}"""


def set_presenter(lab, on: bool) -> None:
    """Presenter mode on or off (it is remembered across page loads)."""
    if lab.page.evaluate("document.body.classList.contains('presenter')") != on:
        lab.page.keyboard.press("p")
    lab.page.wait_for_selector("body.presenter" if on else "body:not(.presenter)")


def texts_after_steps(lab, presses: int) -> Any:
    """Step `presses` phases (→), let the view draw, and measure its texts."""
    for _ in range(presses):
        before = lab.page.locator("#phase-indicator").inner_text()
        lab.page.keyboard.press("ArrowRight")
        lab.page.wait_for_function(
            "(b) => document.querySelector('#phase-indicator').innerText !== b", arg=before
        )
    lab.page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return lab.page.evaluate(OVERLAPS)


@pytest.mark.parametrize(
    ("width", "height", "presenter", "query"),
    [
        (1280, 720, False, "?new"),
        (1280, 720, True, "?new"),
        (1920, 1080, False, "?new"),
        (1920, 1080, True, "?new"),
        (1280, 720, False, "?preset=lecture004_forward"),
        (1280, 720, True, "?preset=lecture004_forward"),
    ],
)
def test_no_two_texts_of_the_network_overlap(
    lab, width: int, height: int, presenter: bool, query: str
) -> None:
    lab.page.set_viewport_size({"width": width, "height": height})
    lab.open(query)
    lab.page.wait_for_selector("#network-view svg .nv-node")
    set_presenter(lab, presenter)
    try:
        # Between iterations, mid-forward (z and a), in the backward pass (δ, Δ values), after the update.
        for presses in (0, 2, 4, 3):
            measured = texts_after_steps(lab, presses)
            assert measured["count"] > 0
            assert measured["overlaps"] == [], (presses, measured["overlaps"])
        if presenter:
            lab.screenshot(f"24-presenter-texts-{width}x{height}-{query.strip('?').replace('=', '-')}")
    finally:
        set_presenter(lab, False)
    lab.assert_clean()
