"""Reaching a recorded position of a run again: restore the keyframe at or before it and replay.

A position is (step k, phases p): the state at step k (app/timeline/timeline.py), then p phases of
iteration k + 1 run with their records. Position (k, 0) is shown with the records of iteration k, the
iteration that led there, as after a step (none at the run's first step, or where a change was made at k:
its records belong to the state before the change).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.engine.lab import Lab
from app.engine.records import Record
from app.timeline.timeline import Timeline


@dataclass
class Reached:
    """A lab at a recorded position, the records shown there, and its keyframe's index."""

    lab: Lab
    records: list[Record]
    index: int


def phases_per_iteration(lab: Lab) -> int:
    """Forward and backward per layer, plus loss and update: 2L + 2."""
    return 2 * len(lab.weights) + 2


def at_iteration_start(lab: Lab) -> bool:
    """The cursor stands before the first forward phase of an iteration."""
    return lab.phases_done == 0


def state_at(timeline: Timeline, step: int) -> tuple[Lab, int]:
    """A new Lab in the state at `step` (first <= step <= latest), and the index of the keyframe it came
    from; ValueError outside the timeline."""
    if not timeline.first <= step <= timeline.latest:
        raise ValueError(f"step {step} is outside {timeline.first}..{timeline.latest}")
    index = timeline.base(step)
    frame = timeline.frames[index]
    lab = Lab.restore(frame.saved)
    lab.train(step - frame.step)
    return lab, index


def position(timeline: Timeline, step: int, phases: int = 0, selected: int | None = None) -> Reached:
    """A new Lab at (step, phases) with the records the page shows there, tracing `selected` (clipped to the
    training set) when given."""
    if phases == 0 and step > timeline.first and not timeline.event_at(step):
        lab, index = state_at(timeline, step - 1)
        _trace(lab, selected)
        records = lab.step_iteration()
        return Reached(lab, records, timeline.base(step))
    lab, index = state_at(timeline, step)
    _trace(lab, selected)
    records = [lab.step_phase() for _ in range(phases)]
    return Reached(lab, records, index)


def _trace(lab: Lab, selected: int | None) -> None:
    if selected is not None and selected != lab.config.selected:
        lab.select(min(selected, lab.data.n_train - 1))


def back(step: int, phases: int, per: int, unit: str) -> tuple[int, int] | None:
    """The position one phase (unit "phase") or one iteration boundary ("iteration") before (step, phases),
    or None at the very start."""
    if unit == "phase":
        if phases > 0:
            return step, phases - 1
        return (step - 1, per - 1) if step > 0 else None
    if phases > 0:
        return step, 0
    return (step - 1, 0) if step > 0 else None
