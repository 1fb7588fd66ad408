"""What the time-travel browser tests share: the page's session over REST, training a run to a step,
jumping with the timeline's scrubber, and what the page shows at a step (network, formula panel, phase)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

SESSION = "JSON.parse(sessionStorage.getItem('backprop-lab:session')).id"


def session_id(lab: Any) -> str:
    """The id of the run the page works on."""
    sid: str = lab.page.evaluate(SESSION)
    return sid


def rest(lab: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    """GET (or, with a body, POST) /api/sessions/... on the test server; the decoded JSON reply."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        f"{lab.base_url}/api/sessions/{path}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=20) as res:
        return json.load(res)


def wait_step(lab: Any, step: int) -> None:
    """Wait until the controls show `step` (and the timeline agrees)."""
    lab.page.wait_for_function(
        "(k) => new RegExp('^step ' + k + ' ').test(document.querySelector('#counters').innerText)",
        arg=step,
        timeout=15000,
    )


def train_to(lab: Any, steps: int) -> None:
    """Train the page's run `steps` iterations (one step message) and wait for the frame."""
    lab.send({"type": "step", "unit": "iteration", "count": steps})
    wait_step(lab, steps)
    lab.page.wait_for_function(
        "(n) => document.querySelector('#timeline-position').textContent.endsWith('of ' + n)", arg=str(steps)
    )


# Where on the screen the scrubber's thumb stands at a step (the track is inset by half the thumb).
THUMB_AT = """(k) => {
  const s = document.querySelector('#timeline-scrub'), b = s.getBoundingClientRect();
  const thumb = parseFloat(getComputedStyle(s.parentElement).getPropertyValue('--thumb')) *
    parseFloat(getComputedStyle(s).fontSize);
  const f = (k - Number(s.min)) / (Number(s.max) - Number(s.min));
  return {x: b.left + thumb / 2 + f * (b.width - thumb), y: b.top + b.height / 2};
}"""


def scrub_to(lab: Any, step: int) -> None:
    """Click the timeline's scrubber at `step` with the mouse (where a drag ends) and wait for the step."""
    at = lab.page.evaluate(THUMB_AT, step)
    lab.page.mouse.click(at["x"], at["y"])
    if lab.page.locator("#timeline-scrub").input_value() != str(step):
        lab.page.locator("#timeline-scrub").fill(str(step))  # a very long run: a pixel spans several steps
    wait_step(lab, step)


def shown(lab: Any) -> dict[str, str]:
    """What the page shows of the run: the phase, the counters, the network's texts, the formula panel."""
    page = lab.page
    page.wait_for_timeout(200)
    page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return {
        "phase": page.locator(".phase-now").inner_text(),
        "counters": page.locator("#counters").inner_text(),
        "network": page.locator("#network-view").inner_text(),
        "math": page.locator("#math-view").inner_text(),
    }


def wait_run(lab: Any, sid: str, same: bool = True) -> None:
    """Wait until the page works on run `sid` (same=False: on any other run) with its socket open."""
    lab.page.wait_for_function(f"([id, same]) => ({SESSION} === id) === same", arg=[sid, same], timeout=15000)
    lab.wait_connected()


def branch(lab: Any, rate: str) -> str:
    """Fill the open branch dialog's learning rate, press OK and wait until the page has switched to the new
    run; its id."""
    before = session_id(lab)
    dialog = lab.page.locator("#branch-overlay")
    dialog.wait_for(state="visible")
    lab.page.fill("#branch-learning-rate", rate)
    lab.page.click("#branch-ok")
    dialog.wait_for(state="hidden")
    wait_run(lab, before, same=False)
    return session_id(lab)
