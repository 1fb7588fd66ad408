"""What the screen-size browser tests share: the classroom screen sizes, the networks a lecture shows,
stepping to a phase, presenter mode, and measurements of the page (scrolling, panels, the header's groups,
the formula panel, pixels of a screenshot)."""

from __future__ import annotations

import base64
from typing import Any

from playwright.sync_api import Page

# The projector and laptop sizes a lecture meets.
SIZES = [(1024, 768), (1280, 720), (1366, 768), (1920, 1080), (2560, 1440)]
# name → page query, and the hidden layers to rebuild to after loading (None: as loaded).
NETWORKS: dict[str, tuple[str, list[int] | None]] = {
    "default": ("?new", None),
    "lecture004": ("?preset=lecture004_forward", None),
    "6x16": ("?new", [16] * 6),
}

LAYOUT_SCRIPT = """() => {
  const doc = document.scrollingElement;
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return {l: r.left, t: r.top, r: r.right, b: r.bottom};
  };
  const panels = ['#controls', '#network-view', '#boundary-view', '#loss-view', '#math-view',
    '#timeline-view']
    .map((s) => ({s, ...box(document.querySelector(s))}));
  // The header's parts: each button, the phase indicator, the counters, the connection status; the past's
  // bar (its text and buttons); the timeline strip's scrubber, position, run picker and buttons.
  const parts = [...document.querySelectorAll(
    '.bar-main button, .bar-main select, #phase-indicator, #counters, #connection-status, ' +
    '.bar-past button, #past-text, #timeline-view button, #timeline-view select, #timeline-scrub, ' +
    '#timeline-position, .tl-title')]
    .filter((e) => e.getClientRects().length > 0)
    .map((e) => ({s: e.id || e.textContent.trim().slice(0, 20), ...box(e)}));
  const hit = (a, b) => a.l + 1 < b.r && b.l + 1 < a.r && a.t + 1 < b.b && b.t + 1 < a.b;
  const overlaps = [];
  for (let i = 0; i < parts.length; i++)
    for (let j = i + 1; j < parts.length; j++)
      if (hit(parts[i], parts[j])) overlaps.push([parts[i].s, parts[j].s]);
  // Texts that are cut off: wider than their box (a select: its chosen option's text wider than it).
  const clipped = [];
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:pre';
  document.body.append(probe);
  for (const e of document.querySelectorAll(
      '.bar-main *, .settings select, .bv-caption, .bv-hint, .lv-head, .lv-key, .nv-legend, ' +
      '.bar-past *, #timeline-view .tl-row > *')) {
    if (e.getClientRects().length === 0) continue;
    if (e.tagName === 'SELECT') {
      const o = e.options[e.selectedIndex];
      if (!o) continue;
      probe.style.font = getComputedStyle(e).font;
      probe.textContent = o.text;
      // The text, the padding and the arrow (at least 1.1 em) must fit the box.
      const need = probe.getBoundingClientRect().width + 1.1 * parseFloat(getComputedStyle(e).fontSize);
      if (need > e.clientWidth + 1) clipped.push([e.id, o.text, need, e.clientWidth]);
    } else if (getComputedStyle(e).display !== 'inline' && e.scrollWidth > e.clientWidth + 1) {
      clipped.push([e.className || e.id, e.textContent.slice(0, 40), e.scrollWidth, e.clientWidth]);
    }
  }
  probe.remove();
  const outside = parts.filter((p) => p.l < -0.5 || p.r > innerWidth + 0.5 || p.t < -0.5).map((p) => p.s);
  return {scrollW: doc.scrollWidth, innerW: innerWidth, scrollH: doc.scrollHeight, innerH: innerHeight,
          panels, overlaps, clipped, outside};
}"""

MATH_SCRIPT = """() => {
  const m = document.querySelector('#math-view');
  const r = m.getBoundingClientRect();
  const cut = [...m.querySelectorAll('.mv-matrix')].filter((t) => {
    const b = t.getBoundingClientRect();
    const p = t.parentElement;
    return b.right > r.right + 0.5 || b.left < r.left - 0.5 || p.scrollWidth > p.clientWidth + 1;
  }).length;
  return {scrollH: m.scrollHeight, clientH: m.clientHeight, scrollTop: m.scrollTop,
          matrices: m.querySelectorAll('.mv-matrix').length, cut};
}"""

