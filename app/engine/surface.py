"""A slice of the loss surface: the training loss over two of the network's parameters, every other one held.

The two parameters are weights W^l[j][k] or biases b^l[j] (rows notation, 0-based indices). The slice is the
total loss L(θ) = (1/N) Σ_i ℓ(a^L(x_i), y_i) + R(W) over the N training rows, in evaluation mode (the
reference forward pass), on the grid u_a = u0 + span·(2a/(r − 1) − 1), v_b = v0 + span·(2b/(r − 1) − 1),
a, b = 0..r − 1 (an odd r puts the current values at the centre). values[b][a] is L at (u_a, v_b): rows
follow the second parameter, as a contour plot's z.

Moving W^l[j][k] to u moves only z^l_j, by (u − W^l[j][k])·a^(l−1)_k (a bias: by u − b^l[j]), so the layers
below the lower parameter are computed once and the grid's points run through the layers above as one
stacked batch, in chunks. R changes by (λ/2)(u² − u0²) (l2) or λ(|u| − |u0|) (l1) for a weight, not at all
for a bias. Non-finite losses stay non-finite here (the wire sends them as null).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from app.engine.errors import EngineError
from app.engine.losses import Loss
from app.engine.network import Layout, Network

FloatArray = NDArray[np.float64]
Kind = Literal["weight", "bias"]
CHUNK_FLOATS = 1 << 21  # floats of one layer's stacked z held at once


@dataclass(frozen=True)
class Parameter:
    """W^layer[row][col] (kind "weight") or b^layer[row] (kind "bias", col None); layer 1..L, 0-based."""

    kind: Kind
    layer: int
    row: int
    col: int | None = None

    def index(self, layout: Layout) -> int:
        """Its position in the flat parameter vector ([W^l | b^l] blocks, row-major)."""
        cols = layout.shapes[self.layer - 1][1]
        within = self.col if self.kind == "weight" and self.col is not None else cols - 1
        return layout.offsets[self.layer - 1] + self.row * cols + within


def _check_int(name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise EngineError(name, f"{name} = {value!r}: expected an integer in [{lo}, {hi}]")
    return int(value)


def check_parameter(sizes: tuple[int, ...], p: Parameter, name: str) -> Parameter:
    """The parameter when it exists in a network of layer sizes `sizes`; EngineError naming `name`.field."""
    if p.kind not in ("weight", "bias"):
        raise EngineError(f"{name}.kind", f"{name}.kind = {p.kind!r}: expected weight or bias")
    depth = len(sizes) - 1
    layer = _check_int(f"{name}.layer", p.layer, 1, depth)
    _check_int(f"{name}.row", p.row, 0, sizes[layer] - 1)
    if p.kind == "weight":
        if p.col is None:
            raise EngineError(f"{name}.col", f"{name}.col is required for a weight")
        _check_int(f"{name}.col", p.col, 0, sizes[layer - 1] - 1)
    elif p.col is not None:
        raise EngineError(f"{name}.col", f"{name}.col must be null for a bias (it has no column)")
    return p


def slice_work(resolution: int, examples: int, parameters: int) -> int:
    """What a slice costs: resolution² × examples × parameters (multiply-adds, roughly)."""
    return resolution * resolution * examples * parameters


def axis(centre: float, span: float, resolution: int) -> FloatArray:
    """The grid's values of one parameter: centre ± span in `resolution` steps (the centre itself in the
    middle when resolution is odd)."""
    offsets = np.linspace(-1.0, 1.0, resolution)
    if resolution % 2:
        offsets[resolution // 2] = 0.0
    values: FloatArray = centre + span * offsets
    return values


@dataclass(frozen=True)
class Slice:
    """The grid's axes, values[b][a] = L(u_a, v_b), and the loss at the current parameters (u0, v0)."""

    first: FloatArray
    second: FloatArray
    values: FloatArray
    centre: tuple[float, float]
    data_loss: float
    penalty: float

    @property
    def loss(self) -> float:
        """The total loss at the current parameters: data loss + R."""
        return self.data_loss + self.penalty


def _penalty_change(reg: str, rate: float, centre: float, values: FloatArray) -> FloatArray:
    """R(θ with one weight at each of `values`) − R(θ), that weight being `centre` now."""
    if reg == "l2":
        change: FloatArray = 0.5 * rate * (values * values - centre * centre)
        return change
    if reg == "l1":
        change = rate * (np.abs(values) - abs(centre))
        return change
    return np.zeros_like(values)


def _move(z: FloatArray, p: Parameter, shift: FloatArray, a_prev: FloatArray) -> None:
    """Add to z (c, N, n_l) what moving p by shift (c,) does to z^l_row."""
    if p.kind == "weight":
        assert p.col is not None
        z[:, :, p.row] += shift[:, None] * a_prev[..., p.col]
    else:
        z[:, :, p.row] += shift[:, None]


def loss_slice(
    net: Network,
    loss: Loss,
    x: FloatArray,
    y: FloatArray,
    reg: str,
    rate: float,
    first: Parameter,
    second: Parameter,
    span: float,
    resolution: int,
) -> Slice:
    """The training loss over the grid of `first` × `second` (see the module's docstring)."""
    sizes = net.sizes
    check_parameter(sizes, first, "first")
    check_parameter(sizes, second, "second")
    theta = net.theta
    i1, i2 = first.index(net.layout), second.index(net.layout)
    if i1 == i2:
        raise EngineError("second", "second: choose a parameter other than the first")
    u0, v0 = float(theta[i1]), float(theta[i2])
    us, vs = axis(u0, span, resolution), axis(v0, span, resolution)
    grid_u = np.tile(us, resolution)  # point a + r·b: (u_a, v_b)
    grid_v = np.repeat(vs, resolution)
    data_loss, base = net.losses(x, y, loss, reg, rate)
    total = np.full(resolution * resolution, base)
    for p, values, centre in ((first, grid_u, u0), (second, grid_v, v0)):
        if p.kind == "weight":
            total += _penalty_change(reg, rate, centre, values)
    blocks = net.blocks
    low = min(first.layer, second.layer)
    with np.errstate(all="ignore"):
        a_low = x
        for layer in range(1, low):
            block = blocks[layer - 1]
            a_low = net.activations[layer - 1].forward(a_low @ block[:, :-1].T + block[:, -1])
        block = blocks[low - 1]
        z_low = a_low @ block[:, :-1].T + block[:, -1]  # (N, n_low), shared by every grid point
        chunk = max(1, CHUNK_FLOATS // max(1, len(x) * max(sizes[1:])))
        for start in range(0, len(total), chunk):
            stop = min(len(total), start + chunk)
            moves = ((first, grid_u[start:stop] - u0), (second, grid_v[start:stop] - v0))
            z = np.repeat(z_low[None], stop - start, axis=0)
            a_prev = a_low
            for layer in range(low, net.depth + 1):
                if layer > low:
                    block = blocks[layer - 1]
                    z = a_prev @ block[:, :-1].T + block[:, -1]
                for p, shift in moves:
                    if p.layer == layer:
                        _move(z, p, shift, a_prev)
                a_prev = net.activations[layer - 1].forward(z)
            total[start:stop] += loss.value(z, a_prev, y).mean(axis=-1)
    return Slice(us, vs, total.reshape(resolution, resolution), (u0, v0), data_loss, base)
