"""The token bucket behind the socket's rate limit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.live.ratelimit import TokenBucket


class Clock:
    """Time that moves only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill_at_the_window_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(10, 1.0, clock)
    assert [bucket.take() for _ in range(11)] == [True] * 10 + [False]
    clock.now = 0.35  # 3.5 tokens refilled
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.now = 100.0  # never more than the capacity
    assert sum(bucket.take() for _ in range(20)) == 10


@given(st.integers(1, 50), st.floats(0.1, 5.0), st.lists(st.floats(0.0, 2.0), max_size=40))
def test_never_more_than_capacity_plus_rate_times_elapsed(
    capacity: int, window: float, gaps: list[float]
) -> None:
    clock = Clock()
    bucket = TokenBucket(capacity, window, clock)
    allowed = 0
    for gap in gaps:
        clock.now += gap
        allowed += sum(bucket.take() for _ in range(capacity))
    assert allowed <= capacity + capacity / window * clock.now + 1e-9
