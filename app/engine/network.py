"""The network: its parameters and the per-layer forward and backward pass in the lectures' notation.

Layers l = 1..L, a^0 = x, z^l = W^l a^(l−1) + b^l, a^l = g(z^l); W^l has shape (n_l, n_(l−1)) and W[j][k] is
the weight from neuron k of layer l−1 to neuron j of layer l. Here batches are rows (B, n): Z = A Wᵀ + b.
These functions are the readable reference (metrics, the traced example, gradient checks); the stepper's
kernel runs the same math on preallocated buffers.

All parameters live in one flat float64 vector: layer l's block is the matrix [W^l | b^l] of shape
(n_l, n_(l−1) + 1), row-major, blocks in layer order. The network keeps two such vectors and flips between
them, so an update can be computed into the spare one and committed only once it is known to be finite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS
from app.engine.activations import Activation
from app.engine.errors import EngineError
from app.engine.losses import Loss, output_delta, penalty, penalty_gradient

FloatArray = NDArray[np.float64]
Scales = Sequence[FloatArray | None] | None  # dropout's m^l/(1 − p_l) per hidden layer (None: none)


class Layout:
    """Where each layer's [W^l | b^l] block sits in the flat parameter vector."""

    def __init__(self, sizes: Sequence[int]) -> None:
        self.sizes = tuple(int(n) for n in sizes)
        self.shapes = [(self.sizes[i], self.sizes[i - 1] + 1) for i in range(1, len(self.sizes))]
        ends = np.cumsum([rows * cols for rows, cols in self.shapes])
        self.offsets = [0, *(int(e) for e in ends)]
        self.size = self.offsets[-1]
        mask = np.zeros(self.size)
        for block in self.blocks(mask):
            block[:, :-1] = 1.0
        self.weight_mask = mask  # 1 at weights, 0 at biases

    def blocks(self, flat: FloatArray) -> list[FloatArray]:
        """Views [W^l | b^l] (n_l, n_(l−1)+1) of a flat vector, l = 1..L."""
        return [
            flat[start:stop].reshape(shape)
            for start, stop, shape in zip(self.offsets, self.offsets[1:], self.shapes, strict=False)
        ]

    def weights(self, flat: FloatArray) -> list[FloatArray]:
        """Views W^l (n_l, n_(l−1))."""
        return [block[:, :-1] for block in self.blocks(flat)]

    def biases(self, flat: FloatArray) -> list[FloatArray]:
        """Views b^l (n_l,)."""
        return [block[:, -1] for block in self.blocks(flat)]

    def pack(self, weights: Sequence[FloatArray], biases: Sequence[FloatArray], out: FloatArray) -> None:
        """Write per-layer weights and biases into the flat vector `out`."""
        for block, w, b in zip(self.blocks(out), weights, biases, strict=True):
            block[:, :-1] = w
            block[:, -1] = b


def _parameter(value: Any, name: str, layer: int, shape: tuple[int, ...]) -> FloatArray:
    """`value` as a float64 array of `shape`, finite and within ±max_abs_input, or EngineError naming it."""
    label = "W" if name == "weights" else "b"
    expected = " × ".join(str(n) for n in shape)
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise EngineError(
            name, f"layer {layer}: {label}^{layer} must be numbers of shape ({expected})"
        ) from exc
    if array.shape != shape:
        raise EngineError(
            name, f"layer {layer}: {label}^{layer} must have shape ({expected}), got {tuple(array.shape)}"
        )
    limit = LIMITS.max_abs_input
    if not np.all(np.isfinite(array)) or np.any(np.abs(array) > limit):
        raise EngineError(
            name, f"layer {layer}: every entry of {label}^{layer} must be finite and within ±{limit:g}"
        )
    return array


