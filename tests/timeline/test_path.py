"""A run's path through two parameters (the loss-surface slice's): every point is the run's value at its
step, as an independent run (same config, same edit, never recorded) has it; the last point is now; without
a replay budget every point is a keyframe's."""

from __future__ import annotations

import numpy as np

from app.engine.lab import Lab, LabConfig
from app.sessions import travel
from app.sessions.session import Session
from app.timeline.path import parameter_path
from app.timeline.timeline import Bounds

CONFIG = LabConfig(hidden_layers=(3, 2), points=80, batch_size=5)
EDIT_AT = 230
INDICES = [1, 14]  # W¹[0][1] and a weight of layer 2 (flat positions)


def _run() -> Session:
    # a keyframe every 100 iterations (batch 5 × 20 parameters × 100)
    session = Session("s", Lab(CONFIG), 100, 60.0, Bounds(10_000, 1000, 1024, 1 << 24, 512))
    session.timeline.start(session.lab, {"kind": "start", "seed": 0})
    travel.advance(session, EDIT_AT)
    session.lab.set_weight(1, 0, 1, 0.75)  # an edit: continuing from before it would miss it
    session.timeline.event(session.lab, {"kind": "edit", "what": "weight", "layer": 1, "row": 0, "col": 1})
    travel.advance(session, 290)
    return session


def _independent(step: int) -> np.ndarray:
    lab = Lab(CONFIG)
    lab.train(min(step, EDIT_AT))
    if step >= EDIT_AT:
        lab.set_weight(1, 0, 1, 0.75)
        lab.train(step - EDIT_AT)
    return lab.network.theta[INDICES]


def test_path_points_are_the_runs_values_at_their_steps() -> None:
    session = _run()
    timeline, lab = session.timeline, session.lab
    # keyframes and replay both used
    assert timeline.spacing == 100 and [f.step for f in timeline.frames] == [0, 100, 200, 230, 330, 430]
    path = parameter_path(timeline, lab.step, lab.network.theta, INDICES, 40, 10**9)
    assert path.steps[0] == 0 and path.steps[-1] == lab.step == 520
    assert len(path.steps) == 40 and path.steps == sorted(set(path.steps))
    assert np.array_equal(path.values[-1], lab.network.theta[INDICES])
    assert path.replayed > 0
    for step, values in zip(path.steps, path.values, strict=True):
        assert np.array_equal(values, _independent(step)), step


def test_without_a_replay_budget_the_points_are_keyframes() -> None:
    session = _run()
    timeline, lab = session.timeline, session.lab
    path = parameter_path(timeline, lab.step, lab.network.theta, INDICES, 40, 0)
    keyframes = {f.step for f in timeline.frames}
    assert path.replayed == 0 and set(path.steps) <= keyframes | {lab.step}
    for step, values in zip(path.steps, path.values, strict=True):
        assert np.array_equal(values, _independent(step)), step
    first = parameter_path(timeline, 0, lab.network.theta, INDICES, 40, 0)
    assert first.steps == [0]
