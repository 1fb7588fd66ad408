"""Browser benchmark: the formula panel while playing, built by hand in HTML (today) and typeset with KaTeX.

The page plays at 30 frames/s (speed 1). At each animation frame that brings a new server frame, a second
formula panel (the page's own module, mounted in a hidden box the size of #math-view, fed the page's state
and the newest frame) renders the frame (what the panel does when it re-renders: build, innerHTML, fit),
then KaTeX typesets the same content into another hidden box the same size (the equation of the focused
neuron with every term substituted, its layer's W and b, the layer's sum; then one layout read, as the
panel's fit does), once with nothing trusted and once with every term a clickable \\htmlData/\\htmlClass
target. The page's own panel re-renders at most twice a second while playing: its renders per second are
counted too, so "amortised" is the cost per frame it really pays.

Cases: TF Playground's default network ([4, 2] tanh on the circle, the output neuron: 2 terms, a 1×2 W) and
6 hidden layers of 16 with neuron 1 of layer 3 selected (16 terms, a 16×16 W). Then a real mouse click on a
KaTeX term shows whether the view's click handler finds its target.

Budget: 30 frames/s leaves 33 ms a frame for everything; the panel's share is set at 4 ms.
Run: `.venv/bin/python -m tests.bench.bench_formula_tex`. Prints a table and one JSON line.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.bench.bench_browser import DEEP, loadavg, open_lab, wait_layers
from tests.browser.conftest import CHROMIUM
from tests.browser.conftest import send_message as send

FPS = 30
MEASURE_SECONDS = 6.0
WARMUP_SECONDS = 1.5
BUDGET_MS = 4.0
CASES = (
    ("default_4x2", [4, 2], None),
    ("deep_6x16_layer3", DEEP, {"kind": "neuron", "layer": 3, "row": 0}),
)

# Keeps the page's newest `state` message and binary frame as they arrive (installed before the page loads).
CAPTURE = """(() => {
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', (e) => {
      if (typeof e.data !== 'string') { window.__benchFrame = e.data; return; }
      const msg = JSON.parse(e.data);
      if (msg.type === 'state') window.__benchState = msg;
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();"""

MEASURE = Path(__file__).with_name("formula_tex.js").read_text()


def stats(times: list[float]) -> dict[str, float]:
    """Median, 95th percentile, mean and count of a list of milliseconds."""
    if not times:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "mean_ms": 0.0, "n": 0.0}
    s = sorted(times)
    return {
        "p50_ms": statistics.median(s),
        "p95_ms": s[min(len(s) - 1, round(0.95 * (len(s) - 1)))],
        "mean_ms": statistics.fmean(s),
        "n": float(len(s)),
    }


def measure(page: Page, selection: dict[str, Any] | None) -> dict[str, Any]:
    """Play at FPS and time both ways of showing the panel at every new frame."""
    send(page, {"type": "play", "speed": 1, "fps": FPS})
    page.wait_for_function("document.querySelector('#btn-play').getAttribute('aria-pressed') === 'true'")
    time.sleep(WARMUP_SECONDS)
    raw: dict[str, Any] = page.evaluate(MEASURE, {"seconds": MEASURE_SECONDS, "selection": selection})
    send(page, {"type": "pause"})
    page.wait_for_function("document.querySelector('#btn-play').getAttribute('aria-pressed') === 'false'")
    click = raw.pop("click")
    page.mouse.click(click["x"], click["y"])
    clicked = page.evaluate("window.__benchClicked ?? null")
    page.evaluate("window.__benchCleanup()")
    hand = stats(raw["hand"])
    renders_per_s = raw["real_renders"] / raw["seconds"]
    return {
        "frames_per_s": raw["frames"] / raw["seconds"],
        "hand": hand,
        "hand_amortised_ms": hand["mean_ms"] * renders_per_s / max(1.0, raw["frames"] / raw["seconds"]),
        "real_panel_renders_per_s": renders_per_s,
        "katex": stats(raw["katex"]),
        "katex_terms": stats(raw["katex_terms"]),
        "terms": raw["terms"],
        "mathml": raw["mathml"],
        "clicked": clicked,
        "expected_click": click["target"],
    }


def run() -> dict[str, Any]:
    """Start a server and Chromium, measure every case, return the figures."""
    results: dict[str, Any] = {"loadavg_before": loadavg()}
    with open_lab(CAPTURE) as (page, errors):
        for name, hidden, selection in CASES:
            if hidden != [4, 2]:
                send(page, {"type": "rebuild", "config": {"hidden_layers": hidden}})
                wait_layers(page, hidden)
                page.wait_for_function(
                    "(n) => window.__benchState?.config?.hidden_layers?.length === n", arg=len(hidden)
                )
            results[name] = measure(page, selection)
        results["console_errors"] = errors
    results["loadavg_after"] = loadavg()
    return results


def main() -> None:
    """Run the benchmark and print the figures and a JSON line."""
    if not Path(CHROMIUM).exists():
        print(f"bench_formula_tex: {CHROMIUM} is missing (run tests/browser/install_chromium.sh); skipped")
        return
    r = run()
    print(f"load average before {r['loadavg_before']}, after {r['loadavg_after']} ({os.cpu_count()} CPUs)")
    print(f"playing at {FPS} frames/s; ms per frame: median / p95 / mean")
    targets: dict[str, bool] = {}
    for name, _, _ in CASES:
        x = r[name]
        print(
            f"{name}: {x['frames_per_s']:.1f} new frames/s,"
            f" the page's panel re-rendered {x['real_panel_renders_per_s']:.1f}/s"
        )
        for label, key in (("hand-built HTML", "hand"), ("KaTeX", "katex"), ("KaTeX + terms", "katex_terms")):
            s = x[key]
            print(
                f"  {label:16s} {s['p50_ms']:7.2f} {s['p95_ms']:7.2f} {s['mean_ms']:7.2f}"
                f"  ({s['n']:.0f} frames)"
            )
        ratio = x["katex_terms"]["mean_ms"] / max(1e-9, x["hand"]["mean_ms"])
        print(f"  hand-built amortised over the panel's own renders: {x['hand_amortised_ms']:.2f} ms/frame")
        print(
            f"  KaTeX + terms / hand-built (mean): {ratio:.2f}×;"
            f" clickable terms {x['terms']}, MathML {x['mathml']}"
        )
        print(f"  click on a term found {x['clicked']} (expected {x['expected_click']})")
        x["ratio"] = ratio
        targets[f"{name}_katex_terms_p95<{BUDGET_MS}ms"] = x["katex_terms"]["p95_ms"] < BUDGET_MS
        targets[f"{name}_click_finds_term"] = x["clicked"] == x["expected_click"]
    print("targets:", ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in targets.items()))
    if r["console_errors"]:
        print("console errors:", r["console_errors"], file=sys.stderr)
    print(json.dumps({"bench": "formula_tex", **r, "targets": targets}))


if __name__ == "__main__":
    main()
