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

from app.engine.lab import Lab
from app.engine.labconfig import LabConfig
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


@settings(max_examples=6)
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


def cut(blob: str, keep: int) -> str:
    """A base64 blob with only its first `keep` bytes."""
    return base64.b64encode(base64.b64decode(blob)[:keep]).decode()


def with_value(blob: str, index: int, value: float) -> str:
    values = np.frombuffer(base64.b64decode(blob), dtype="<f8").copy()
    values[index] = value
    return base64.b64encode(values.tobytes()).decode()


def swap_orders(c: dict[str, Any]) -> None:
    values = np.frombuffer(base64.b64decode(c["orders"]), dtype="<i8").copy()
    values[1] = values[0]  # a repeated example: no permutation
    c["orders"] = base64.b64encode(values.tobytes()).decode()


# Each breaks one column of a good timeline; the message must name it.
BAD: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "truncated theta": (lambda c: c.update(theta=cut(c["theta"], 24)), "theta"),
    "theta not base64": (lambda c: c.update(theta="not*base64"), ""),
    "NaN in theta": (lambda c: c.update(theta=with_value(c["theta"], 3, float("nan"))), "NaN"),
    "Infinity in a slot": (lambda c: c["slots"].update(m=with_value(c["slots"]["m"], 0, np.inf)), "slots.m"),
    "missing slot": (lambda c: c["slots"].pop("m"), "slots"),
    "truncated orders": (lambda c: c.update(orders=cut(c["orders"], 8)), "orders"),
    "order no permutation": (swap_orders, "permutation"),
    "steps decreasing": (lambda c: c["steps"].__setitem__(1, c["steps"][0] - 1), "steps[1]"),
    "negative step": (lambda c: c["steps"].__setitem__(0, -1), "steps[0]"),
    "step as text": (lambda c: c["steps"].__setitem__(0, "0"), "steps[0]"),
    "a step too few": (lambda c: c["steps"].pop(), "keyframes"),
    "an event flag too many": (lambda c: c["events"].append(True), "events"),
    "unknown config index": (lambda c: c["config"].__setitem__(0, len(c["configs"])), "config[0]"),
    "unknown data index": (lambda c: c["data"].__setitem__(-1, 99), "data["),
    "negative hyper index": (lambda c: c["hyper"].__setitem__(0, -1), "hyper[0]"),
    "bad configuration": (lambda c: c["configs"][0].update(hidden_layers="many"), "configs[0]"),
    "bad learning rate": (lambda c: c["hypers"][0].update(learning_rate=-1.0), "learning_rate"),
    "unknown live field": (lambda c: c["pendings"].append({"seed": 3}), "seed"),
    "unknown optimizer": (lambda c: c["optimizer"].__setitem__(0, "lbfgs"), "optimizer[0]"),
    "theta of another network": (lambda c: c.update(n_params=c["n_params"] + 1), "n_params"),
    "generator state refused": (lambda c: c["rng"].update(bit_generator=["Nope"] * len(c["steps"])), "rng"),
    "generator state wrong": (lambda c: c["rng"]["state.state"].__setitem__(0, "x"), "rng[0]"),
    "latest before the last keyframe": (lambda c: c.update(latest=c["steps"][-1] - 1), "latest"),
    "applied after latest": (lambda c: c.update(applied=c["latest"] + 1), "applied"),
    "spacing 0": (lambda c: c.update(spacing=0), "spacing"),
    "mark after latest": (lambda c: c["marks"].append({"step": c["latest"] + 1, "kind": "edit"}), "marks"),
    "order length of another data set": (lambda c: c["order_lengths"].__setitem__(-1, 5), "order_lengths"),
    "column missing": (lambda c: c.pop("t"), "t"),
}


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    """Columns of a run with Adam (slots m, v), a point added (two data sets), orders drawn or not."""
    lab = Lab(LabConfig(points=60, hidden_layers=(3,), optimizer="adam", learning_rate=0.01, batch_size=7))
    timeline = Timeline(BOUNDS)
    timeline.start(lab, {"kind": "start", "seed": 0})
    train(lab, timeline, 20)
    lab.add_point(1.0, 2.0, 1.0)
    timeline.event(lab, {"kind": "data", "what": "add"})
    train(lab, timeline, 20)
    columns = to_columns(timeline)
    lengths = set(columns["order_lengths"])
    assert len(columns["datasets"]) == 2 and None in lengths and len(lengths) == 3  # orders of 2 sizes
    return columns


@pytest.mark.parametrize("name", sorted(BAD))
def test_columns_that_are_no_timeline_are_refused_naming_the_column(good: dict[str, Any], name: str) -> None:
    columns = copy.deepcopy(good)
    breaks, named = BAD[name]
    breaks(columns)
    with pytest.raises((ValueError, KeyError)) as caught:
        from_columns(columns, BOUNDS)
    assert named in str(caught.value)
    from_columns(copy.deepcopy(good), BOUNDS)  # the good one still reads


def test_more_than_the_bounds_hold_is_refused(good: dict[str, Any]) -> None:
    small = Bounds(keyframe_work=400, max_spacing=7, max_keyframes=1, max_bytes=10**9, max_events=1)
    with pytest.raises(ValueError, match="keyframes"):
        from_columns(good, Bounds(**{**small.__dict__, "max_keyframes": -len(good["steps"])}))
    with pytest.raises(ValueError, match="bytes"):
        from_columns(good, Bounds(**{**BOUNDS.__dict__, "max_bytes": 1000}))
