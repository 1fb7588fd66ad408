"""A run's path through chosen parameters: their values at up to `points` steps from the timeline's first
step to the lab's current one, read exactly from keyframes and replay.

The steps asked for are spread evenly over first..current. Each is reached from the lab of the previous one
when only training happened in between (no change recorded there), else from the keyframe at or before it,
whichever replays fewer iterations. Replay is bounded: iterations × batch × parameters add up to at most
`work` in all; a step that would pass it is taken at its keyframe instead (an exact point of the run, at an
earlier step). The last point is the current parameters themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.engine.errors import DivergenceError
from app.engine.lab import Lab
from app.timeline.timeline import Timeline


@dataclass(frozen=True)
class Path:
    """steps (m,) increasing and values (m, k): the k flat parameters at each step; the last row is now."""

    steps: list[int]
    values: NDArray[np.float64]
    replayed: int  # iterations replayed to sample it


def targets(first: int, current: int, points: int) -> list[int]:
    """At most `points` steps spread evenly over first..current, both included."""
    if current <= first or points < 2:
        return [current]
    chosen = np.unique(np.round(np.linspace(first, current, points)).astype(np.int64))
    return [int(s) for s in chosen]


def parameter_path(
    timeline: Timeline, current: int, now: NDArray[np.float64], indices: list[int], points: int, work: int
) -> Path:
    """The values of flat parameters `indices` along the run up to step `current`, whose flat parameter
    vector is `now` (see the module)."""
    first = min(timeline.first, current)
    found: dict[int, NDArray[np.float64]] = {}
    budget, replayed = work, 0
    lab: Lab | None = None
    for step in targets(first, current, points)[:-1]:
        if not timeline.first <= step <= timeline.latest:
            continue
        frame = timeline.frames[timeline.base(step)]
        upcoming = None if lab is None else timeline.next_event(lab.step)
        go_on = (
            lab is not None
            and lab.step <= step
            and (upcoming is None or upcoming > step)
            and step - lab.step < step - frame.step
        )
        if lab is None or not go_on:
            lab = Lab.restore(frame.saved)
        if lab.network.theta.size != now.size:  # another network (not within one run)
            lab = None
            continue
        gap = step - lab.step
        cost = gap * max(1, int(lab.config.batch_size) * int(lab.network.theta.size))
        if cost > budget:  # too far to replay: the point at its keyframe instead
            if go_on:
                lab = Lab.restore(frame.saved)
        else:
            try:
                lab.train(gap)
            except DivergenceError:  # a recorded run does not diverge; should it, the path ends here
                break
            budget -= cost
            replayed += gap
        found[lab.step] = lab.network.theta[indices].copy()
    found[current] = now[indices].copy()
    steps = sorted(found)
    return Path(steps, np.array([found[s] for s in steps]), replayed)
