"""A session's loss curve, stored columnar: one NumPy array per field of a point (docs/protocol.md's history
point `{step, epoch, train_loss, test_loss, train_accuracy, test_accuracy, grad_norms}`).

A point costs 48 bytes (two int64 and four float64; a metric that is null on the wire is NaN here), plus
64 for the per-layer norms ‖∂L/∂W^l‖ of the gradient the step's last update used (`grad_norms`, null
before any update: one float64 per possible layer and the point's depth), instead of ~1 KB as a dict.
Past `capacity` points every other stored point is dropped and from then on only every
`stride`-th offered point is stored, so the curve stays evenly sampled at half the density; the newest point
is always kept (as `tail` when the stride skipped it). Steps never decrease (an edit of the parameters adds a
point at the same step), so a range of steps is a slice found by binary search (`window`, `since`): what a
view of the run's past reads.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from app.config import LIMITS

INT_FIELDS = ("step", "epoch")
METRIC_FIELDS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
FIELDS = INT_FIELDS + METRIC_FIELDS
NORMS = "grad_norms"  # a list per point (or null), kept beside the columns above
MAX_DEPTH = LIMITS.max_hidden_layers + 1
_INITIAL = 64


def _metric(value: Any) -> float | None:
    """A stored metric as the wire has it: None where it is NaN (undefined)."""
    return None if math.isnan(value) else value


class History:
    """The loss curve of one session: append with thinning, slices by step, points for the wire."""

    def __init__(self, capacity: int) -> None:
        if capacity < 2:
            raise ValueError(f"a loss curve holds at least 2 points, not {capacity}")
        self.capacity = capacity
        self.stride = 1  # only every stride-th offered point is stored
        self.offered = 0  # points offered since the curve began
        self.tail: dict[str, Any] | None = None  # the newest point when the stride skipped it
        self._size = 0
        self._ints = np.zeros((len(INT_FIELDS), _INITIAL), dtype=np.int64)
        self._metrics = np.full((len(METRIC_FIELDS), _INITIAL), np.nan, dtype=np.float64)
        self._norms = np.full((MAX_DEPTH, _INITIAL), np.nan, dtype=np.float64)
        self._depth = np.zeros(_INITIAL, dtype=np.int64)  # layers in the point's grad_norms (0: null)

    def __len__(self) -> int:
        """Stored points (the tail not counted)."""
        return self._size

    @property
    def nbytes(self) -> int:
        """Bytes held by the columns (allocated, not only used)."""
        return int(self._ints.nbytes + self._metrics.nbytes + self._norms.nbytes + self._depth.nbytes)

    def _grow(self) -> None:
        """Double the columns' room (never beyond capacity + 1, the most stored before a thinning)."""
        room = min(self._ints.shape[1] * 2, self.capacity + 1)
        ints = np.zeros((len(INT_FIELDS), room), dtype=np.int64)
        metrics = np.full((len(METRIC_FIELDS), room), np.nan, dtype=np.float64)
        norms = np.full((MAX_DEPTH, room), np.nan, dtype=np.float64)
        depth = np.zeros(room, dtype=np.int64)
        ints[:, : self._size] = self._ints[:, : self._size]
        metrics[:, : self._size] = self._metrics[:, : self._size]
        norms[:, : self._size] = self._norms[:, : self._size]
        depth[: self._size] = self._depth[: self._size]
        self._ints, self._metrics, self._norms, self._depth = ints, metrics, norms, depth

    def _store_norms(self, i: int, norms: Any) -> None:
        """Row i's grad_norms (None: none; a null entry: NaN)."""
        values = [] if norms is None else [np.nan if v is None else float(v) for v in norms]
        if len(values) > MAX_DEPTH:
            raise ValueError(f"grad_norms: {len(values)} layers; a network has at most {MAX_DEPTH}")
        self._norms[:, i] = np.nan
        self._norms[: len(values), i] = values
        self._depth[i] = len(values) if norms is not None else 0

    def _store(self, point: dict[str, Any]) -> None:
        if self._size == self._ints.shape[1]:
            self._grow()
        i = self._size
        for row, name in enumerate(INT_FIELDS):
            self._ints[row, i] = int(point[name])
        for row, name in enumerate(METRIC_FIELDS):
            value = point.get(name)
            self._metrics[row, i] = np.nan if value is None else float(value)
        self._store_norms(i, point.get(NORMS))
        self._size += 1

    def append(self, point: dict[str, Any]) -> None:
        """Offer a point (steps never decreasing); stored when the stride says so, thinned past capacity."""
        if self.offered % self.stride == 0:
            self._store(point)
            self.tail = None
            if self._size > self.capacity:
                last = self._size - 1
                self._thin()
                self.stride *= 2
                if last % 2:  # the point just stored fell out of the thinned curve
                    self.tail = dict(point)
        else:
            self.tail = dict(point)
        self.offered += 1

    def _thin(self) -> None:
        """Keep every other stored point, the first included."""
        kept = (self._size + 1) // 2
        self._ints[:, :kept] = self._ints[:, : self._size : 2]
        self._metrics[:, :kept] = self._metrics[:, : self._size : 2]
        self._metrics[:, kept : self._size] = np.nan
        self._norms[:, :kept] = self._norms[:, : self._size : 2]
        self._depth[:kept] = self._depth[: self._size : 2]
        self._size = kept

    def clear(self) -> None:
        """Forget every point (a new run)."""
        self.stride, self.offered, self.tail, self._size = 1, 0, None, 0

    def forget_from(self, step: int) -> None:
        """Forget the points at or after `step` (that part of the run was undone); the next point offered is
        stored, so the curve goes on from the newest point kept."""
        self._size = int(np.searchsorted(self.steps, step, side="left"))
        self._metrics[:, self._size :] = np.nan
        if self.tail is not None and int(self.tail["step"]) >= step:
            self.tail = None
        self.offered += -self.offered % self.stride

    def last_step(self) -> int | None:
        """The newest point's step (None for an empty curve)."""
        if self.tail is not None:
            return int(self.tail["step"])
        return int(self._ints[0, self._size - 1]) if self._size else None

    @property
    def steps(self) -> npt.NDArray[np.int64]:
        """The stored points' steps, never decreasing (a view: do not modify)."""
        return self._ints[0, : self._size]

    def column(self, name: str) -> npt.NDArray[Any]:
        """One field of the stored points (a view: do not modify); a metric is NaN where undefined."""
        if name in INT_FIELDS:
            return self._ints[INT_FIELDS.index(name), : self._size]
        return self._metrics[METRIC_FIELDS.index(name), : self._size]

    def norms(self, start: int = 0, stop: int | None = None) -> list[list[float | None] | None]:
        """grad_norms of stored points start..stop-1 (None where a point has none)."""
        stop = self._size if stop is None else stop
        table, depth = self._norms[:, start:stop].T.tolist(), self._depth[start:stop].tolist()
        return [
            None if d == 0 else [_metric(v) for v in row[:d]] for row, d in zip(table, depth, strict=True)
        ]

    def _points(self, start: int, stop: int) -> list[dict[str, Any]]:
        """Stored points start..stop-1 as wire points."""
        ints = [self._ints[row, start:stop].tolist() for row in range(len(INT_FIELDS))]
        metrics = [self._metrics[row, start:stop].tolist() for row in range(len(METRIC_FIELDS))]
        norms = self.norms(start, stop)
        return [
            {
                "step": s,
                "epoch": e,
                "train_loss": _metric(a),
                "test_loss": _metric(b),
                "train_accuracy": _metric(c),
                "test_accuracy": _metric(d),
                NORMS: n,
            }
            for s, e, a, b, c, d, n in zip(*ints, *metrics, norms, strict=True)
        ]

    def window(self, first: int, last: int | None = None) -> list[dict[str, Any]]:
        """Points with first <= step <= last (no upper bound when None), the tail included, as on the wire."""
        steps = self.steps
        start = int(np.searchsorted(steps, first, side="left"))
        stop = self._size if last is None else int(np.searchsorted(steps, last, side="right"))
        points = self._points(start, stop)
        tail = self.tail
        if tail is not None and tail["step"] >= first and (last is None or tail["step"] <= last):
            points.append(dict(tail))
        return points

    def curve(self) -> list[dict[str, Any]]:
        """Every stored point plus the newest, as on the wire."""
        return self.window(-(2**62))

    def since(self, step: int) -> list[dict[str, Any]]:
        """Points at or after `step`."""
        return self.window(step)

    def to_columns(self) -> dict[str, list[Any]]:
        """The stored points as one list per field (null for an undefined metric) and grad_norms, for the
        state file."""
        out: dict[str, list[Any]] = {}
        for name in FIELDS:
            values = self.column(name).tolist()
            out[name] = values if name in INT_FIELDS else [_metric(v) for v in values]
        out[NORMS] = self.norms()
        return out

    @classmethod
    def from_columns(
        cls,
        capacity: int,
        columns: dict[str, list[Any]],
        stride: int,
        offered: int,
        tail: dict[str, Any] | None,
    ) -> History:
        """A curve read back from `to_columns` (ValueError when the columns do not make one)."""
        lengths = {len(columns[name]) for name in FIELDS}
        if len(lengths) != 1:
            raise ValueError("history: every column must have the same length")
        (size,) = lengths
        if size > capacity:
            raise ValueError(f"history: {size} points is more than the {capacity} kept per session")
        history = cls(capacity)
        while history._ints.shape[1] < size:
            history._grow()
        for row, name in enumerate(INT_FIELDS):
            history._ints[row, :size] = np.asarray(columns[name], dtype=np.int64)
        for row, name in enumerate(METRIC_FIELDS):
            values = [np.nan if v is None else float(v) for v in columns[name]]
            history._metrics[row, :size] = np.asarray(values, dtype=np.float64)
        norms = columns.get(NORMS)
        if norms is not None and len(norms) != size:
            raise ValueError("history: grad_norms must have one entry per point")
        for i, entry in enumerate(norms or []):
            history._store_norms(i, entry)
        steps = history._ints[0, :size]
        if size > 1 and bool(np.any(np.diff(steps) < 0)):
            raise ValueError("history: steps must not decrease")
        if tail is not None and size and int(tail["step"]) < int(steps[-1]):
            raise ValueError("history: the newest point must come after the stored ones")
        history._size = size
        history.stride, history.offered = stride, offered
        history.tail = dict(tail) if tail is not None else None
        return history
