"""A run as a replay plan: the exact state it starts from, and every change made on the way, by step.

The plan is what the exported script and notebook hold (app/export/script.py). It is read off the run's
timeline (app/timeline/timeline.py): its first keyframe is the start (step 0 of a new run, or the oldest step
still held), and each event keyframe after it, up to the session's step, is one change. A change is found by
replaying the run from the keyframe before it to its step and comparing that state with the keyframe taken
after the change: live hyperparameters (those made during an iteration in progress apply one step later, as
the engine applies them), parameters set by hand, the training set (a point added or removed), and, when
anything else differs (the optimizer's state, the schedule), that part of the state itself.

Work is bounded by the timeline's own bounds: one replay of at most a keyframe's spacing per event keyframe.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.engine.hyper import LIVE_FIELDS
from app.engine.init import ORDER_STREAM, seeded_stream
from app.engine.lab import Lab
from app.engine.network import Layout
from app.timeline.timeline import Keyframe, Timeline

FloatArray = NDArray[np.float64]


@dataclass
class Schedule:
    """Where the epoch stands: its order (None: drawn at the next batch), the position in it, and the order
    generator's state (None: the seed's fresh order stream)."""

    position: int
    order: list[int] | None
    rng: dict[str, Any] | None


@dataclass
class Change:
    """What was changed when `step` iterations were done (before iteration step + 1)."""

    step: int
    hyper: dict[str, Any] = field(default_factory=dict)
    edits: list[tuple[int, int, int, float]] = field(default_factory=list)  # (layer, row, col, value)
    append: FloatArray | None = None  # training rows added at the end: x then y columns
    remove: list[int] = field(default_factory=list)  # training rows removed, by index, in order
    data: tuple[FloatArray, FloatArray] | None = None  # a whole new training set
    optimizer: dict[str, Any] | None = None  # the optimizer's state set as it was (t, slots)
    schedule: Schedule | None = None  # the schedule set as it was

    @property
    def empty(self) -> bool:
        """Nothing that decides a number changed (a selection, say)."""
        return not (
            self.hyper
            or self.edits
            or self.append is not None
            or self.remove
            or self.data is not None
            or self.optimizer is not None
            or self.schedule is not None
        )


@dataclass
class Plan:
    """Everything the exported code needs: data, network, start state, changes, and the expected end."""

    seed: int
    start: int
    end: int
    x: FloatArray
    y: FloatArray
    sizes: list[int]
    activations: list[str]
    loss: str
    hyper: dict[str, Any]
    blocks: list[FloatArray]  # [W^l | b^l] at the start
    optimizer: dict[str, Any]  # {"t", "slots": {slot: [blocks]}} at the start
    schedule: Schedule
    changes: list[Change]
    expected: list[FloatArray]  # [W^l | b^l] the session has at `end`
    train_loss: float | None
    description: dict[str, Any]


def _plain_hyper(values: dict[str, Any]) -> dict[str, Any]:
    """Live fields as plain values (dropout a list)."""
    return {k: list(values[k]) if k == "dropout" else values[k] for k in LIVE_FIELDS}


def _blocks(layout: Layout, flat: FloatArray) -> list[FloatArray]:
    return [block.copy() for block in layout.blocks(np.asarray(flat, dtype=np.float64))]


def _optimizer(layout: Layout, saved: dict[str, Any]) -> dict[str, Any]:
    opt = saved["optimizer"]
    return {"t": int(opt["t"]), "slots": {k: _blocks(layout, v) for k, v in opt["slots"].items()}}


def _schedule(saved: dict[str, Any]) -> Schedule:
    s = saved["schedule"]
    order = None if s["order"] is None else [int(i) for i in s["order"]]
    return Schedule(int(s["position"]), order, _ordered(s["rng"]))


def _ordered(state: dict[str, Any]) -> dict[str, Any]:
    """A generator's state with its keys in one order (a restored session's may come in another)."""
    return {k: _ordered(v) if isinstance(v, dict) else v for k, v in sorted(state.items())}


def _fresh_rng(seed: int) -> dict[str, Any]:
    return _ordered(dict(seeded_stream(seed, ORDER_STREAM).bit_generator.state))


def _roll(position: int, order: list[int] | None, n: int, hyper: dict[str, Any]) -> tuple[int, Any]:
    """The schedule's end-of-epoch rule after a change: every example used, or (drop_last) too few left."""
    size = min(int(hyper["batch_size"]), n)
    left = n - position
    if left <= 0 or (hyper["drop_last"] and left < size):
        return 0, None
    return position, order


def _same_schedule(expected: Schedule, actual: Schedule) -> bool:
    """The schedule the script will have is the run's (an order drawn early, by an iteration that was then
    abandoned, is set as the run drew it)."""
    return (expected.position, expected.order, expected.rng) == (actual.position, actual.order, actual.rng)


