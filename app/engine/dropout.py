"""Inverted dropout (lecture 003): a^l = m^l ⊙ g(z^l) / (1 − p_l) in training, a^l = g(z^l) in evaluation.

m^l ~ Bernoulli(1 − p_l) per unit per example, on hidden layers only (never the input or the output). The
backward pass sends δ through the same mask and scale: δ^l = ∂ℓ/∂a^l ⊙ m^l/(1 − p_l) ⊙ g'(z^l).

The masks are a pure function of the run: iteration `step`'s masks are one uniform u per hidden unit per
batch column, m = [u ≥ p], from a counter-based generator (Philox) keyed by the seed's DROPOUT_STREAM child
with its counter at (0, step, 0, 0) (no generator state to carry: constructing one costs microseconds).
Nothing is kept in checkpoints: replaying, seeking or forking a run draws the same masks again, and raising
a rate only drops more units (the same u). A traced example outside the batch gets the masks it would have
had, from the counter (0, step, 1 + index, 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS, VIEWS
from app.engine.errors import EngineError
from app.engine.hyper import Hyper
from app.engine.network import Network
from app.engine.workspace import Workspace

FloatArray = NDArray[np.float64]
DROPOUT_STREAM = 3  # init.py's streams: 1 initial weights, 2 batch order


def check_rates(rates: Any, hidden: Sequence[int] | None = None) -> tuple[float, ...]:
    """`dropout` as a tuple: empty (no dropout) or one rate in [0, max] per hidden layer (of `hidden`, when
    given; else at most max_hidden_layers); else EngineError naming dropout or dropout.<i>."""
    top = VIEWS.dropout_max
    if isinstance(rates, (str, bytes)) or not isinstance(rates, Sequence):
        raise EngineError("dropout", f"dropout must be a list of rates, one per hidden layer, got {rates!r}")
    if hidden is None and len(rates) > LIMITS.max_hidden_layers:
        raise EngineError("dropout", f"dropout must have at most {LIMITS.max_hidden_layers} rates")
    if hidden is not None and len(rates) not in (0, len(hidden)):
        raise EngineError(
            "dropout",
            f"dropout must have {len(hidden)} rates (one per hidden layer) or none, got {len(rates)}",
        )
    for i, rate in enumerate(rates):
        if (
            isinstance(rate, bool)
            or not isinstance(rate, (int, float, np.integer, np.floating))
            or not 0.0 <= rate <= top
        ):
            raise EngineError(
                f"dropout[{i}]", f"dropout[{i}] must be a number between 0 and {top:g}, got {rate!r}"
            )
    return tuple(float(rate) for rate in rates)


def fit_rates(rates: Sequence[float], hidden: Sequence[int]) -> tuple[float, ...]:
    """The rates for a new list of hidden layers: the kept layers' rates, 0 for new ones (none stays none)."""
    if not rates:
        return ()
    return tuple(list(rates[: len(hidden)]) + [0.0] * max(0, len(hidden) - len(rates)))


def active(rates: Sequence[float]) -> bool:
    """Whether any hidden layer drops units."""
    return any(rate > 0.0 for rate in rates)


@lru_cache(maxsize=64)
def _key(seed: int) -> tuple[int, int]:
    """The Philox key of a seed's masks: two words of SeedSequence(seed, spawn_key=(DROPOUT_STREAM,))."""
    words = np.random.SeedSequence(seed, spawn_key=(DROPOUT_STREAM,)).generate_state(2, np.uint64)
    return int(words[0]), int(words[1])


def _uniforms(seed: int, step: int, slot: int, units: int, columns: int) -> FloatArray:
    """u ~ U[0, 1) of shape (units, columns): Philox, counter-based, keyed by the seed, its counter from
    (0, step, slot, 0) (a draw counts up the first word only: no two steps or slots share numbers)."""
    counter = np.array([0, step, slot, 0], dtype=np.uint64)
    rng = np.random.Generator(np.random.Philox(key=np.array(_key(seed), dtype=np.uint64), counter=counter))
    return rng.random((units, columns))


def draw(
    seed: int,
    step: int,
    hidden: Sequence[int],
    rates: Sequence[float],
    columns: int,
    index: int | None = None,
) -> tuple[FloatArray, FloatArray]:
    """(mask, scale), both (Σ n_l, columns) over the hidden units stacked: m = [u ≥ p_l], m/(1 − p_l).

    `index`: the masks of that traced example outside the batch (one column) instead of the batch's."""
    u = _uniforms(seed, int(step), 0 if index is None else 1 + int(index), int(sum(hidden)), columns)
    p = np.repeat(np.asarray(rates, dtype=np.float64), hidden)[:, None]
    mask = (u >= p).astype(np.float64)
    return mask, mask / (1.0 - p)


class Run(Protocol):
    """What the masks of an iteration depend on: the phase machine (app/engine/stepper.py)."""

    seed: int
    step: int

    @property
    def net(self) -> Network: ...
    @property
    def hyper(self) -> Hyper: ...


def fill(ws: Workspace, run: Run, rates: Sequence[float]) -> None:
    """Iteration `run.step`'s masks and scales into the workspace (the first call of its compiled program)."""
    ws.mask_all[:], ws.scale_all[:] = draw(run.seed, run.step, run.net.sizes[1:-1], rates, ws.batch)


def example_masks(run: Run, indices: NDArray[np.int64], index: int) -> tuple[FloatArray, FloatArray] | None:
    """Training example `index`'s (mask, scale) columns (Σ n_l,) in the iteration on the batch `indices`,
    None without dropout: its column of the batch's masks, or (outside the batch) the masks it would get."""
    rates, hidden = run.hyper.dropout, run.net.sizes[1:-1]
    if not active(rates):
        return None
    where = np.flatnonzero(indices == index)
    if len(where):
        mask, scale = draw(run.seed, run.step, hidden, rates, len(indices))
        return mask[:, where[0]], scale[:, where[0]]
    mask, scale = draw(run.seed, run.step, hidden, rates, 1, index)
    return mask[:, 0], scale[:, 0]


def batch_scales(
    seed: int, step: int, hidden: Sequence[int], rates: Sequence[float], batch: int, rows: int
) -> list[FloatArray | None] | None:
    """The scales m^l/(1 − p_l) of the first `rows` examples of iteration `step`'s batch of `batch`, per
    hidden layer as rows (rows, n_l) (None at a layer without); None without dropout (a gradient check)."""
    if not active(rates):
        return None
    _, scale = draw(seed, step, hidden, rates, batch)
    layers = split(scale[:, :rows], hidden)
    return [layer.T.copy() if p > 0.0 else None for layer, p in zip(layers, rates, strict=True)]


def split(stacked: FloatArray, hidden: Sequence[int]) -> list[FloatArray]:
    """Per hidden layer views (n_l, ...) of a stacked (Σ n_l, ...) array."""
    ends = np.cumsum(hidden)
    return [stacked[end - n : end] for n, end in zip(hidden, ends, strict=True)]