class Network:
    """An MLP with layer sizes (n_0, ..., n_L): its parameters and activations (output last)."""

    def __init__(
        self,
        sizes: Sequence[int],
        activations: Sequence[Activation],
        weights: Sequence[FloatArray],
        biases: Sequence[FloatArray],
    ) -> None:
        self.layout = Layout(sizes)
        self.sizes = self.layout.sizes
        self.depth = len(self.sizes) - 1  # L
        if len(activations) != self.depth:
            raise EngineError(
                "layer_activations", f"expected {self.depth} activations, got {len(activations)}"
            )
        self.activations = list(activations)
        self.buffers = [np.zeros(self.layout.size), np.zeros(self.layout.size)]
        self.parity = 0  # which buffer holds the current parameters
        self._blocks = [self.layout.blocks(buffer) for buffer in self.buffers]  # views, made once
        self.set_parameters(weights, biases)

    @property
    def theta(self) -> FloatArray:
        """The current flat parameter vector."""
        return self.buffers[self.parity]

    @property
    def spare(self) -> FloatArray:
        """The other flat vector, where an update is computed before it is committed."""
        return self.buffers[1 - self.parity]

    def commit(self) -> None:
        """Make the spare vector (a finished, checked update) the current parameters."""
        self.parity = 1 - self.parity

    @property
    def blocks(self) -> list[FloatArray]:
        """Views [W^l | b^l] of the current parameters."""
        return self._blocks[self.parity]

    def weight_views(self) -> list[FloatArray]:
        """Views W^l of the current parameters."""
        return [block[:, :-1] for block in self._blocks[self.parity]]

    def weights(self) -> list[FloatArray]:
        """Copies of W^1..W^L."""
        return [w.copy() for w in self.layout.weights(self.theta)]

    def biases(self) -> list[FloatArray]:
        """Copies of b^1..b^L."""
        return [b.copy() for b in self.layout.biases(self.theta)]

    def set_parameters(self, weights: Sequence[Any], biases: Sequence[Any]) -> None:
        """Set every W^l and b^l exactly; EngineError naming the layer and expected shape changes nothing."""
        for name, values in (("weights", weights), ("biases", biases)):
            if (
                isinstance(values, (str, bytes))
                or not isinstance(values, Sequence)
                or len(values) != self.depth
            ):
                raise EngineError(name, f"expected a list of {self.depth} layers")
        ws = [
            _parameter(w, "weights", i, (self.sizes[i], self.sizes[i - 1])) for i, w in enumerate(weights, 1)
        ]
        bs = [_parameter(b, "biases", i, (self.sizes[i],)) for i, b in enumerate(biases, 1)]
        self.layout.pack(ws, bs, self.theta)

    def set_weight(self, layer: int, row: int, col: int, value: float) -> None:
        """Set W^layer[row][col] (the weight from neuron col of layer−1 to neuron row of layer)."""
        self._check_index("layer", layer, 1, self.depth)
        self._check_index("row", row, 0, self.sizes[layer] - 1)
        self._check_index("col", col, 0, self.sizes[layer - 1] - 1)
        self.layout.weights(self.theta)[layer - 1][row, col] = self._check_value(value)

    def set_bias(self, layer: int, row: int, value: float) -> None:
        """Set b^layer[row]."""
        self._check_index("layer", layer, 1, self.depth)
        self._check_index("row", row, 0, self.sizes[layer] - 1)
        self.layout.biases(self.theta)[layer - 1][row] = self._check_value(value)

    @staticmethod
    def _check_index(name: str, value: Any, lo: int, hi: int) -> None:
        """EngineError unless value is an integer in [lo, hi]."""
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
            raise EngineError(name, f"{name} = {value!r}: expected an integer in [{lo}, {hi}]")

    @staticmethod
    def _check_value(value: Any) -> float:
        """A finite number within ±max_abs_input, or EngineError."""
        limit = LIMITS.max_abs_input
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float, np.number))
            or not abs(float(value)) <= limit
        ):
            raise EngineError("value", f"value = {value!r}: expected a finite number within ±{limit:g}")
        return float(value)

    # --- the reference pass, rows = examples ---------------------------------------------------------------

    def forward_layer(self, layer: int, a_prev: FloatArray) -> tuple[FloatArray, FloatArray]:
        """z^l = W^l a^(l−1) + b^l (rows: A Wᵀ + b) and a^l = g(z^l)."""
        block = self._blocks[self.parity][layer - 1]
        z = a_prev @ block[:, :-1].T + block[:, -1]
        return z, self.activations[layer - 1].forward(z)

    def backward_layer(
        self, layer: int, delta: FloatArray, a_prev: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """From δ^l (B, n_l): ∂L/∂W^l = (1/B) Σ_i δ_i a_iᵀ, ∂L/∂b^l = (1/B) Σ_i δ_i, ∂ℓ/∂a^(l−1) = δ W^l."""
        w = self._blocks[self.parity][layer - 1][:, :-1]
        count = len(delta)
        return delta.T @ a_prev / count, delta.sum(axis=0) / count, delta @ w

    def passes(
        self, x: FloatArray, scales: Scales = None
    ) -> tuple[list[FloatArray], list[FloatArray], list[FloatArray], list[FloatArray]]:
        """Per layer l = 1..L: a^(l−1), z^l, g(z^l) and a^l (a^l = g(z^l) ⊙ scale^l on a hidden layer with
        a dropout scale m^l/(1 − p_l), rows like x; app/engine/dropout.py)."""
        inputs: list[FloatArray] = []
        zs: list[FloatArray] = []
        gs: list[FloatArray] = []
        acts: list[FloatArray] = []
        a = x
        with np.errstate(all="ignore"):
            for layer in range(1, self.depth + 1):
                inputs.append(a)
                z, g = self.forward_layer(layer, a)
                scale = None if scales is None or layer == self.depth else scales[layer - 1]
                a = g if scale is None else g * scale
                zs.append(z)
                gs.append(g)
                acts.append(a)
        return inputs, zs, gs, acts

    def forward(self, x: FloatArray, scales: Scales = None) -> list[tuple[FloatArray, FloatArray]]:
        """(z^l, a^l) for l = 1..L, rows = examples of x (B, n_0); `scales`: dropout's, per hidden layer."""
        _, zs, _, acts = self.passes(x, scales)
        return list(zip(zs, acts, strict=True))

    def output(self, x: FloatArray) -> FloatArray:
        """a^L for rows x."""
        return self.forward(x)[-1][1]

    def losses(self, x: FloatArray, y: FloatArray, loss: Loss, reg: str, rate: float) -> tuple[float, float]:
        """(mean data loss over the rows, regularisation R) at the current parameters."""
        z, a = self.forward(x)[-1]
        with np.errstate(all="ignore"):
            data = float(np.mean(loss.value(z, a, y)))
        return data, penalty(self.weight_views(), reg, rate)

    def gradients(
        self, x: FloatArray, y: FloatArray, loss: Loss, reg: str, rate: float, scales: Scales = None
    ) -> tuple[list[FloatArray], list[FloatArray]]:
        """∂L/∂W^l (data + regularisation) and ∂L/∂b^l of the mean loss over the rows, by backpropagation
        (`scales`: dropout's fixed m^l/(1 − p_l) per hidden layer, rows like x)."""
        inputs, zs, gs, acts = self.passes(x, scales)
        grad_w: list[FloatArray] = []
        grad_b: list[FloatArray] = []
        weights = self.weight_views()
        with np.errstate(all="ignore"):
            delta = output_delta(loss, self.activations[-1], zs[-1], acts[-1], y)  # δ^L
            for layer in range(self.depth, 0, -1):
                gw, gb, grad_input = self.backward_layer(layer, delta, inputs[layer - 1])
                grad_w.insert(0, gw + penalty_gradient(weights[layer - 1], reg, rate))
                grad_b.insert(0, gb)
                if layer > 1:
                    delta = self.hidden_delta(layer - 1, zs[layer - 2], gs[layer - 2], grad_input, scales)
        return grad_w, grad_b

    def hidden_delta(
        self, layer: int, z: FloatArray, g: FloatArray, grad_a: FloatArray, scales: Scales = None
    ) -> FloatArray:
        """Chain rule at hidden layer l: δ^l = ∂ℓ/∂a^l ⊙ g'(z^l), then ⊙ m^l/(1 − p_l) with dropout."""
        delta = self.activations[layer - 1].backward(z, g, grad_a)
        scale = None if scales is None else scales[layer - 1]
        return delta if scale is None else delta * scale