# The value labels' boxes in the network panel (relative to it), for the pixel check.
LABEL_BOXES = """() => {
  const p = document.querySelector('#network-view').getBoundingClientRect();
  return [...document.querySelectorAll('#network-view .nv-value, #network-view .nv-bias-text')]
    .filter((t) => t.textContent.trim() !== '')
    .map((t) => { const b = t.getBoundingClientRect();
      return {t: t.textContent, x: Math.round(b.left - p.left) + 1, y: Math.round(b.top - p.top) + 1,
              w: Math.round(b.width) - 2, h: Math.round(b.height) - 2}; })
    .filter((b) => b.w > 0 && b.h > 0);
}"""

# In a blank page (no CSP): decode a PNG and give, per box, the most saturated pixel (max − min of r, g, b).
# Text is grey on white; an edge crossing a label shows as orange, blue, wine or green.
SATURATION = """async ([b64, boxes]) => {
  const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const bmp = await createImageBitmap(new Blob([bin], {type: 'image/png'}));
  const c = new OffscreenCanvas(bmp.width, bmp.height);
  const x = c.getContext('2d');
  x.drawImage(bmp, 0, 0);
  return boxes.map((b) => {
    const d = x.getImageData(b.x, b.y, b.w, b.h).data;
    let worst = 0;
    for (let i = 0; i < d.length; i += 4) {
      const s = Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]);
      if (s > worst) worst = s;
    }
    return {t: b.t, worst};
  });
}"""
# Grey text antialiased on white stays below this; an edge's colour is far above it.
MAX_LABEL_SATURATION = 40


def open_network(lab: Any, name: str) -> None:
    """Load the page with network `name` of NETWORKS and wait until it is drawn."""
    query, hidden = NETWORKS[name]
    lab.open(query)
    if hidden is not None:
        lab.send({"type": "rebuild", "config": {"hidden_layers": hidden}})
        lab.page.wait_for_function(
            "(n) => document.querySelector('#layer-count')?.textContent === String(n)", arg=len(hidden)
        )
    lab.page.wait_for_selector("#network-view svg .nv-node")


def set_presenter(lab: Any, on: bool) -> None:
    """Presenter mode on or off (it is remembered across page loads), and let the views lay out again."""
    if lab.page.evaluate("document.body.classList.contains('presenter')") != on:
        lab.page.keyboard.press("p")
    lab.page.wait_for_selector("body.presenter" if on else "body:not(.presenter)")
    settle(lab)


def settle(lab: Any) -> None:
    """Let the page draw what changed (a resize observer, then two animation frames)."""
    lab.page.wait_for_timeout(150)
    lab.page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def step_to(lab: Any, phase: str, limit: int = 20) -> None:
    """Step phases (→) until the network shows `phase` ("forward", "backward", "update")."""
    for _ in range(limit):
        before = lab.page.locator("#phase-indicator").inner_text()
        lab.page.keyboard.press("ArrowRight")
        lab.page.wait_for_function(
            "(b) => document.querySelector('#phase-indicator').innerText !== b", arg=before
        )
        if lab.page.evaluate("document.querySelector('#network-view').dataset.activePhase") == phase:
            settle(lab)
            return
    raise AssertionError(f"no {phase} phase within {limit} steps")


def layout(lab: Any) -> dict[str, Any]:
    """LAYOUT_SCRIPT's measurements of the page."""
    result: dict[str, Any] = lab.page.evaluate(LAYOUT_SCRIPT)
    return result


def crossed_labels(lab: Any, decoder: Page) -> list[dict[str, Any]]:
    """The network's value labels with an edge's colour inside their box, on a screenshot of the panel."""
    boxes = lab.page.evaluate(LABEL_BOXES)
    png = lab.page.locator("#network-view").screenshot()
    found: list[dict[str, Any]] = decoder.evaluate(SATURATION, [base64.b64encode(png).decode(), boxes])
    return [b for b in found if b["worst"] > MAX_LABEL_SATURATION]
