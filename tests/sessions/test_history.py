"""The columnar loss curve: the same points and thinning as a list of dicts, slices by step, the state file's
columns, and a fixed cost per point."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.sessions.history import FIELDS, MAX_DEPTH, History

metric = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))


def point(step: int, values: tuple[float | None, ...]) -> dict[str, Any]:
    """A wire point at `step` with the four metrics `values` (and gradient norms on two steps in three)."""
    norms = None if step % 3 == 0 else [values[0], float(step)][: 1 + step % 2]
    return {**dict(zip(FIELDS, (step, step // 7, *values), strict=True)), "grad_norms": norms}


class ListCurve:
    """The loss curve as a list of dicts, thinned as the protocol describes (the reference)."""

    def __init__(self, capacity: int) -> None:
        self.capacity, self.stride, self.offered = capacity, 1, 0
        self.points: list[dict[str, Any]] = []
        self.tail: dict[str, Any] | None = None

    def append(self, p: dict[str, Any]) -> None:
        if self.offered % self.stride == 0:
            self.points.append(p)
            self.tail = None
            if len(self.points) > self.capacity:
                self.points = self.points[::2]
                self.stride *= 2
                if self.points[-1] is not p:
                    self.tail = p
        else:
            self.tail = p
        self.offered += 1

    def curve(self) -> list[dict[str, Any]]:
        return [*self.points, self.tail] if self.tail is not None else list(self.points)


@given(st.lists(st.tuples(metric, metric, metric, metric), max_size=300), st.integers(2, 40))
def test_the_same_points_as_a_list_of_dicts(values: list[tuple[float | None, ...]], capacity: int) -> None:
    history, reference = History(capacity), ListCurve(capacity)
    for step, four in enumerate(values):
        history.append(point(step, four))
        reference.append(point(step, four))
        assert history.curve() == reference.curve()
    assert (history.stride, history.offered, len(history)) == (
        reference.stride,
        reference.offered,
        len(reference.points),
    )


@given(st.integers(1, 500), st.integers(2, 30), st.integers(-5, 520), st.integers(-5, 520))
def test_a_window_is_the_points_between_two_steps(n: int, capacity: int, first: int, last: int) -> None:
    history = History(capacity)
    for step in range(n):
        history.append(point(step, (1.0 / (step + 1), None, 0.5, None)))
    expected = [p for p in history.curve() if first <= p["step"] <= last]
    assert history.window(first, last) == expected
    assert history.since(first) == [p for p in history.curve() if p["step"] >= first]


def test_points_at_the_same_step_are_kept_in_order() -> None:
    history = History(10)
    for step, loss in ((0, 1.0), (1, 0.5), (1, 2.5), (2, 0.25)):  # a weight edit adds a point at step 1
        history.append(point(step, (loss, None, None, None)))
    assert [p["train_loss"] for p in history.since(1)] == [0.5, 2.5, 0.25]


@given(st.lists(st.tuples(metric, metric, metric, metric), max_size=120), st.integers(2, 20))
def test_columns_round_trip(values: list[tuple[float | None, ...]], capacity: int) -> None:
    history = History(capacity)
    for step, four in enumerate(values):
        history.append(point(step, four))
    columns = history.to_columns()
    assert set(columns) == {*FIELDS, "grad_norms"}
    assert all(v is None or math.isfinite(v) for name in FIELDS[2:] for v in columns[name])
    again = History.from_columns(capacity, columns, history.stride, history.offered, history.tail)
    assert again.curve() == history.curve()
    again.append(point(len(values), (0.1, 0.2, 0.3, 0.4)))
    history.append(point(len(values), (0.1, 0.2, 0.3, 0.4)))
    assert again.curve() == history.curve()


@pytest.mark.parametrize(
    ("columns", "problem"),
    [
        ({**{n: [0, 1] for n in FIELDS}, "step": [0]}, "same length"),
        ({n: [1, 0] for n in FIELDS}, "must not decrease"),
        ({n: list(range(5)) for n in FIELDS}, "more than the 4"),
    ],
)
def test_columns_that_do_not_make_a_curve_are_refused(columns: dict[str, list[Any]], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        History.from_columns(4, columns, 1, len(columns["step"]), None)


def test_a_full_curve_costs_112_bytes_a_point() -> None:
    capacity = 20000
    history = History(capacity)
    for step in range(3 * capacity):
        history.append(point(step, (0.25, 0.5, 0.75, 1.0)))
    assert len(history) <= capacity
    assert history.nbytes <= (48 + 8 * MAX_DEPTH + 8) * (capacity + 1)  # metrics, norms, depth


@given(
    st.integers(0, 200),
    st.integers(-5, 210),
    st.integers(0, 60),
    st.integers(2, 40),
)
def test_forgetting_from_a_step_keeps_exactly_the_earlier_points(
    length: int, cut: int, more: int, capacity: int
) -> None:
    history = History(capacity)
    for step in range(length):
        history.append(point(step, (float(step), None, 0.5, None)))
    before = history.curve()
    history.forget_from(cut)
    kept = [p for p in before if p["step"] < cut]
    assert history.curve() == kept
    assert history.last_step() == (kept[-1]["step"] if kept else None)
    # the run goes on from there: the next point offered is stored, steps keep increasing
    start = kept[-1]["step"] + 1 if kept else 0
    for step in range(start, start + more):
        history.append(point(step, (1.0, 2.0, None, None)))
    curve = history.curve()
    # thinning may drop old points as the curve grows again, but never brings back a forgotten one
    assert all(p in kept for p in curve if p["step"] < start)
    if more:
        assert curve[-1]["step"] == start + more - 1
    steps = [p["step"] for p in curve]
    assert steps == sorted(steps)
