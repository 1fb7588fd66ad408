"""A timeline written as columns reads back exactly: every recorded step replays to the same numbers, bit for
bit; columns that are not a timeline are refused with the column named."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.labconfig import LabConfig
from app.engine.lab import Lab
from app.timeline import replay
from app.timeline.columns import from_columns, to_columns
from app.timeline.timeline import Bounds, Timeline

BOUNDS = Bounds(keyframe_work=400, max_spacing=7, max_keyframes=24, max_bytes=4 * 1024 * 1024, max_events=64)
CHANGES: list[dict[str, Any]] = [
    {"learning_rate": 0.1},
    {"optimizer": "adam", "learning_rate": 0.01},
    {"optimizer": "momentum", "momentum": 0.5},
    {"batch_size": 3},
    {"regularization": "l2", "regularization_rate": 0.001},
    {"train_biases": False},
    {"shuffle": False},
    {"drop_last": True},
]


def change(lab: Lab, timeline: Timeline, rng: np.random.Generator) -> None:
    """One random change at the lab's step (a live change, possibly mid-iteration; an edit; a point)."""
    kind = int(rng.integers(5))
    if kind == 0:
        lab.step_phase()  # a change during an iteration: the keyframe holds it as pending
        lab.set_hyper(**CHANGES[int(rng.integers(len(CHANGES)))])
        mark: dict[str, Any] = {"kind": "change", "changes": {}}
    elif kind == 1:
        lab.set_hyper(**CHANGES[int(rng.integers(len(CHANGES)))])
        mark = {"kind": "change", "changes": {}}
    elif kind == 2:
        lab.set_weight(1, 0, 0, float(rng.normal()))
        mark = {"kind": "edit", "what": "weight", "layer": 1, "row": 0, "col": 0}
    elif kind == 3:
        lab.add_point(float(rng.uniform(-5, 5)), float(rng.uniform(-5, 5)), float(rng.integers(2)))
        mark = {"kind": "data", "what": "add"}
    else:
        lab.remove_point(int(rng.integers(lab.data.n_train)))
        mark = {"kind": "data", "what": "remove"}
    timeline.event(lab, mark)


def train(lab: Lab, timeline: Timeline, iterations: int) -> None:
    for _ in range(iterations):
        lab.train(1)
        timeline.observe(lab)


def random_run(seed: int, events: int = 6) -> tuple[Timeline, Timeline]:
    """A run with random changes and training between them, and a branch of it with a change of its own."""
    rng = np.random.default_rng(seed)
    lab = Lab(LabConfig(points=60, hidden_layers=(3, 2), seed=seed, batch_size=int(rng.integers(1, 9))))
    timeline = Timeline(BOUNDS)
    timeline.start(lab, {"kind": "start", "seed": seed})
    for _ in range(events):
        train(lab, timeline, int(rng.integers(0, 30)))
        change(lab, timeline, rng)
    train(lab, timeline, int(rng.integers(1, 40)))
    fork_at = int(rng.integers(timeline.first, timeline.latest + 1))
    branch = timeline.fork(fork_at, "parentparentparentpare")
    timeline.add_mark({"step": fork_at, "kind": "branch", "id": "childchildchildchildch", "reason": "branch"})
    timeline.branches.append(
        {"id": "childchildchildchildch", "step": fork_at, "changes": {}, "reason": "branch"}
    )
    child, _ = replay.state_at(timeline, fork_at)
    child.set_hyper(learning_rate=0.003)
    branch.event(child, {"kind": "change", "changes": {"learning_rate": [0.03, 0.003]}})
    train(child, branch, int(rng.integers(1, 20)))
    return timeline, branch


def through_json(timeline: Timeline) -> Timeline:
    """The timeline written as the state file writes it and read back."""
    text = json.dumps(to_columns(timeline), allow_nan=False)
    return from_columns(json.loads(text), timeline.bounds)


def same_state(one: Lab, two: Lab) -> None:
    assert one.network.theta.tobytes() == two.network.theta.tobytes()
    assert one.cursor == two.cursor and one.config == two.config
    assert plain(one.optimizer_state()) == plain(two.optimizer_state())


def plain(value: Any) -> str:
    """Records and optimizer states (arrays inside) as comparable text: arrays by their bytes."""
    return json.dumps(value, default=lambda v: base64.b64encode(np.asarray(v).tobytes()).decode())


def check_equal(original: Timeline, restored: Timeline) -> None:
    assert [f.step for f in restored.frames] == [f.step for f in original.frames]
    assert [f.event for f in restored.frames] == [f.event for f in original.frames]
    assert [f.nbytes for f in restored.frames] == [f.nbytes for f in original.frames]
    assert restored.nbytes <= original.nbytes  # equal data sets are one object once read back
    for name in ("marks", "branches", "parent", "latest", "applied", "spacing", "first"):
        assert getattr(restored, name) == getattr(original, name), name
    for step in range(original.first, original.latest + 1):
        before, _ = replay.state_at(original, step)
        after, _ = replay.state_at(restored, step)
        same_state(before, after)
        for _ in range(2):  # and it trains on the same
            assert plain(before.step_iteration()) == plain(after.step_iteration())
        same_state(before, after)


@settings(max_examples=12)
@given(st.integers(0, 2**31))
def test_a_random_run_and_its_branch_read_back_exactly(seed: int) -> None:
    timeline, branch = random_run(seed)
    assert any(f.event for f in timeline.frames[1:])
    check_equal(timeline, through_json(timeline))
    check_equal(branch, through_json(branch))


def test_keyframes_share_their_configuration_and_data_again() -> None:
    timeline, _ = random_run(7, events=10)
    restored = through_json(timeline)

    def groups(tl: Timeline, key: str) -> list[int]:
        ids: dict[int, int] = {}
        return [ids.setdefault(id(f.saved[key]), len(ids)) for f in tl.frames]

    for key in ("config", "data"):
        assert len(set(groups(restored, key))) <= len(set(groups(timeline, key)))
        assert len(set(groups(restored, key))) < len(restored.frames)
    columns = to_columns(timeline)
    assert len(columns["datasets"]) <= len({id(f.saved["data"]) for f in timeline.frames})


def test_a_long_run_is_thinned_and_still_reads_back() -> None:
    lab = Lab(LabConfig(points=40, hidden_layers=(2,), optimizer="adam", learning_rate=0.01))
    timeline = Timeline(BOUNDS)
    timeline.start(lab, {"kind": "start", "seed": 0})
    train(lab, timeline, 900)
    assert timeline.spacing > BOUNDS.max_spacing // 2 and len(timeline.frames) <= 40
    check_equal(timeline, through_json(timeline))
