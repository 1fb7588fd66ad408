"""Time travel on the page: the timeline's scrubber (and a click on the loss curve) shows any recorded step
with the banner that says so, ← undoes → in every phase, and a step forward from the past asks first."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.browser.timeline import THUMB_AT, rest, scrub_to, session_id, shown, train_to, wait_step

pytestmark = pytest.mark.browser


def test_scrubbing_shows_that_step_and_says_it_is_the_past(lab) -> None:
    lab.open("?new")
    train_to(lab, 5)
    at5 = shown(lab)
    weights5 = rest(lab, session_id(lab))["weights"]
    lab.send({"type": "step", "unit": "iteration", "count": 15})
    wait_step(lab, 20)
    assert shown(lab)["network"] != at5["network"]
    scrub_to(lab, 5)
    banner = lab.page.locator("#past-banner")
    banner.wait_for(state="visible")
    assert "Viewing step 5 — the run goes on to step 20" in banner.inner_text()
    assert lab.page.locator("#timeline-position").inner_text() == "step 5 of 20"
    # The network and the formula panel show step 5 as they did then; the server agrees.
    now = shown(lab)
    assert now["network"] == at5["network"] and now["math"] == at5["math"], (now, at5)
    state = rest(lab, session_id(lab))
    assert state["step"] == 5 and state["weights"] == weights5
    # The loss curve marks the step shown.
    lab.page.wait_for_selector("#loss-view[data-cursor='5'] .lv-cursor:not([hidden])")
    lab.screenshot("timeline-past-1280x720")
    # Back to latest: the banner goes.
    lab.page.click("#btn-latest")
    wait_step(lab, 20)
    banner.wait_for(state="hidden")
    lab.assert_clean()


def test_a_click_on_the_loss_curve_seeks_that_step(lab) -> None:
    lab.open("?new")
    train_to(lab, 40)
    # The figure's x axis reaches the latest step (its points are drawn in batches).
    lab.page.wait_for_function(
        "(document.querySelector('#loss-view .lv-plot')._fullLayout?.xaxis?.range?.[1] ?? 0) >= 39"
    )
    box = lab.page.evaluate(
        """() => { const p = document.querySelector('#loss-view .lv-plot');
        const xa = p._fullLayout.xaxis, ya = p._fullLayout.yaxis, b = p.getBoundingClientRect();
        return {x: b.left + xa._offset + xa.l2p(10), y: b.top + ya._offset + ya._length / 2}; }"""
    )
    lab.page.mouse.click(box["x"], box["y"])
    lab.page.wait_for_selector("#past-banner:not([hidden])")
    step = lab.step_count()
    assert 9 <= step <= 11, step
    assert rest(lab, session_id(lab))["step"] == step
    lab.assert_clean()


def test_back_undoes_forward_in_every_phase(lab) -> None:
    lab.open("?new")
    train_to(lab, 3)
    at3 = shown(lab)
    kb = lab.page.keyboard
    # One iteration is 2L + 2 = 8 phases (L = 3): at each, → then ← shows what was shown before.
    for _ in range(8):
        before = shown(lab)
        kb.press("ArrowRight")
        lab.page.wait_for_function(
            "(b) => document.querySelector('.phase-now').innerText !== b || "
            "document.querySelector('#counters').innerText.split(' ·')[0] !== 'step 3'",
            arg=before["phase"],
        )
        after = shown(lab)
        kb.press("ArrowLeft")
        lab.page.wait_for_function(
            "(b) => document.querySelector('.phase-now').innerText === b", arg=before["phase"]
        )
        assert shown(lab) == before, (before["phase"], after["phase"])
        # And → again shows the same phase with the same records (a redo, without asking).
        kb.press("ArrowRight")
        lab.page.wait_for_function(
            "(a) => document.querySelector('.phase-now').innerText === a", arg=after["phase"]
        )
        assert shown(lab) == after, after["phase"]
        assert lab.page.locator("#prompt-overlay").is_hidden()
    assert lab.step_count() == 4
    # Shift+← goes back a whole iteration.
    kb.press("Shift+ArrowLeft")
    wait_step(lab, 3)
    assert shown(lab) == at3
    lab.assert_clean()


def test_forward_from_the_past_asks_once_and_each_answer_does_what_it_says(lab) -> None:
    lab.open("?new")
    train_to(lab, 12)
    sid = session_id(lab)
    prompt = lab.page.locator("#prompt-overlay")
    kb = lab.page.keyboard
    # Cancel (and Escape) leave everything as it was.
    scrub_to(lab, 4)
    kb.press("ArrowRight")
    prompt.wait_for(state="visible")
    assert "steps 5–12" in prompt.inner_text()
    lab.screenshot("timeline-prompt-1280x720")
    kb.press("Escape")
    prompt.wait_for(state="hidden")
    lab.page.locator("#btn-play").click()
    prompt.wait_for(state="visible")
    lab.page.click("#prompt-cancel")
    prompt.wait_for(state="hidden")
    assert rest(lab, sid)["step"] == 4 and rest(lab, f"{sid}/timeline")["latest"] == 12
    # Replay keeps the recorded steps; the next → does not ask again.
    kb.press("Shift+ArrowRight")
    prompt.wait_for(state="visible")
    lab.page.click("#prompt-replay")
    wait_step(lab, 5)
    kb.press("Shift+ArrowRight")
    wait_step(lab, 6)
    assert prompt.is_hidden()
    assert rest(lab, f"{sid}/timeline")["latest"] == 12
    # Continue from here discards the later steps.
    scrub_to(lab, 3)
    kb.press("e")
    prompt.wait_for(state="visible")
    lab.page.click("#prompt-continue")
    lab.page.wait_for_function("!/^step 3 /.test(document.querySelector('#counters').innerText)")
    timeline = rest(lab, f"{sid}/timeline")
    # (E finished the epoch from step 3: a new history from there, the old steps 4–12 marked as discarded.)
    assert timeline["latest"] == lab.step_count(), timeline
    assert {"step": 3, "kind": "discarded", "from": 4, "to": 12} in timeline["marks"], timeline["marks"]
    assert lab.page.locator("#past-banner").is_hidden()
    # Branch opens the branch dialog at that step.
    latest = timeline["latest"]
    scrub_to(lab, 2)
    kb.press("ArrowRight")
    prompt.wait_for(state="visible")
    lab.page.click("#prompt-branch")
    dialog = lab.page.locator("#branch-overlay")
    dialog.wait_for(state="visible")
    assert "from step 2" in dialog.inner_text()
    lab.page.click("#branch-cancel")
    dialog.wait_for(state="hidden")
    assert rest(lab, f"{sid}/timeline")["latest"] == latest
    lab.assert_clean()


def test_a_change_in_the_past_asks_to_discard_or_branch(lab) -> None:
    lab.open("?new")
    train_to(lab, 10)
    sid = session_id(lab)
    scrub_to(lab, 6)
    lab.send({"type": "set", "changes": {"learning_rate": 0.1}})
    prompt = lab.page.locator("#prompt-overlay")
    prompt.wait_for(state="visible")
    assert "steps 7–10" in prompt.inner_text()
    lab.page.click("#prompt-discard")
    lab.page.wait_for_function("document.querySelector('#learning-rate-value').value === '0.1'")
    timeline = rest(lab, f"{sid}/timeline")
    assert timeline["latest"] == 6, timeline
    assert any(m["kind"] == "discarded" for m in timeline["marks"]), timeline["marks"]
    lab.page.wait_for_selector("#timeline-view .tl-discarded")
    lab.assert_clean()


def test_dragging_the_scrubber_seeks_at_most_8_times_a_second_and_sends_the_last_position(lab) -> None:
    seeks: list[int] = []

    def on_socket(ws: Any) -> None:
        def sent(payload: str | bytes) -> None:
            msg = json.loads(payload) if isinstance(payload, str) else {}
            if msg.get("type") == "seek":
                seeks.append(msg["step"])

        ws.on("framesent", sent)

    lab.page.on("websocket", on_socket)
    lab.open("?new")
    train_to(lab, 60)
    start = lab.page.evaluate(THUMB_AT, 60)
    end = lab.page.evaluate(THUMB_AT, 7)
    mouse = lab.page.mouse
    mouse.move(start["x"], start["y"])
    mouse.down()
    began = time.monotonic()
    for i in range(1, 41):  # about a second of dragging, 40 moves
        mouse.move(start["x"] + (end["x"] - start["x"]) * i / 40, start["y"])
        lab.page.wait_for_timeout(25)
    mouse.up()
    seconds = time.monotonic() - began
    wait_step(lab, 7)
    assert seeks[-1] == 7, seeks
    assert 2 <= len(seeks) <= 8 * seconds + 2, (len(seeks), seconds, seeks)
    assert rest(lab, session_id(lab))["step"] == 7
    lab.assert_clean()
