"""Browser benchmark: how smoothly the lab page draws in headless Chromium (--disable-gpu).

For TF Playground's default network ([4, 2] tanh on the circle) and for 6 hidden layers × 16 neurons:
- painted frames per second while playing with every view visible: requestAnimationFrame callbacks per
  second (the display's rate the page keeps up with), and how many server frames arrived meanwhile (the page
  draws the newest at each animation frame);
- click-on-step latency: from the click on "Phase ›" (the event's timestamp) to the first animation frame
  after the page's DOM shows the new phase record; p50 and p95 over repeated clicks.

Targets: ≥ 55 frames/s at the default network, ≥ 30 at 6 × 16; latency p50 ≤ 50 ms, p95 ≤ 100 ms.
The server runs on the same machine, so the figures include its share of the CPU; the load average before and
after is printed with them (other work on the machine lowers every figure).
Run: `.venv/bin/python -m tests.bench.bench_browser`. Prints a table and one JSON line.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ServerProcess, free_port
from tests.browser.conftest import send_message as send

MEASURE_SECONDS = 5.0
WARMUP_SECONDS = 1.5
CLICKS = 40
CLICK_GAP_SECONDS = 0.08
DEEP = [16, 16, 16, 16, 16, 16]

# Counts the page's WebSocket frames as they arrive (installed before the page loads).
COUNT_FRAMES = """(() => {
  const Native = window.WebSocket;
  window.__framesIn = 0;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', (e) => { if (typeof e.data !== 'string') window.__framesIn += 1; });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();"""

# Counts animation frames (and the longest gap between two), and the server frames received meanwhile (the
# page draws the newest one at each animation frame).
FPS_SCRIPT = """async (seconds) => {
  let frames = 0, worst = 0, last = performance.now();
  const t0 = last;
  const in0 = window.__framesIn;
  await new Promise((resolve) => {
    function tick(now) {
      frames += 1;
      worst = Math.max(worst, now - last);
      last = now;
      if (now - t0 < seconds * 1000) requestAnimationFrame(tick); else resolve();
    }
    requestAnimationFrame(tick);
  });
  const elapsed = (performance.now() - t0) / 1000;
  return {fps: frames / elapsed, frames_in: (window.__framesIn - in0) / elapsed, worst_frame_ms: worst};
}"""

# Arms one measurement: the click's timestamp, then the first rAF after #phase-indicator changes.
ARM_SCRIPT = """() => {
  window.__latency = new Promise((resolve) => {
    let t0 = null;
    const target = document.querySelector('#phase-indicator');
    const onClick = (e) => { t0 = e.timeStamp; };
    document.addEventListener('click', onClick, {capture: true, once: true});
    const obs = new MutationObserver(() => {
      if (t0 === null) return;
      obs.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - t0));
    });
    obs.observe(target, {childList: true, characterData: true, subtree: true, attributes: true});
  });
}"""


def wait_layers(page: Page, hidden: list[int]) -> None:
    """Wait until the controls show this architecture (the rebuild has arrived)."""
    page.wait_for_function(
        "(n) => document.querySelector('#layer-count')?.textContent === String(n)",
        arg=len(hidden),
        timeout=15000,
    )
    page.wait_for_selector("#network-view svg .nv-node", timeout=15000)


def measure_fps(page: Page) -> dict[str, float]:
    """Play at one iteration per frame and count painted frames."""
    send(page, {"type": "play", "speed": 1})
    page.wait_for_function("document.querySelector('#btn-play').getAttribute('aria-pressed') === 'true'")
    time.sleep(WARMUP_SECONDS)
    result: dict[str, float] = page.evaluate(FPS_SCRIPT, MEASURE_SECONDS)
    send(page, {"type": "pause"})
    page.wait_for_function("document.querySelector('#btn-play').getAttribute('aria-pressed') === 'false'")
    return result


def measure_latency(page: Page) -> dict[str, float]:
    """Click "Phase ›" repeatedly; the click → painted result times."""
    times: list[float] = []
    button = page.locator("#btn-step-phase")
    for _ in range(CLICKS):
        page.evaluate(ARM_SCRIPT)
        button.click()
        times.append(float(page.evaluate("window.__latency")))
        time.sleep(CLICK_GAP_SECONDS)
    times.sort()
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "max_ms": times[-1],
        "clicks": float(len(times)),
    }


def loadavg() -> list[float]:
    """The 1-, 5- and 15-minute load averages (other work on the machine skews every figure)."""
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


@contextmanager
def open_lab(init_script: str) -> Iterator[tuple[Page, list[str]]]:
    """A real server and headless Chromium on a new default lab page, connected, its network drawn: the page
    (with `init_script` run first) and the console errors it logs."""
    with tempfile.TemporaryDirectory(prefix="backprop-bench-") as tmp:
        server = ServerProcess(free_port(), Path(tmp))
        server.start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                # Playwright's wait_for_function evaluates in the page, which the page's CSP refuses.
                page = browser.new_page(viewport={"width": 1280, "height": 720}, bypass_csp=True)
                page.add_init_script(init_script)
                errors: list[str] = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.goto(f"{server.url}/?new")
                page.wait_for_selector("body[data-connection='open']", timeout=15000)
                wait_layers(page, [4, 2])
                yield page, errors
                browser.close()
        finally:
            server.stop()


def run() -> dict[str, Any]:
    """Start a server and Chromium, measure both networks, return the figures."""
    results: dict[str, Any] = {"loadavg_before": loadavg()}
    with open_lab(COUNT_FRAMES) as (page, errors):
        for name, hidden in (("default_4x2", [4, 2]), ("deep_6x16", DEEP)):
            if hidden != [4, 2]:
                send(page, {"type": "rebuild", "config": {"hidden_layers": hidden}})
                wait_layers(page, hidden)
            fps = measure_fps(page)
            send(page, {"type": "reset", "seed": None})
            time.sleep(0.3)
            latency = measure_latency(page)
            results[name] = {**fps, **latency}
        results["console_errors"] = errors
    results["loadavg_after"] = loadavg()
    return results


def main() -> None:
    """Run the benchmark and print the figures and a JSON line."""
    if not Path(CHROMIUM).exists():
        print(f"bench_browser: {CHROMIUM} is missing (run tests/browser/install_chromium.sh); skipped")
        return
    r = run()
    print(f"load average before {r['loadavg_before']}, after {r['loadavg_after']} ({os.cpu_count()} CPUs)")
    print("network       fps  server frames/s  worst frame  step p50  step p95  step max")
    for name in ("default_4x2", "deep_6x16"):
        x = r[name]
        print(
            f"{name:12s} {x['fps']:6.1f}  {x['frames_in']:15.1f}  {x['worst_frame_ms']:8.1f} ms"
            f"  {x['p50_ms']:6.1f} ms {x['p95_ms']:6.1f} ms {x['max_ms']:6.1f} ms"
        )
    targets = {
        "default_fps>=55": r["default_4x2"]["fps"] >= 55,
        "deep_fps>=30": r["deep_6x16"]["fps"] >= 30,
    }
    for name in ("default_4x2", "deep_6x16"):
        targets[f"{name}_p50<=50ms"] = r[name]["p50_ms"] <= 50
        targets[f"{name}_p95<=100ms"] = r[name]["p95_ms"] <= 100
    print("targets:", ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in targets.items()))
    if r["console_errors"]:
        print("console errors:", r["console_errors"], file=sys.stderr)
    print(json.dumps({"bench": "browser", **r, "targets": targets}))


if __name__ == "__main__":
    main()
