"""The timeline of one run: keyframes by step, the marks a page draws on it, its family (parent, branches).

A keyframe is the engine's exact raw checkpoint (Lab.checkpoint(raw=True)): restored, it trains on bit for
bit as the run did. Keyframes are taken every `spacing` iterations at the run's head (regular ones) and
right after every change (event ones: a live change, an edit, a point added or removed, a branch's
changes). Between two keyframes nothing but training happened, so the state at any step k is the last
keyframe at or before k, restored, trained k − its step iterations (app/timeline/replay.py).

The state "at step k" is the one before iteration k + 1 begins, after every change made at step k (a
change made during an iteration in progress is kept as the engine keeps it: the checkpoint holds it as
pending, to apply when that iteration ends).

Bounds (Settings.timeline_*): past max_keyframes regular keyframes or max_bytes, every other regular keyframe
goes and the spacing doubles (seeks replay at most twice as far); past max_events event keyframes, or when
they alone exceed max_bytes, the oldest keyframes go and `first`, the oldest step that can be reached,
moves on (the loss curve still shows that part of the run).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from app.engine.lab import Lab

# Bytes a raw checkpoint's Python objects take besides its arrays (dicts, ints, the generator's state):
# measured with tracemalloc on the default network (tests/bench/bench_timeline.py reports the real figure).
KEYFRAME_OVERHEAD = 2048
MIN_REGULAR = 16  # thinning never leaves fewer regular keyframes than this


@dataclass(frozen=True)
class Bounds:
    """What one timeline may hold (see the module's docstring)."""

    keyframe_work: int
    max_spacing: int
    max_keyframes: int
    max_bytes: int
    max_events: int


@dataclass
class Keyframe:
    """One exact checkpoint of the run at `step`; `event`: taken right after a change (never thinned)."""

    step: int
    saved: dict[str, Any]
    event: bool
    nbytes: int


def keyframe_bytes(saved: dict[str, Any]) -> int:
    """What a raw checkpoint costs besides its configuration and data set (shared): its arrays and the
    Python objects around them."""
    return _arrays_bytes(saved) + KEYFRAME_OVERHEAD


def _arrays_bytes(value: Any) -> int:
    """Bytes of the NumPy arrays inside a raw checkpoint (nested dicts and lists)."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, dict):
        return sum(_arrays_bytes(v) for k, v in value.items() if k not in ("config", "data"))
    if isinstance(value, (list, tuple)):
        return sum(_arrays_bytes(v) for v in value)
    return 0


def data_bytes(saved: dict[str, Any]) -> int:
    """Bytes of a raw checkpoint's data set (its arrays)."""
    data = saved["data"]
    return sum(
        int(getattr(data, f.name).nbytes)
        for f in fields(data)
        if isinstance(getattr(data, f.name), np.ndarray)
    )


def spacing_for(lab: Lab, bounds: Bounds) -> int:
    """Iterations between regular keyframes: keyframe_work / (batch size × parameters), 1..max_spacing."""
    work = max(1, int(lab.config.batch_size) * int(lab.network.theta.size))
    return max(1, min(bounds.max_spacing, bounds.keyframe_work // work))


@dataclass
class Timeline:
    """Keyframes (steps never decreasing), marks, and the run's family; `latest`: the furthest step the
    run has reached; `applied`: the step through which the session's lab reflects the recorded changes
    (a replay in the past restores the keyframe after a change when it reaches its step)."""

    bounds: Bounds
    spacing: int = 1
    frames: list[Keyframe] = field(default_factory=list)
    marks: list[dict[str, Any]] = field(default_factory=list)
    branches: list[dict[str, Any]] = field(default_factory=list)
    parent: dict[str, Any] | None = None
    latest: int = 0
    applied: int = 0

    # --- reading -------------------------------------------------------------------------------------------

    @property
    def first(self) -> int:
        """The oldest step that can be reached."""
        return self.frames[0].step if self.frames else 0

    @property
    def nbytes(self) -> int:
        """Bytes the bound counts: every keyframe's own part plus each distinct data set once."""
        seen: dict[int, int] = {}
        for frame in self.frames:
            data = frame.saved["data"]
            if id(data) not in seen:
                seen[id(data)] = data_bytes(frame.saved)
        return sum(f.nbytes for f in self.frames) + sum(seen.values())

    def base(self, step: int) -> int:
        """Index of the last keyframe at or before `step` (the state at `step` replays from it)."""
        steps = [f.step for f in self.frames]
        index = int(np.searchsorted(steps, step, side="right")) - 1
        if index < 0:
            raise ValueError(f"step {step} is before the timeline's first step {self.first}")
        return index

    def next_event(self, after: int) -> int | None:
        """The first step after `after` with an event keyframe (a change to apply there), or None."""
        return next((f.step for f in self.frames if f.event and f.step > after), None)

    def event_at(self, step: int) -> bool:
        """A change was made at `step`."""
        return any(f.event and f.step == step for f in self.frames)

    def payload(self, step: int) -> dict[str, Any]:
        """What the wire carries: first, latest, the current step, marks, branches, parent."""
        return {
            "first": self.first,
            "latest": self.latest,
            "step": step,
            "marks": [dict(m) for m in self.marks],
            "branches": [dict(b) for b in self.branches],
            "parent": None if self.parent is None else dict(self.parent),
        }

    # --- recording -----------------------------------------------------------------------------------------

    def start(self, lab: Lab, mark: dict[str, Any]) -> None:
        """A new run at the lab's state (step 0, or a branch's step): its first keyframe and mark."""
        self.frames, self.marks = [], []
        step = lab.step
        self.spacing = spacing_for(lab, self.bounds)
        self.latest = self.applied = step
        self._keyframe(lab, step, event=True)
        self.marks.append({"step": step, **mark})

    def observe(self, lab: Lab) -> None:
        """The run trained on: past its latest step, the head moves and a regular keyframe is taken when due
        (nothing is recorded while the lab replays steps already recorded)."""
        step = lab.step
        if step <= self.latest:
            return
        self.latest = self.applied = step
        if not self.frames or step - self.frames[-1].step >= self.spacing:
            self._keyframe(lab, step, event=False)

    def event(self, lab: Lab, mark: dict[str, Any]) -> dict[str, Any] | None:
        """A change was made at the lab's step: a keyframe of the state after it and its mark. Made in the
        past, it ends the recorded future first: the `discarded` mark it leaves, or None."""
        step = lab.step
        discarded = self.truncate(step)
        self.latest = self.applied = step
        self._keyframe(lab, step, event=True)
        self.marks.append({"step": step, **mark})
        self._enforce()
        return discarded

    def add_mark(self, mark: dict[str, Any]) -> None:
        """A mark that needs no keyframe (a divergence, a saturation, a branch made from here)."""
        self.marks.append(dict(mark))
        self.marks.sort(key=lambda m: int(m["step"]))
        del self.marks[: max(0, len(self.marks) - 4 * self.bounds.max_events)]

    def truncate(self, step: int) -> dict[str, Any] | None:
        """Forget everything after `step` (continuing from the past); the `discarded` mark, or None."""
        if self.latest <= step:
            return None
        mark = {"step": step, "kind": "discarded", "from": step + 1, "to": self.latest}
        self.frames = [f for f in self.frames if f.step <= step]
        self.marks = [m for m in self.marks if int(m["step"]) <= step]
        self.marks.append(mark)
        self.latest = self.applied = step
        return mark

    def _keyframe(self, lab: Lab, step: int, event: bool) -> None:
        saved = lab.checkpoint(raw=True)
        previous = self.frames[-1].saved if self.frames else None
        if previous is not None and previous["config"] == saved["config"]:
            saved["config"] = previous["config"]  # one object for the equal configurations of a run
        self.frames.append(Keyframe(step, saved, event, keyframe_bytes(saved)))
        if not event:
            self._enforce()

    def _enforce(self) -> None:
        """Keep within the bounds: thin the regular keyframes, then let the oldest part of the run go."""
        bounds = self.bounds
        while len(self.frames) > 1:
            last = len(self.frames) - 1
            regular = [i for i, f in enumerate(self.frames) if not f.event and 0 < i < last]
            events = sum(1 for f in self.frames if f.event)
            size = self.nbytes
            too_many = len(regular) > bounds.max_keyframes
            if (too_many or size > bounds.max_bytes) and len(regular) > MIN_REGULAR:
                drop = set(regular[::2])
                self.frames = [f for i, f in enumerate(self.frames) if i not in drop]
                self.spacing = min(self.spacing * 2, 2**40)
            elif events > bounds.max_events or size > bounds.max_bytes:
                del self.frames[0]
                self.marks = [m for m in self.marks if int(m["step"]) >= self.first]
            else:
                return

    # --- branching -----------------------------------------------------------------------------------------

    def fork(self, step: int, parent_id: str) -> Timeline:
        """A branch's timeline: this run's keyframes and marks up to `step` (shared, not copied), its parent
        named; the branch's own keyframe at `step` is added by its first event."""
        child = Timeline(self.bounds, self.spacing)
        child.frames = [f for f in self.frames if f.step <= step]
        child.marks = [dict(m) for m in self.marks if int(m["step"]) <= step]
        child.parent = {"id": parent_id, "step": step}
        child.latest = child.applied = step
        return child
