"""Code guessing is bounded per client address: each address may look up room_guess_burst unknown codes per
room_guess_window_seconds (a token bucket refilled evenly); past that, every room lookup from it is refused
(429) until the bucket refills. At most max_guess_clients addresses are tracked (the least recently seen go
first), so the table's memory is bounded too."""

from __future__ import annotations

import time
from collections import OrderedDict

from app.config import Settings


class GuessLimiter:
    """Unknown-code lookups per client address."""

    def __init__(self, settings: Settings) -> None:
        self.burst = float(settings.room_guess_burst)
        self.rate = settings.room_guess_burst / settings.room_guess_window_seconds  # tokens per second
        self.max_clients = settings.max_guess_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # address -> (tokens, at)

    def _tokens(self, address: str, now: float) -> float:
        tokens, at = self._buckets.get(address, (self.burst, now))
        return min(self.burst, tokens + (now - at) * self.rate)

    def blocked(self, address: str) -> bool:
        """Whether the address has used up its unknown-code lookups for now."""
        return self._tokens(address, time.monotonic()) < 1.0

    def missed(self, address: str) -> None:
        """The address looked up a code that is not a room's: one lookup used."""
        now = time.monotonic()
        tokens = self._tokens(address, now) - 1.0
        self._buckets[address] = (max(tokens, 0.0), now)
        self._buckets.move_to_end(address)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)

    def retry_after(self) -> int:
        """Seconds until one more lookup is allowed (for the Retry-After header)."""
        return max(1, round(1.0 / self.rate))
