"""Signs that a run has reached a dead end, from the numbers alone (pure NumPy; thresholds in app/config.py).

- **Blow-up.** A recorded loss L_i "has begun to blow up" when it is above `LIMITS.blowup_factor` (F) times
  the run's best-so-far B_i = min(L_0..L_i). The way back from a divergence goes to the newest checkpoint
  with L_k ≤ F·B_k (`calm`): the last point before the loss left the neighbourhood of the best it had reached.
- **Saturation.** A unit is saturated when g'(z) ≤ `LIMITS.saturation_slope` times g's largest slope for
  at least `LIMITS.saturation_examples` of the training examples: its gradient is ~0 for nearly every
  example, so it no longer learns (tanh and sigmoid at their plateaus, a dead ReLU). The hidden units are
  counted, except `step` (g' ≡ 0 by definition) and `linear` (g' ≡ 1); the output units too when their g'
  enters δ^L (tanh; sigmoid without bce). A run is saturated when at least `LIMITS.saturation_units` of the
  counted units are, and its loss is flat: (max − min) ≤ `LIMITS.saturation_flat` · max over the checks of
  at least `LIMITS.saturation_min_iterations` iterations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS
from app.engine.network import Network

FloatArray = NDArray[np.float64]

# The largest slope of each hidden activation that can saturate (g'(z) is compared with a fraction of it).
MAX_SLOPE: dict[str, float] = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "leaky_relu": 1.0, "gelu": 1.0}


def calm(loss: float | None, best: float | None, factor: float = LIMITS.blowup_factor) -> bool:
    """The loss has not begun to blow up: finite and at most `factor` times the best-so-far."""
    if loss is None or best is None or not math.isfinite(loss):
        return False
    return loss <= factor * best if best >= 0 else loss <= best / factor


def output_saturates(output_activation: str, loss: str) -> bool:
    """The output's g'(z) enters δ^L (tanh, or sigmoid without its fused cross-entropy), so it can vanish."""
    return output_activation == "tanh" or (output_activation == "sigmoid" and loss != "bce")


def saturated_per_layer(net: Network, x: FloatArray, names: Sequence[str]) -> list[int | None]:
    """Saturated units of each layer over the rows x (None for a layer that is not counted: `step`,
    `linear`, softmax, the output unless `names` has its activation); `names` as in saturated_units."""
    counts: list[int | None] = [None] * net.depth
    if len(x) == 0:
        return counts
    with np.errstate(all="ignore"):
        for index, ((z, a), name, act) in enumerate(
            zip(net.forward(x), names, net.activations, strict=False)
        ):
            slope = MAX_SLOPE.get(name)
            g = None if slope is None else act.derivative(z, a)
            if slope is None or g is None:
                continue
            flat = np.mean(~(np.abs(g) > LIMITS.saturation_slope * slope), axis=0)  # NaN counts as flat
            counts[index] = int(np.count_nonzero(flat >= LIMITS.saturation_examples))
    return counts


def saturated_units(net: Network, x: FloatArray, names: Sequence[str]) -> tuple[int, int]:
    """(saturated, counted) units over the rows x; `names`: each layer's activation (hidden layers, then
    the output's when output_saturates, else only the hidden ones)."""
    counts = saturated_per_layer(net, x, names)
    saturated = sum(c for c in counts if c is not None)
    counted = sum(net.sizes[i + 1] for i, c in enumerate(counts) if c is not None)
    return saturated, counted


def mostly_saturated(saturated: int, counted: int) -> bool:
    """At least LIMITS.saturation_units of the counted units are saturated."""
    return counted > 0 and saturated >= LIMITS.saturation_units * counted


def flat(losses: Sequence[float | None]) -> bool:
    """The losses hardly move: all finite and (max − min) ≤ LIMITS.saturation_flat · max(|max|, tiny)."""
    if not losses or any(v is None or not math.isfinite(v) for v in losses):
        return False
    values = [float(v) for v in losses if v is not None]
    top = max(values)
    return top - min(values) <= LIMITS.saturation_flat * max(abs(top), 1e-300)
