"""Gradient check: backpropagation's ∂L/∂θ against central differences, for every parameter.

L is the total loss (mean data loss + regularisation) over the given rows. The numeric derivative of each
parameter θ_i is the fourth-order central difference with step h (LIMITS.gradcheck_step):

    n_i = [8 (L(θ + h e_i) − L(θ − h e_i)) − (L(θ + 2h e_i) − L(θ − 2h e_i))] / 12h

whose error is O(h⁴) plus round-off of order 1e-16·L/h. The relative error of each parameter is
|a − n| / max(|a| + |n|, tiny) with a the backpropagated gradient (0 when both are 0). Near a kink (ReLU at
z = 0, L1 at W = 0) within 2h the loss is not differentiable and the two may disagree.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS
from app.engine.losses import Loss, penalty
from app.engine.network import Network, Scales

FloatArray = NDArray[np.float64]
TINY = float(np.finfo(np.float64).tiny)


def relative_error(analytic: FloatArray, numeric: FloatArray) -> FloatArray:
    """|a − n| / max(|a| + |n|, tiny), elementwise."""
    result: FloatArray = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), TINY)
    return result


STEPS = np.array([2.0, 1.0, -1.0, -2.0])  # multiples of h: θ + 2h, θ + h, θ − h, θ − 2h
CHUNK = 1 << 21  # floats held at once: parameters are perturbed in chunks of this size


def _penalty_change(w: FloatArray, shift: FloatArray, reg: str, rate: float) -> FloatArray:
    """R(W + shift) − R(W) for single weights w (c, 1) moved by shift (4,), not as a difference of sums."""
    if reg == "l2":
        result: FloatArray = 0.5 * rate * shift * (2.0 * w + shift)  # (λ/2)((w + s)² − w²)
        return result
    if reg == "l1":
        result = rate * (np.abs(w + shift) - np.abs(w))  # λ(|w + s| − |w|)
        return result
    return np.zeros((len(w), len(shift)))


def numeric_gradient(
    net: Network,
    x: FloatArray,
    y: FloatArray,
    loss: Loss,
    reg: str,
    rate: float,
    step: float = LIMITS.gradcheck_step,
    scales: Scales = None,
) -> FloatArray:
    """Fourth-order central differences of L for every entry of the flat parameter vector θ.

    Moving W^l[j][k] by s moves only z^l_j, by s·a^(l−1)_k (a bias: by s), so the layers below are reused
    and every move of a chunk of parameters runs through the layers above as one stacked batch. `scales`:
    dropout's m^l/(1 − p_l) per hidden layer (rows like x), held fixed.
    """
    shifts = STEPS * step
    numeric = np.zeros_like(net.theta)
    layers = net.forward(x, scales)

    def dropped(layer: int, a: FloatArray) -> FloatArray:
        scale = None if scales is None or layer == net.depth else scales[layer - 1]
        return a if scale is None else a * scale

    base = penalty(net.weight_views(), reg, rate)
    offset = 0
    with np.errstate(all="ignore"):
        for layer in range(1, net.depth + 1):
            a_prev = x if layer == 1 else layers[layer - 2][1]
            inputs = np.hstack([a_prev, np.ones((len(x), 1))])  # [a^(l−1), 1]: what each parameter multiplies
            z = layers[layer - 1][0]
            block = net.blocks[layer - 1]
            rows, cols = np.divmod(np.arange(block.size), block.shape[1])
            chunk = max(1, CHUNK // (4 * len(x) * max(net.sizes)))
            for start in range(0, block.size, chunk):
                j, k = rows[start : start + chunk], cols[start : start + chunk]
                moved = np.repeat(z[None, None], len(j), axis=0).repeat(4, axis=1)  # (c, 4, N, n_l)
                moved[np.arange(len(j)), :, :, j] += shifts[None, :, None] * inputs[:, k].T[:, None, :]
                a = dropped(layer, net.activations[layer - 1].forward(moved))
                for upper in range(layer + 1, net.depth + 1):
                    moved = a @ net.blocks[upper - 1][:, :-1].T + net.blocks[upper - 1][:, -1]
                    a = dropped(upper, net.activations[upper - 1].forward(moved))
                total = loss.value(moved, a, y).mean(axis=-1) + base  # (c, 4)
                is_weight = (k < block.shape[1] - 1)[:, None]
                total += np.where(is_weight, _penalty_change(block[j, k][:, None], shifts, reg, rate), 0.0)
                far, near, back, far_back = total.T
                numeric[offset + start : offset + start + len(j)] = (
                    8.0 * (near - back) - (far - far_back)
                ) / (12.0 * step)
            offset += block.size
    return numeric


def gradient_check(
    net: Network,
    x: FloatArray,
    y: FloatArray,
    loss: Loss,
    reg: str,
    rate: float,
    step: float = LIMITS.gradcheck_step,
    scales: Scales = None,
) -> list[dict[str, Any]]:
    """Per layer: {"layer", "weights_rel_error" (n_l, n_(l−1)), "biases_rel_error" (n_l,), "max"};
    `scales`: dropout's fixed m^l/(1 − p_l) per hidden layer (rows like x)."""
    grad_w, grad_b = net.gradients(x, y, loss, reg, rate, scales)
    analytic = np.zeros_like(net.theta)
    net.layout.pack(grad_w, grad_b, analytic)
    errors = relative_error(analytic, numeric_gradient(net, x, y, loss, reg, rate, step, scales))
    layout = net.layout
    return [
        {
            "layer": layer,
            "weights_rel_error": w.copy(),
            "biases_rel_error": b.copy(),
            "max": float(max(w.max(), b.max())),
        }
        for layer, (w, b) in enumerate(zip(layout.weights(errors), layout.biases(errors), strict=True), 1)
    ]
