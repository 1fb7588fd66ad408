"""Batches and epochs: batch, stochastic and mini-batch gradient descent, partial batches, reshuffling."""

from __future__ import annotations

from app.engine.stepper import Stepper
from tests.engine.factory import stepper


def batches(st: Stepper, iterations: int) -> list[list[int]]:
    """The training indices of the next iterations' batches (trained on the fast path)."""
    seen = []
    for _ in range(iterations):
        seen.append(st.batch().tolist())
        st.train(1)
    return seen


def test_batch_stochastic_and_mini_batch_gradient_descent() -> None:
    full = stepper(rows=12, batch_size=50)
    assert [sorted(b) for b in batches(full, 2)] == [list(range(12))] * 2
    assert full.cursor()["epoch"] == 2 and full.cursor()["batches_per_epoch"] == 1
    single = stepper(rows=12, batch_size=1)
    assert all(len(b) == 1 for b in batches(single, 12)) and single.cursor()["epoch"] == 1
    mini = stepper(rows=12, batch_size=5, shuffle=False)
    assert batches(mini, 4) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11], [0, 1, 2, 3, 4]]


def test_drop_last_skips_the_partial_batch() -> None:
    st = stepper(rows=12, batch_size=5, shuffle=False, drop_last=True)
    assert st.cursor()["batches_per_epoch"] == 2
    assert batches(st, 3) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [0, 1, 2, 3, 4]]
    assert st.cursor()["epoch"] == 1 and st.cursor()["batch_in_epoch"] == 1


def test_every_epoch_is_a_new_seeded_permutation() -> None:
    a, b = stepper(rows=20, batch_size=20), stepper(rows=20, batch_size=20)
    orders = batches(a, 3)
    assert orders == batches(b, 3)  # same seed, same orders
    assert all(sorted(order) == list(range(20)) for order in orders)
    assert orders[0] != orders[1] != orders[2]
    c = stepper(rows=20, batch_size=20, seed=1)
    assert batches(c, 1)[0] != orders[0]


def test_batch_size_change_keeps_the_position_in_the_epoch() -> None:
    st = stepper(rows=30, batch_size=10, shuffle=False)
    st.train(1)
    st.set_hyper(batch_size=4)
    assert st.cursor()["batches_per_epoch"] == 1 + 5  # one done, 20 left in batches of 4
    assert batches(st, 6) == [[10, 11, 12, 13], [14, 15, 16, 17], [18, 19, 20, 21], [22, 23, 24, 25],
                              [26, 27, 28, 29], [0, 1, 2, 3]]  # fmt: skip
