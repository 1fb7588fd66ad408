"""The network evaluated over a grid of the input plane: the output map and every neuron's map.

Maps are computed in float32 (they are only drawn), with one matrix product per layer over all grid
points at once. Pixel (i, j) of an r×r grid is the point x1 = lo + (j + ½)·(hi − lo)/r,
x2 = hi − (i + ½)·(hi − lo)/r: row 0 is the top of the plane (largest x2), column 0 the smallest x1.
Grid points and their feature matrix are cached per (resolution, features, domain).

Activations are passed in as callables g(z, out) -> a (the engine's `Activation.forward`): g writes into
`out`, a float32 array shaped like z, and returns it. Hidden activations are elementwise; the output
activation gets rows = grid points (softmax normalises each row). Every engine activation keeps
|g(z)| ≤ max(1, |z|), which bounds the maps; when the parameters could overflow float32, non-finite
values are replaced (NaN → 0, ±∞ → ±LIMITS.divergence_threshold) so no map holds NaN or ±∞.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS
from app.engine.errors import EngineError
from app.engine.features import feature_matrix

# g(z, out) -> a: writes g(z) into `out` (float32, shaped like z) and returns it; rows are examples
Forward = Callable[[NDArray[Any], NDArray[Any]], NDArray[Any]]
F32 = NDArray[np.float32]
DOMAIN = (-LIMITS.domain_half_width, LIMITS.domain_half_width)
FLOAT32_SAFE = 1e30  # float32 overflows at 3.4e38; below this bound no map can reach ±∞ or NaN
BLAS_ONE_THREAD_WORK = 4 * 65536  # OpenBLAS computes a GEMM of M·N·K up to this on a single thread


@dataclass(frozen=True, eq=False)
class Grids:
    """Float32 maps over the plane: `output` (r, r, n_out); `neurons[l]` (nr, nr, n_l) for layers 0..L.

    Layer 0 holds the input features, layers 1..L−1 the hidden neurons' activations a^l, layer L the output
    units (the same values as `output`, at the neuron resolution). `neurons[l][:, :, j]` is neuron j's map.
    """

    resolution: int
    neuron_resolution: int
    domain: tuple[float, float]
    output: F32
    neurons: list[F32]


def grid_points(resolution: int, domain: tuple[float, float] = DOMAIN) -> NDArray[np.float64]:
    """The r·r pixel centres as rows (x1, x2), row-major from the top-left corner of the plane."""
    lo, hi = domain
    centres = (np.arange(resolution) + 0.5) * ((hi - lo) / resolution)
    x1 = lo + centres  # column j
    x2 = hi - centres  # row i: row 0 is the top (largest x2)
    return np.column_stack([np.tile(x1, resolution), np.repeat(x2, resolution)])


@lru_cache(maxsize=32)
def _grid_features(resolution: int, names: tuple[str, ...], domain: tuple[float, float]) -> tuple[F32, float]:
    """Feature values at the pixel centres, a read-only (F, r·r) float32 matrix, and their largest |value|."""
    features = np.ascontiguousarray(
        feature_matrix(grid_points(resolution, domain), names).T, dtype=np.float32
    )
    features.setflags(write=False)
    return features, float(np.abs(features).max())


def _sanitise(array: F32) -> F32:
    """The array with non-finite entries replaced in place (NaN → 0, ±∞ → ±divergence threshold)."""
    # max and min propagate NaN and ±∞: two cheap reductions decide whether anything needs replacing
    if not (np.isfinite(array.max()) and np.isfinite(array.min())):
        limit = LIMITS.divergence_threshold
        np.nan_to_num(array, copy=False, nan=0.0, posinf=limit, neginf=-limit)
    return array


class _Scratch(threading.local):
    """Per-thread reusable float32 memory for values that are not returned (fresh arrays cost page faults)."""

    def __init__(self) -> None:
        self.blocks: dict[str, NDArray[np.float32]] = {}

    def take(self, key: str, rows: int, cols: int) -> F32:
        """A (rows, cols) float32 array over this thread's block `key`, grown when too small."""
        block = self.blocks.get(key)
        if block is None or block.size < rows * cols:
            block = self.blocks[key] = np.empty(rows * cols, dtype=np.float32)
        return block[: rows * cols].reshape(rows, cols)


_SCRATCH = _Scratch()


@dataclass(frozen=True)
class _Net:
    """The parameters in float32 (biases as columns), the activations, and the check each map needs."""

    weights: list[F32]
    biases: list[F32]
    hidden: Sequence[Forward]
    output: Forward
    check: Callable[[F32], F32]


def _unchanged(array: F32) -> F32:
    """The array as it is (no overflow possible)."""
    return array