def _diff_data(change: Change, before: Lab, after: dict[str, Any]) -> bool:
    """Record how the training set changed; True when it did."""
    bx, by = before.data.x_train, before.data.y_train
    ax, ay = after["data"].x_train, after["data"].y_train
    if bx.shape == ax.shape and np.array_equal(bx, ax) and np.array_equal(by, ay):
        return False
    n, m = len(bx), len(ax)
    if m > n and np.array_equal(ax[:n], bx) and np.array_equal(ay[:n], by):
        change.append = np.hstack([ax[n:], ay[n:]])
        return True
    if m == n - 1:  # one row gone: the first row that differs, and the rest shifted up by one
        same = np.all(bx[:m] == ax, axis=1) & np.all(by[:m] == ay, axis=1)
        i = int(np.argmin(same)) if not same.all() else m
        if np.array_equal(bx[i + 1 :], ax[i:]) and np.array_equal(by[i + 1 :], ay[i:]):
            change.remove = [i]
            return True
    change.data = (ax.copy(), ay.copy())
    return True


def _deferred(step: int, saved: dict[str, Any]) -> Change | None:
    """The hyperparameters a keyframe holds as pending: a change after the next iteration."""
    pending = saved["pending"]
    if not pending:
        return None
    values = _plain_hyper({**saved["hyper"], **pending})
    return Change(step + 1, hyper={k: values[k] for k in pending})


def _diff(before: Lab, frame: Keyframe, layout: Layout) -> Change:
    """The change between the replayed state `before` and the keyframe taken after it."""
    saved, old = frame.saved, before.checkpoint(raw=True)
    change = Change(frame.step)
    new_hyper, old_hyper = _plain_hyper(saved["hyper"]), _plain_hyper(old["hyper"])
    change.hyper = {k: v for k, v in new_hyper.items() if old_hyper[k] != v}
    data_changed = _diff_data(change, before, saved)
    n = len(saved["data"].x_train)
    theta_old, theta_new = np.asarray(old["theta"]), np.asarray(saved["theta"])
    for index in np.flatnonzero(theta_old != theta_new).tolist():
        change.edits.append((*_where(layout, index), float(theta_new[index])))
    # the optimizer: a new one starts from zero; otherwise its state is carried unchanged
    expected_opt = _optimizer(layout, old)
    if "optimizer" in change.hyper:
        expected_opt = {
            "t": 0,
            "slots": {k: [b * 0.0 for b in v] for k, v in _optimizer(layout, saved)["slots"].items()},
        }
    actual_opt = _optimizer(layout, saved)
    if not _same_optimizer(expected_opt, actual_opt):
        change.optimizer = actual_opt
    # the schedule: a new training set begins the epoch again; a live change may end the epoch
    schedule = _schedule(old)
    position, order = (0, None) if data_changed else (schedule.position, schedule.order)
    if change.hyper:
        position, order = _roll(position, order, n, new_hyper)
    expected = Schedule(position, order, schedule.rng)
    actual = _schedule(saved)
    if not _same_schedule(expected, actual):
        change.schedule = actual
    return change


def _same_optimizer(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["t"] != b["t"] or set(a["slots"]) != set(b["slots"]):
        return False
    return all(
        np.array_equal(x, y) for k in a["slots"] for x, y in zip(a["slots"][k], b["slots"][k], strict=True)
    )


def _where(layout: Layout, index: int) -> tuple[int, int, int]:
    """(layer 1.., row, col) of a flat parameter index; col = n_(l−1) is the bias."""
    for layer, (start, shape) in enumerate(zip(layout.offsets, layout.shapes, strict=False), start=1):
        if index < start + shape[0] * shape[1]:
            row, col = divmod(index - start, shape[1])
            return layer, row, col
    raise IndexError(index)


def build_plan(timeline: Timeline, lab: Lab, description: dict[str, Any]) -> Plan:
    """The plan replaying `timeline` from its first keyframe to `lab`'s step (the session's lab)."""
    end = lab.step
    frames = [f for f in timeline.frames if f.step <= end]
    first = frames[0]
    start_lab = Lab.restore(first.saved)
    layout = start_lab.network.layout
    saved = first.saved
    seed = int(start_lab.config.seed)
    schedule = _schedule(saved)
    if schedule.rng == _fresh_rng(seed) and schedule.order is None:
        schedule.rng = None  # the order stream as the seed gives it
    # a change made during an iteration in progress applies when that iteration ends, unless the
    # iteration is abandoned first (an edit, a point added): then it applies at once (the next frame's)
    changes: list[Change] = []
    carry = _deferred(first.step, saved)
    for previous, frame in itertools.pairwise(frames):
        if frame.step > previous.step and carry is not None:
            changes.append(carry)
            carry = None
        if not frame.event:
            continue
        before = Lab.restore(previous.saved)
        before.train(frame.step - previous.step)
        change = _diff(before, frame, layout)
        if not change.empty:
            changes.append(change)
        carry = _deferred(frame.step, frame.saved)
    if carry is not None and end > carry.step - 1:
        changes.append(carry)
    changes = [c for c in changes if c.step <= end]
    config = start_lab.config
    return Plan(
        seed=seed,
        start=first.step,
        end=end,
        x=start_lab.data.x_train.copy(),
        y=start_lab.data.y_train.copy(),
        sizes=list(layout.sizes),
        activations=[act.name for act in start_lab.network.activations],
        loss=config.loss,
        hyper=_plain_hyper(saved["hyper"]),
        blocks=_blocks(layout, saved["theta"]),
        optimizer=_optimizer(layout, saved),
        schedule=schedule,
        changes=changes,
        expected=[block.copy() for block in lab.network.layout.blocks(lab.network.theta)],
        train_loss=lab.metrics()["train_loss"],
        description=description,
    )
