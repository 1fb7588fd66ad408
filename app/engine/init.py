"""Initial parameters, drawn only from the given seeded generator (same seed, same numbers), and the seed's
independent random streams.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

# One seed drives three independent streams. The data set draws from the root SeedSequence(seed) itself
# (data.build_dataset: np.random.default_rng(seed)); the initial weights and the epochs' batch orders draw
# from its children with these spawn keys, SeedSequence(seed).spawn(3)[1] and [2].
INIT_STREAM = 1
ORDER_STREAM = 2


def seeded_stream(seed: int, stream: int) -> np.random.Generator:
    """Child `stream` of SeedSequence(seed): independent of default_rng(seed) and of its siblings."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream,)))


# scheme -> what W^l (n_l, n_(l−1)) is drawn from, fan_in = n_(l−1), fan_out = n_l
INIT_SCHEMES: dict[str, str] = {
    "zeros": "W = 0 (every neuron of a layer stays identical: the symmetry problem)",
    "uniform": "W ~ U(−1/√fan_in, 1/√fan_in)",
    "xavier": "W ~ U(−√(6/(fan_in+fan_out)), √(6/(fan_in+fan_out)))  (Glorot)",
    "he": "W ~ N(0, 2/fan_in)",
    "playground": "W ~ U(−0.5, 0.5)  (TF Playground)",
}


def _draw(scheme: str, fan_out: int, fan_in: int, rng: np.random.Generator) -> FloatArray:
    """One layer's weight matrix (fan_out, fan_in) under `scheme`."""
    shape = (fan_out, fan_in)
    if scheme == "zeros":
        return np.zeros(shape)
    if scheme == "uniform":
        limit = 1.0 / math.sqrt(fan_in)
    elif scheme == "xavier":
        limit = math.sqrt(6.0 / (fan_in + fan_out))
    elif scheme == "he":
        return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)
    elif scheme == "playground":
        limit = 0.5
    else:
        raise ValueError(f"unknown init scheme {scheme!r}")
    return rng.uniform(-limit, limit, size=shape)


def init_parameters(
    sizes: Sequence[int], scheme: str, bias_init: float, rng: np.random.Generator
) -> tuple[list[FloatArray], list[FloatArray]]:
    """Weights W^l (n_l, n_(l−1)) drawn layer by layer from rng, biases b^l all equal to bias_init."""
    weights = [_draw(scheme, sizes[i], sizes[i - 1], rng) for i in range(1, len(sizes))]
    biases = [np.full(sizes[i], float(bias_init)) for i in range(1, len(sizes))]
    return weights, biases
