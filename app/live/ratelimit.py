"""A token bucket: `capacity` messages at once, refilled at capacity per window."""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """Allows bursts of `capacity` and a sustained rate of capacity / window_seconds per second."""

    def __init__(
        self, capacity: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.capacity = float(capacity)
        self.rate = capacity / window_seconds  # tokens per second
        self.tokens = float(capacity)
        self.clock = clock
        self.stamp = clock()

    def take(self) -> bool:
        """Spend one token if there is one (refilling for the time elapsed first)."""
        now = self.clock()
        # refill: tokens grow at `rate` per second, never above capacity
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False