def _prepare(
    weights: Sequence[NDArray[Any]],
    biases: Sequence[NDArray[Any]],
    hidden: Sequence[Forward],
    output: Forward,
    n_features: int,
    largest: float,
) -> _Net:
    """Check the shapes (EngineError), convert to float32, and decide whether maps may overflow.

    Overflow bound: |z^l| ≤ max_j Σ_k |W_jk| · max|a^(l−1)| + max|b|, and every activation keeps
    |g(z)| ≤ max(1, |z|); below FLOAT32_SAFE at every layer, no map can reach ±∞ or NaN.
    """
    if not len(weights) == len(biases) == len(hidden) + 1:
        raise EngineError(
            "weights", "one weight matrix and one bias vector per layer, one activation per hidden layer"
        )
    net = _Net([], [], hidden, output, _unchanged)
    fan_in, bound = n_features, largest
    for layer, (w, b) in enumerate(zip(weights, biases, strict=True), start=1):
        w32, b32 = np.asarray(w, dtype=np.float32), np.asarray(b, dtype=np.float32)
        if b32.ndim != 1 or w32.shape != (len(b32), fan_in):
            raise EngineError(
                "weights", f"layer {layer}: W has shape {w32.shape}, expected ({len(b32)}, {fan_in})"
            )
        net.weights.append(w32)
        net.biases.append(b32[:, None])
        bound = max(1.0, float(np.abs(w32).sum(axis=1).max()) * bound + float(np.abs(b32).max()))
        fan_in = len(b32)
    if not bound < FLOAT32_SAFE:  # also true for NaN
        return _Net(net.weights, net.biases, hidden, output, _sanitise)
    return net


def _matmul(w: F32, a: F32, out: F32) -> F32:
    """out = w @ a, in column blocks small enough that BLAS runs each on one thread.

    A multi-threaded GEMM waits for its worker threads; on a busy machine (the server's other sessions, the
    event loop) that wait can stall a frame by milliseconds, far more than the blocks cost.
    """
    per_column = w.shape[0] * w.shape[1]
    step = max(1, BLAS_ONE_THREAD_WORK // max(1, per_column))
    if step >= a.shape[1]:
        return np.matmul(w, a, out=out)
    for start in range(0, a.shape[1], step):
        np.matmul(w, a[:, start : start + step], out=out[:, start : start + step])
    return out


def _forward_maps(net: _Net, features: F32, keep: bool) -> tuple[list[F32], F32]:
    """Every layer's activations as (n_l, P) float32 (layer 0 = features), and the output as (P, n_L).

    With keep False only the output is needed: the hidden layers live in scratch memory and are not returned.
    """
    layers = [features]
    a = features
    points = features.shape[1]
    last = len(net.weights) - 1
    for layer, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        # z^l = W^l a^(l−1) + b^l for all P grid points at once: (n_l, n_(l−1)) @ (n_(l−1), P)
        z = _matmul(w, a, _SCRATCH.take("z", len(w), points))
        z += b
        if layer < last:
            out = np.empty_like(z) if keep else _SCRATCH.take(f"a{layer % 2}", len(w), points)
            a = net.check(net.hidden[layer](z, out))  # a^l = g(z^l), elementwise
            layers.append(a)
    # the output activation sees rows as examples (softmax normalises over the units of a row)
    output = _sanitise(net.output(z.T, np.empty(z.T.shape, dtype=np.float32)))
    layers.append(output.T)
    return (layers if keep else []), output


def evaluate_grids(
    weights: Sequence[NDArray[Any]],
    biases: Sequence[NDArray[Any]],
    hidden_forwards: Sequence[Forward],
    output_forward: Forward,
    feature_names: Sequence[str],
    resolution: int,
    neuron_resolution: int,
    domain: tuple[float, float] = DOMAIN,
) -> Grids:
    """The output on a resolution² grid and every neuron (layer 0 = features) on a neuron_resolution² grid."""
    lo, hi = LIMITS.grid_resolution_min, LIMITS.grid_resolution_max
    for name, value in (("resolution", resolution), ("neuron_resolution", neuron_resolution)):
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise EngineError(name, f"{name} = {value!r}: expected an integer in [{lo}, {hi}]")
    names, domain = tuple(feature_names), (float(domain[0]), float(domain[1]))
    features, largest = _grid_features(resolution, names, domain)
    neuron_features, neuron_largest = _grid_features(neuron_resolution, names, domain)
    net = _prepare(weights, biases, hidden_forwards, output_forward, len(names), max(largest, neuron_largest))
    same = neuron_resolution == resolution
    with np.errstate(all="ignore"):
        layers, output = _forward_maps(net, features, keep=same)
        if not same:
            layers, _ = _forward_maps(net, neuron_features, keep=True)
    r, nr = resolution, neuron_resolution
    # (n_l, P) -> (nr, nr, n_l) views: neuron j's map stays one contiguous block
    neurons = [layer.reshape(len(layer), nr, nr).transpose(1, 2, 0) for layer in layers]
    return Grids(r, nr, domain, output.reshape(r, r, output.shape[1]), neurons)


def evaluate_points(
    weights: Sequence[NDArray[Any]],
    biases: Sequence[NDArray[Any]],
    hidden_forwards: Sequence[Forward],
    output_forward: Forward,
    feature_names: Sequence[str],
    points: NDArray[np.float64],
) -> list[NDArray[np.float64]]:
    """Float64 activations at points (N, 2): a list over layers 0..L of (N, n_l), layer 0 = features."""
    a = feature_matrix(points, feature_names)
    layers = [a]
    with np.errstate(all="ignore"):
        for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
            z = a @ np.asarray(w, dtype=np.float64).T + np.asarray(b, dtype=np.float64)  # rows: z = W a + b
            g = hidden_forwards[layer] if layer < len(weights) - 1 else output_forward
            a = g(z, np.empty_like(z))
            layers.append(a)
    return layers
