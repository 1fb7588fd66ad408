"""The lab fits every screen a lecture uses: at 1024×768, 1280×720, 1366×768, 1920×1080 and 2560×1440, with
and without presenter mode, in the forward, backward and update phases, for the default network, the lecture
004 example (no maps) and six hidden layers of 16: the network's texts never cover one another, no edge
crosses a value label, nothing scrolls sideways, the header's parts never overlap or clip, and the formula
panel's matrices are never cut off (in presenter mode the formula panel fits without scrolling for the
default network and lecture 004, and a panel that must scroll starts at the top of each new phase).

One page per size and network, reused across presenter mode and the phases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.browser.screens import (
    MATH_SCRIPT,
    NETWORKS,
    SIZES,
    crossed_labels,
    layout,
    open_network,
    set_presenter,
    step_to,
)

pytestmark = pytest.mark.browser

# Every non-empty text of the network diagram with its box; the pairs whose boxes overlap (1 px allowed), and
# the texts over a neuron's map.
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
  // Nor does a value cover a neuron's map.
  const maps = [...document.querySelectorAll('#network-view .nv-map-hit')]
    .map((m) => m.getBoundingClientRect());
  for (const t of texts)
    for (const m of maps) if (hit(t.b, m)) out.push([t.t, 'a map']);
  return {count: texts.length, overlaps: out};
}"""


@pytest.fixture(scope="module")
def decoder(context: BrowserContext) -> Iterator[Page]:
    """A blank tab (no CSP) that decodes screenshots."""
    page = context.new_page()
    yield page
    page.close()


def check_screen(lab, decoder: Page, network: str, presenter: bool, phase: str) -> None:
    """Every check of the module on the page as it is now."""
    where = (lab.page.viewport_size, network, presenter, phase)
    measured: Any = lab.page.evaluate(OVERLAPS)
    assert measured["count"] > 0, where
    assert measured["overlaps"] == [], (where, measured["overlaps"])
    assert crossed_labels(lab, decoder) == [], where
    m = layout(lab)
    assert m["scrollW"] <= m["innerW"], (where, m["scrollW"])
    assert m["scrollH"] <= m["innerH"], (where, m["scrollH"])
    for p in m["panels"]:
        assert p["l"] >= 0 and p["t"] >= 0 and p["r"] <= m["innerW"] + 0.5 and p["b"] <= m["innerH"] + 0.5, p
    assert m["overlaps"] == [], (where, m["overlaps"])
    assert m["outside"] == [], (where, m["outside"])
    assert m["clipped"] == [], (where, m["clipped"])
    math = lab.page.evaluate(MATH_SCRIPT)
    assert math["matrices"] > 0 and math["cut"] == 0, (where, math)
    if presenter and network in ("default", "lecture004"):
        assert math["scrollH"] <= math["clientH"], (where, math)
    assert math["scrollTop"] == 0, (where, math)


# The largest network at every size; the smaller ones, whose texts have more room, at the smallest, the
# usual projector and the largest size.
SCREENS = [
    (w, h, network)
    for network in NETWORKS
    for w, h in SIZES
    if network == "6x16" or (w, h) in ((1024, 768), (1920, 1080), (2560, 1440))
]


@pytest.mark.parametrize(("width", "height", "network"), SCREENS, ids=[f"{w}x{h}-{n}" for w, h, n in SCREENS])
def test_every_screen_fits(lab, decoder: Page, width: int, height: int, network: str) -> None:
    lab.page.set_viewport_size({"width": width, "height": height})
    open_network(lab, network)
    try:
        for phase in ("forward", "backward", "update"):
            step_to(lab, phase)
            for presenter in (False, True):
                set_presenter(lab, presenter)
                check_screen(lab, decoder, network, presenter, phase)
            if (width, height) in ((1024, 768), (1920, 1080)) or phase == "forward":
                lab.screenshot(f"30-{network}-{width}x{height}-{phase}-presenter")
            # Scrolled down (where the panel scrolls at all), the next phase must start at the top again.
            lab.page.evaluate("document.querySelector('#math-view').scrollTop = 1e6")
    finally:
        set_presenter(lab, False)
    lab.assert_clean()
