"""Recording at the run's head: a keyframe every `spacing` iterations however the training is requested (a
long fast-path call included), one after every change, none while the past is replayed."""

from __future__ import annotations

import numpy as np

from app.engine.lab import Lab
from app.sessions import travel
from app.sessions.session import Session
from app.timeline import replay


def test_one_long_training_call_keeps_a_keyframe_every_spacing() -> None:
    session = Session("s", Lab(), 100, 60.0)
    session.timeline.start(session.lab, {"kind": "start", "seed": 0})
    spacing = session.timeline.spacing
    travel.advance(session, 10 * spacing + 7)
    steps = [f.step for f in session.timeline.frames]
    assert steps == [k * spacing for k in range(11)]
    assert session.timeline.latest == 10 * spacing + 7


def test_replaying_the_past_records_nothing_and_ends_where_the_run_was() -> None:
    session = Session("s", Lab(), 100, 60.0)
    session.timeline.start(session.lab, {"kind": "start", "seed": 0})
    travel.advance(session, 2500)
    end = session.lab.network.theta.copy()
    frames = list(session.timeline.frames)
    session.lab = replay.state_at(session.timeline, 300)[0]
    session.timeline.applied = 300
    travel.advance(session, 2200)
    assert session.timeline.frames == frames
    assert np.array_equal(session.lab.network.theta, end)
