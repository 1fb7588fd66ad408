"""A ring of recent checkpoints of a run, keyed by step: the engine's exact raw checkpoints
(Lab.checkpoint(raw=True), restored bit for bit by Lab.restore()) with their loss, bounded in count and bytes
and thinned by age (recent steps dense, old ones sparse; never the newest nor the lowest-loss one). The way
out of dead ends (app/sessions/keyframes.py) reads it to choose where to go back and which rate to suggest;
going there reads the run's timeline (app/timeline/).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray


@dataclass
class Keyframe:
    """One checkpoint of the run: its step, training loss, the best-so-far loss there, and its saturation."""

    step: int
    loss: float | None
    best: float | None
    saved: dict[str, Any]  # Lab.checkpoint(raw=True); its data set is the segment's one object
    theta: NDArray[np.float64]  # the parameters (to tell an edit at the same step from a new point)
    nbytes: int  # its own size, the shared data excluded
    saturated: bool | None = None  # None: not looked at


class KeyframeRing:
    """Keyframes of one run segment by step, oldest first, bounded in count and bytes (thinned past them)."""

    def __init__(self) -> None:
        self.frames: list[Keyframe] = []
        self.data_bytes = 0

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def newest(self) -> Keyframe | None:
        """The most recent keyframe, or None."""
        return self.frames[-1] if self.frames else None

    @property
    def nbytes(self) -> int:
        """Bytes the bound counts: every keyframe's own part (the shared data set, `data_bytes`, is one
        object whatever the number of keyframes, and is not counted)."""
        return sum(f.nbytes for f in self.frames)

    def steps(self) -> list[int]:
        """The steps kept, oldest first."""
        return [f.step for f in self.frames]

    def get(self, step: int) -> Keyframe | None:
        """The keyframe of exactly `step`, or None."""
        return next((f for f in self.frames if f.step == step), None)

    def at_or_before(self, step: int) -> Keyframe | None:
        """The newest keyframe at or before `step`, or None."""
        return next((f for f in reversed(self.frames) if f.step <= step), None)

    def clear(self) -> None:
        """Forget every keyframe (a new segment)."""
        self.frames.clear()
        self.data_bytes = 0

    def drop_after(self, step: int) -> None:
        """Forget the keyframes after `step` (that future was abandoned)."""
        self.frames = [f for f in self.frames if f.step <= step]
        if not self.frames:
            self.data_bytes = 0

    def add(self, frame: Keyframe, data_bytes: int, max_count: int, max_bytes: int) -> None:
        """Append `frame` (replacing one at the same step), then thin to the bounds."""
        if self.frames and self.frames[-1].step >= frame.step:
            self.drop_after(frame.step - 1)
        self.frames.append(frame)
        self.data_bytes = data_bytes
        while len(self.frames) > 1 and (len(self.frames) > max_count or self.nbytes > max_bytes):
            self._thin()

    def _thin(self) -> None:
        """Remove the keyframe whose loss leaves the smallest gap relative to its age (never the newest
        nor the lowest-loss one)."""
        frames = self.frames
        losses = [math.inf if f.loss is None else f.loss for f in frames]
        keep = {len(frames) - 1, int(np.argmin(losses))}
        newest = frames[-1].step
        best_index, best_score = None, math.inf
        for i, f in enumerate(frames):
            if i in keep:
                continue
            before = frames[i - 1].step if i > 0 else f.step
            score = (frames[i + 1].step - before) / (newest - f.step + 1)
            if score < best_score:
                best_index, best_score = i, score
        del frames[best_index if best_index is not None else 0]
