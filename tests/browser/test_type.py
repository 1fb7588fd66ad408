"""Type grows with the screen: the median text size at 1920×1080 is at least 1.3× that at 1280×720, and in
presenter mode at 1920×1080 every number on the network and in the formula panel is at least 20 CSS px. Also
what the fluid type must not break: the help's Close button on screen, a long step count in the header, the
hard spiral's wide matrices in the formula panel."""

from __future__ import annotations

import statistics

import pytest

from tests.browser.screens import layout, set_presenter, settle, step_to

pytestmark = pytest.mark.browser

# The computed font size of every visible element that holds text of its own (HTML and SVG).
TEXT_SIZES = """() => {
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    if (!e.getClientRects().length) continue;
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
    if (!own) continue;
    const s = getComputedStyle(e);
    if (s.visibility === 'hidden' || s.display === 'none') continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) continue;
    out.push(parseFloat(s.fontSize));
  }
  return out;
}"""

# The smallest text holding a number (a digit) on the network and in the formula panel; indices written as
# sub- or superscripts (W²₁ₖ, ℝ²ˣ⁴; KaTeX's .msupsub) are names, not numbers, and are left out, as is the
# MathML copy KaTeX keeps for screen readers (.katex-mathml, not seen).
SMALLEST_NUMBER = """() => {
  let best = null;
  const roots = '#network-view .nv-svg, #math-view, #boundary-view .bv-rows-table';
  for (const root of document.querySelectorAll(roots)) {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!/[0-9]/.test(n.textContent)) continue;
      const e = n.parentElement;
      if (e.closest('sub, sup, .mv-ss, .msupsub, .katex-mathml') || !e.getClientRects().length) continue;
      const size = parseFloat(getComputedStyle(e).fontSize);
      if (best === null || size < best.size) best = {size, text: n.textContent.trim().slice(0, 30)};
    }
  }
  return best;
}"""


# Matrix cells of the formula panel that lie (partly) outside it.
CUT_CELLS = """() => {
  const m = document.querySelector('#math-view').getBoundingClientRect();
  return [...document.querySelectorAll('#math-view .mv-matrix td')].filter((td) => {
    const b = td.getBoundingClientRect();
    return b.right > m.right + 0.5 || b.left < m.left - 0.5;
  }).length;
}"""


def median_text(lab, width: int, height: int) -> float:
    """The median text size of the lab at this size, mid-forward."""
    lab.page.set_viewport_size({"width": width, "height": height})
    settle(lab)
    return float(statistics.median(lab.page.evaluate(TEXT_SIZES)))


def test_type_grows_with_the_screen(lab) -> None:
    lab.open("?new")
    step_to(lab, "forward")
    small = median_text(lab, 1280, 720)
    large = median_text(lab, 1920, 1080)
    print(f"median text: {small:.2f} px at 1280×720, {large:.2f} px at 1920×1080, ratio {large / small:.3f}")
    assert large >= 1.3 * small, (small, large)
    lab.assert_clean()


@pytest.mark.parametrize("query", ["?new", "?preset=lecture004_forward"])
def test_presenter_numbers_are_large_at_1080p(lab, query: str) -> None:
    lab.page.set_viewport_size({"width": 1920, "height": 1080})
    lab.open(query)
    set_presenter(lab, True)
    try:
        # Every phase of one iteration: each layer forward, the loss, each layer backward, the update.
        seen: list[str] = []
        while "update" not in seen:
            lab.page.keyboard.press("ArrowRight")
            lab.page.wait_for_function(
                "(n) => document.querySelector('#math-view').dataset.phase + "
                "(document.querySelector('#math-view').dataset.layer ?? '') !== n",
                arg=seen[-1] if seen else "idle",
            )
            settle(lab)
            phase = lab.page.evaluate(
                "(m => m.dataset.phase + (m.dataset.layer ?? ''))(document.querySelector('#math-view'))"
            )
            seen.append(phase)
            smallest = lab.page.evaluate(SMALLEST_NUMBER)
            print(f"{query} {phase}: smallest number {smallest}")
            assert smallest is not None and smallest["size"] >= 20, (phase, smallest)
    finally:
        set_presenter(lab, False)
    lab.assert_clean()


def test_help_close_is_on_screen(lab) -> None:
    lab.open("?new")
    lab.page.keyboard.press("?")
    lab.page.wait_for_selector("#help-overlay:not([hidden])")
    close = lab.page.locator("#help-overlay .close-help")
    # The dialog takes the focus: Close is the focused control.
    assert lab.page.evaluate("document.activeElement.classList.contains('close-help')")
    for scroll in (0, 10_000):
        lab.page.evaluate("(y) => { document.querySelector('.help-card').scrollTop = y; }", scroll)
        box = close.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 720, box
    # Tab stays in the dialog (the page behind it is inert).
    for _ in range(6):
        lab.page.keyboard.press("Tab")
        assert lab.page.evaluate("Boolean(document.activeElement.closest('#help-overlay'))")
    lab.screenshot("31-help-1280x720")
    close.click()
    lab.page.wait_for_selector("#help-overlay[hidden]", state="attached")
    lab.assert_clean()


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 720)])
def test_a_long_step_count_fits_the_header(lab, width: int, height: int) -> None:
    lab.page.set_viewport_size({"width": width, "height": height})
    lab.open("?new")
    # What the counters show after a long lecture's training (the real renderer writes the same element).
    lab.page.evaluate(
        "document.querySelector('#counters .count-main').textContent = 'step 12,345,678 · epoch 246,913'"
    )
    settle(lab)
    m = layout(lab)
    assert m["overlaps"] == [] and m["outside"] == [] and m["clipped"] == [], m
    assert m["scrollW"] <= m["innerW"], m
    lab.assert_clean()


def test_wide_matrices_are_never_cut_off(lab) -> None:
    lab.page.set_viewport_size({"width": 1920, "height": 1080})
    lab.open("?preset=hard_spiral")
    set_presenter(lab, True)
    try:
        for phase in ("backward", "update"):
            step_to(lab, phase)
            cut = lab.page.evaluate(CUT_CELLS)
            assert cut == 0, phase
            lab.screenshot(f"32-hard-spiral-1920x1080-presenter-{phase}")
        # Layer 3's 6×8 matrices: select one of its neurons.
        lab.page.locator('#network-view .nv-node[data-layer="3"][data-row="0"] .nv-map-hit').click()
        lab.page.wait_for_function("document.querySelector('#math-view').dataset.focus === 'neuron:3:0'")
        settle(lab)
        assert "6×8" in lab.math_text()
        cut = lab.page.evaluate(CUT_CELLS)
        assert cut == 0
        lab.screenshot("32-hard-spiral-1920x1080-presenter-layer3")
    finally:
        set_presenter(lab, False)
    lab.assert_clean()
