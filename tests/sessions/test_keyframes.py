"""The ring of recent checkpoints: exact, bounded in count and bytes, thinned keeping the newest and the
best, one run segment at a time."""

from __future__ import annotations

import asyncio
import dataclasses

import numpy as np

from app.config import Settings
from app.engine.lab import Lab, LabConfig
from app.sessions.keyframes import Recovery
from app.sessions.publisher import Publisher
from app.sessions.ring import Keyframe, KeyframeRing
from app.sessions.session import Session, SessionStore

SETTINGS = Settings()


def frame(step: int, loss: float, nbytes: int = 100) -> Keyframe:
    """A keyframe with no real checkpoint (the ring's bookkeeping only)."""
    return Keyframe(step, loss, loss, {}, np.zeros(1), nbytes)


def test_the_ring_is_bounded_in_count_and_keeps_the_newest_and_the_best() -> None:
    ring = KeyframeRing()
    for step in range(500):
        ring.add(frame(step, 0.001 if step == 3 else 1.0 + step), 0, max_count=16, max_bytes=10**9)
    steps = ring.steps()
    assert len(ring) == 16 and steps == sorted(steps)
    assert steps[-1] == 499 and 3 in steps  # the newest and the lowest loss survive thinning
    gaps = np.diff(steps[1:])
    assert gaps[-1] <= gaps[0]  # recent steps stay dense, old ones sparse


def test_the_ring_is_bounded_in_bytes_of_its_own_parts() -> None:
    ring = KeyframeRing()
    for step in range(100):
        ring.add(frame(step, 1.0, nbytes=1000), 5000, max_count=1000, max_bytes=20_000)
    assert ring.nbytes <= 20_000 and len(ring) == 20 and ring.data_bytes == 5000


def test_adding_at_an_earlier_step_drops_the_later_ones() -> None:
    ring = KeyframeRing()
    for step in range(10):
        ring.add(frame(step, 1.0), 0, 64, 10**9)
    ring.add(frame(4, 2.0), 0, 64, 10**9)
    assert ring.steps() == [0, 1, 2, 3, 4] and ring.get(4) is not None and ring.get(4).loss == 2.0  # type: ignore[union-attr]
    assert ring.at_or_before(100) is ring.newest and ring.at_or_before(-1) is None


def test_keyframes_restore_exactly_and_replay_bit_for_bit() -> None:
    lab = Lab(LabConfig(seed=3))
    recovery = Recovery()
    thetas = {}
    for _ in range(12):
        lab.train(7)
        recovery.note(lab, lab.metrics(), SETTINGS)
        thetas[int(lab.cursor["step"])] = lab.network.theta.copy()
    data = {id(f.saved["data"]) for f in recovery.ring.frames}
    assert len(data) == 1  # one serialized data set shared by every keyframe
    back = Lab.restore(recovery.ring.get(42).saved)  # type: ignore[union-attr]
    np.testing.assert_array_equal(back.network.theta, thetas[42])
    back.train(84 - 42)
    np.testing.assert_array_equal(back.network.theta, thetas[84])  # the same run, bit for bit


def test_a_reset_an_edit_or_a_rebuild_starts_a_new_segment() -> None:
    lab = Lab(LabConfig())
    recovery = Recovery()
    for _ in range(3):
        lab.train(5)
        recovery.note(lab, lab.metrics(), SETTINGS)
    assert recovery.ring.steps() == [5, 10, 15]
    lab.set_weight(1, 0, 0, 2.0)  # an edit at the same step
    recovery.note(lab, lab.metrics(), SETTINGS)
    assert recovery.ring.steps() == [15]
    lab.train(5)
    recovery.note(lab, lab.metrics(), SETTINGS)
    lab.reset()
    recovery.note(lab, lab.metrics(), SETTINGS)
    assert recovery.ring.steps() == [0]
    rebuilt = Lab(dataclasses.replace(lab.config, hidden_layers=(3,)))
    recovery.note(rebuilt, rebuilt.metrics(), SETTINGS)
    assert recovery.ring.steps() == [0] and recovery.ring.newest.saved["config"].hidden_layers == (3,)  # type: ignore[union-attr]
    lab.add_point(0.5, 0.5, 1)
    recovery.note(lab, lab.metrics(), SETTINGS)
    assert len(recovery.ring) == 1


def test_a_default_session_ring_stays_within_its_byte_bound() -> None:
    lab = Lab(LabConfig(points=2000, hidden_layers=(16, 16, 16, 16, 16, 16), batch_size=50))
    recovery = Recovery()
    for _ in range(80):
        lab.train(1)
        recovery.note(lab, lab.metrics(), SETTINGS)
    assert recovery.ring.nbytes <= SETTINGS.recovery_max_bytes and len(recovery.ring) >= 8
    assert len(recovery.ring) <= SETTINGS.recovery_max_keyframes and recovery.ring.newest.step == 80  # type: ignore[union-attr]


def saturating_session() -> tuple[Publisher, Session]:
    """The default network at η = 10, trained until its saturation is found (its way back not yet tried)."""
    settings = Settings()
    publisher, store = Publisher(settings), SessionStore(settings)
    session = store.add(Lab(LabConfig(learning_rate=10.0)))
    publisher.record_point(session)
    for _ in range(200):
        session.lab.train(10)
        publisher.record_point(session)
        if session.recovery.pending is not None:
            return publisher, session
    raise AssertionError("the default network at η = 10 never saturated")


def test_a_saturation_is_reported_once_its_way_back_is_tried_off_the_event_loop() -> None:
    publisher, session = saturating_session()
    # recording the point that found it tried no rate: the event loop is not held up by training copies
    assert session.saturated is None
    asyncio.run(publisher.settle(session))
    report = session.recovery.saturated  # (the property session.saturated reads it)
    assert report is not None and report["recover"] is not None
    assert report["recover"]["step"] < report["since"]
    assert session.recovery.pending is None
    asyncio.run(publisher.settle(session))  # nothing more to settle
    assert session.saturated is report


def test_a_way_back_tried_while_the_run_was_reset_is_dropped() -> None:
    _, session = saturating_session()
    pending = session.recovery.take_pending()
    assert pending is not None
    session.recovery.new_segment()  # a reset (or an edit) while the worker thread tried the rates
    assert session.recovery.settle(pending, pending.report()) is None and session.saturated is None
