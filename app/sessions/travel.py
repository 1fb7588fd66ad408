"""Moving a session along its run's timeline (app/timeline/): recording as it trains and changes, following
the recorded changes when it replays its past, seeking, stepping back, and discarding the later history.

A session is "in the past" when its step is before its timeline's latest step. Training from there replays
the recorded run: when it reaches a step where a change was made, the keyframe taken after that change is
restored (the same state, bit for bit, as the run had), so stepping forward reproduces the run. A change
made in the past ends the recorded future first (a `discarded` mark; the loss curve after the step goes).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import numpy as np

from app.engine.hyper import LIVE_FIELDS
from app.engine.lab import Lab
from app.engine.records import Record
from app.sessions.labs import OperationError
from app.sessions.publisher import Publisher
from app.sessions.session import Session
from app.timeline import replay
from app.timeline.replay import Reached
from app.wire.codec import to_wire


def _swap(session: Session, lab: Lab) -> None:
    """Make `lab` the session's (tracing the example chosen), its keyframe ring following."""
    selected = int(session.lab.config.selected)
    if selected != lab.config.selected:
        lab.select(min(selected, lab.data.n_train - 1))
    session.lab = lab
    session.recovery.adopt(lab, lab.step)


def arrived(session: Session) -> None:
    """After the lab ran phases or iterations: replaying the past, restore the keyframe after a change
    when its step is reached; at the head, record (a keyframe when due)."""
    timeline, lab = session.timeline, session.lab
    step = lab.step
    if step > timeline.applied and step <= timeline.latest and replay.at_iteration_start(lab):
        if timeline.event_at(step):
            _swap(session, Lab.restore(timeline.frames[timeline.base(step)].saved))
        timeline.applied = step
    timeline.observe(session.lab)


def advance(session: Session, iterations: int) -> None:
    """Train `iterations` iterations without records, following the recorded changes in the past."""
    left = iterations
    while left > 0:
        timeline, lab = session.timeline, session.lab
        step = lab.step
        if step >= timeline.latest:  # at the head: at most a keyframe's spacing at a time, to record it
            n = min(left, timeline.spacing)
        else:
            upcoming = timeline.next_event(max(step, timeline.applied))
            n = left if upcoming is None else min(left, upcoming - step)
        lab.train(n)
        left -= n
        arrived(session)


def record(hub: Publisher, session: Session, mark: dict[str, Any]) -> None:
    """A change was made to the session's lab: keep a keyframe after it and its mark; made in the past, the
    later history is discarded first (and every socket gets the shortened state)."""
    discarded = session.timeline.event(session.lab, mark)
    if discarded is not None:
        _forget_after(session, int(discarded["step"]))
        hub.publish_state(session)
    publish_timeline(hub, session)


def restart(session: Session) -> None:
    """A new run (reset, rebuild): a new timeline from step 0."""
    session.timeline.start(session.lab, {"kind": "start", "seed": int(session.lab.config.seed)})


def _forget_after(session: Session, step: int) -> None:
    session.forget_from(step + 1)
    session.recovery.ring.drop_after(step)


def publish_timeline(hub: Publisher, session: Session) -> None:
    """Send the timeline (marks, branches, bounds) to every socket."""
    hub.publish_text(session, {"type": "timeline", **session.timeline.payload(session.step)})


def check_step(session: Session, step: int, name: str = "step") -> None:
    """OperationError naming `name` unless `step` is a recorded step."""
    timeline = session.timeline
    if not timeline.first <= step <= timeline.latest:
        raise OperationError(
            name,
            f"{name}: {step} is not a recorded step of this run; allowed "
            f"{timeline.first}..{timeline.latest} (the latest recorded step)",
        )


async def _reach(session: Session, step: int, phases: int) -> Reached:
    """The position (step, phases) replayed in a worker thread (the event loop goes on meanwhile)."""
    selected = int(session.lab.config.selected)
    return await asyncio.to_thread(replay.position, session.timeline, step, phases, selected)


def _adopt(hub: Publisher, session: Session, reached: Reached) -> list[Record]:
    """Make a reached position the session's; publish a frame with its records (and the state first when
    the settings or the data there are not those shown: the page's controls follow)."""
    before = session.lab
    _swap(session, reached.lab)
    after = session.lab
    if before.data is not after.data or replace(before.config, selected=0) != replace(
        after.config, selected=0
    ):
        hub.publish_state(session)
    session.timeline.applied = reached.lab.step
    session.iteration_records = list(reached.records)
    session.diverged = None
    hub.publish_frame(session, session.iteration_records or None)
    return list(reached.records)


async def seek(hub: Publisher, session: Session, step: int) -> None:
    """Jump to recorded step `step` (a playing session pauses first)."""
    async with session.lock:
        session.playing = False
        check_step(session, step)
        _adopt(hub, session, await _reach(session, step, 0))


async def back(hub: Publisher, session: Session, unit: str) -> list[Record]:
    """One phase or one iteration back; the records shown there (those of the iteration so far)."""
    async with session.lock:
        session.playing = False
        lab = session.lab
        per = replay.phases_per_iteration(lab)
        target = replay.back(session.step, lab.phases_done, per, unit)
        if target is None or target[0] < session.timeline.first:
            first = session.timeline.first
            raise OperationError("unit", f"unit: nothing before step {first}, the oldest recorded step")
        return _adopt(hub, session, await _reach(session, *target))


async def discard_later(hub: Publisher, session: Session) -> None:
    """Continue from the current step: forget the recorded history after it."""
    async with session.lock:
        mark = session.timeline.truncate(session.step)
        if mark is not None:
            _forget_after(session, session.step)
            hub.publish_state(session)
            publish_timeline(hub, session)


async def boundary(session: Session, step: int, resolution: int) -> dict[str, Any]:
    """The run's output over the plane at recorded step `step`, the run not moved (for comparing runs):
    BoundaryReply's fields. OperationError naming `step`, or `dataset` for rows without a plane."""
    async with session.lock:
        check_step(session, step)
        if session.lab.data.points is None:
            raise OperationError("dataset", "dataset: custom rows have no plane to draw a boundary on")
        lab, _ = await asyncio.to_thread(replay.state_at, session.timeline, step)
    grids = lab.grids(resolution=resolution, neuron_resolution=8)
    output = grids.output.reshape(resolution * resolution, -1).astype(np.float64)
    multiclass = output.shape[1] > 1
    kind = "multiclass" if multiclass else ("regression" if lab.data.kind == "regression" else "binary")
    values = output.max(axis=1) if multiclass else output[:, 0]
    return {
        "step": step,
        "res": resolution,
        "domain": [float(grids.domain[0]), float(grids.domain[1])],
        "kind": kind,
        "values": to_wire(values, "values"),
        "classes": output.argmax(axis=1).tolist() if multiclass else None,
        "metrics": to_wire(lab.metrics(), "metrics"),
        "config": {name: to_wire(getattr(lab.config, name)) for name in LIVE_FIELDS},
    }
