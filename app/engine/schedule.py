"""Which training examples each iteration uses: batch, stochastic and mini-batch gradient descent.

An epoch is one pass over the N training examples in an order drawn at the epoch's first batch (a seeded
permutation, or 0..N−1 when shuffling is off). Batches are consecutive slices of that order. The last batch of
an epoch holds the N mod batch_size examples left over (kept by default; with drop_last they are skipped and
the epoch ends). batch_size ≥ N is full-batch gradient descent: one iteration per epoch; batch_size 1 is
stochastic gradient descent.

Changing batch_size or drop_last keeps the position in the epoch: the next batch starts where the last one
ended and has the new size. Changing shuffle applies from the next epoch's order.
"""

from __future__ import annotations

import copy

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]


class Schedule:
    """The epoch's order, the position in it, and the epoch and batch counters."""

    def __init__(
        self, n: int, batch_size: int, shuffle: bool, drop_last: bool, rng: np.random.Generator
    ) -> None:
        self.n = n
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.rng = rng
        self.epoch = 0  # epochs completed
        self.batch_in_epoch = 0  # batches completed in this epoch
        self.position = 0  # examples of this epoch's order used so far
        self.order: IntArray | None = None  # drawn at the epoch's first batch

    @property
    def size(self) -> int:
        """The batch size in effect: batch_size, at most N (full batch)."""
        return min(self.batch_size, self.n)

    def draw_order(self) -> bool:
        """Draw this epoch's order if it is not drawn yet; True when a new order was drawn."""
        if self.order is not None:
            return False
        self.order = self.rng.permutation(self.n) if self.shuffle else np.arange(self.n, dtype=np.int64)
        return True

    def next_batch(self) -> tuple[int, int]:
        """(start, stop) in this epoch's order of the next batch (the order must be drawn)."""
        return self.position, min(self.position + self.size, self.n)

    def peek_batch(self) -> IntArray:
        """Training-set indices of the next batch, without drawing anything (the generator is copied)."""
        order = self.order
        if order is None:
            order = copy.deepcopy(self.rng).permutation(self.n) if self.shuffle else np.arange(self.n)
        start, stop = self.next_batch()
        return order[start:stop]

    def advance(self, stop: int) -> None:
        """The batch ending at `stop` was trained on: move past it, ending the epoch when it is used up."""
        self.position = stop
        self.batch_in_epoch += 1
        self.roll()

    def roll(self) -> None:
        """End the epoch when no batch is left: every example used, or (drop_last) fewer than a batch left."""
        left = self.n - self.position
        if left <= 0 or (self.drop_last and left < self.size):
            self.epoch += 1
            self.batch_in_epoch = 0
            self.position = 0
            self.order = None

    def batches_per_epoch(self) -> int:
        """Batches of this epoch: those done plus those left at the current batch size."""
        left, size = self.n - self.position, self.size
        remaining = left // size if self.drop_last else -(-left // size)
        return self.batch_in_epoch + remaining

    def restart(self, n: int) -> None:
        """Begin this epoch again with a fresh order over n examples (the training set changed)."""
        self.n = n
        self.batch_in_epoch = 0
        self.position = 0
        self.order = None
