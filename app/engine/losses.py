"""Per-example losses ℓ(ŷ, y) with ∂ℓ/∂ŷ, the output delta δ^L = ∂ℓ/∂z^L, and weight regularisation.

Rows are examples: z, a (= ŷ) and y have shape (B, n_L); a per-example value has shape (B,).
A batch's data loss is the mean of its per-example losses (docs/engine.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.engine.activations import Activation
from app.engine.errors import EngineError

FloatArray = NDArray[np.float64]
LossFn = Callable[[FloatArray, FloatArray, FloatArray], FloatArray]
FLOAT_MAX = float(np.finfo(np.float64).max)


def _saturate(values: FloatArray) -> FloatArray:
    """Values beyond float64's range (only ∂ℓ/∂a of a saturated sigmoid/softmax) held at ±max, in place."""
    return np.nan_to_num(values, copy=False, nan=0.0, posinf=FLOAT_MAX, neginf=-FLOAT_MAX)


# mse (lecture 002): ℓ = (1/n) Σ_k (a_k − y_k)²;  ∂ℓ/∂a = 2(a − y)/n
def mse_value(z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """(1/n_L) Σ_k (a_k − y_k)² per row."""
    d = a - y
    result: FloatArray = (d * d).sum(axis=-1) / a.shape[-1]
    return result


def mse_grad(z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """2(a − y)/n_L."""
    d = a - y
    result: FloatArray = (d + d) / a.shape[-1]
    return result


# half_sse (lecture 001, TF Playground): ℓ = ½ Σ_k (a_k − y_k)²;  ∂ℓ/∂a = a − y
def half_sse_value(z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """½ Σ_k (a_k − y_k)² per row."""
    d = a - y
    result: FloatArray = 0.5 * (d * d).sum(axis=-1)
    return result


def half_sse_grad(z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """a − y."""
    result: FloatArray = a - y
    return result


# sse (lecture 004): ℓ = Σ_k (a_k − y_k)²;  ∂ℓ/∂a = 2(a − y)
def sse_value(z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """Σ_k (a_k − y_k)² per row."""
    d = a - y
    result: FloatArray = (d * d).sum(axis=-1)
    return result


def sse_grad(z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """2(a − y)."""
    d = a - y
    result: FloatArray = d + d
    return result


# l1 (lecture 003's L1Loss, summed over the outputs): ℓ = Σ_k |a_k − y_k|;  ∂ℓ/∂a = sign(a − y), the
# subgradient 0 at a = y (|·| has no derivative there; 0 is the element of [−1, 1] np.sign and PyTorch pick)
def l1_value(z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """Σ_k |a_k − y_k| per row."""
    result: FloatArray = np.abs(a - y).sum(axis=-1)
    return result


def l1_grad(z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """sign(a − y): +1 above the target, −1 below, 0 on it."""
    result: FloatArray = np.sign(a - y)
    return result


# bce on a sigmoid output, from z: −[y log σ(z) + (1−y) log(1−σ(z))] = max(z, 0) − y z + log(1 + e^{−|z|})
# ∂ℓ/∂a = −y/a + (1−y)/(1−a), with 1/a = 1 + e^{−z} and 1/(1−a) = 1 + e^{z}; fused with σ': δ = a − y
def bce_value(z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """Σ_k max(z_k, 0) − y_k z_k + log(1 + e^{−|z_k|}) per row (never takes log of 0)."""
    result: FloatArray = (np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))).sum(axis=-1)
    return result


def bce_grad(z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """−y(1 + e^{−z}) + (1 − y)(1 + e^{z}) = −y/a + (1−y)/(1−a), exact even where a rounds to 0 or 1."""
    with np.errstate(all="ignore"):
        pos = np.where(y != 0, -y * (1.0 + np.exp(-z)), 0.0)
        neg = np.where(y != 1, (1.0 - y) * (1.0 + np.exp(z)), 0.0)
        return _saturate(pos + neg)


# cross_entropy on a softmax output, with log-sum-exp: ℓ = −Σ_k y_k log p_k = Σ_k y_k (lse(z) − z_k)
# ∂ℓ/∂p_k = −y_k/p_k = −y_k e^{lse(z) − z_k}; fused with the softmax Jacobian: δ = p − y (when Σ_k y_k = 1)
def _logsumexp(z: FloatArray) -> FloatArray:
    """log Σ_j e^{z_j} per row, as m + log Σ_j e^{z_j − m} with m = max_j z_j."""
    m = z.max(axis=-1, keepdims=True)
    result: FloatArray = m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
    return result


def cross_entropy_value(z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """Σ_k y_k (lse(z) − z_k) per row."""
    result: FloatArray = (y * (_logsumexp(z) - z)).sum(axis=-1)
    return result


def cross_entropy_grad(z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """−y_k / p_k, computed as −y_k e^{lse(z) − z_k} (exact even where p_k rounds to 0)."""
    with np.errstate(all="ignore"):
        return _saturate(np.where(y != 0, -y * np.exp(_logsumexp(z) - z), 0.0))


@dataclass(frozen=True)
class Loss:
    """A per-example loss ℓ(a, y) and its gradient ∂ℓ/∂a (both take z too: bce and cross-entropy use it)."""

    name: str
    value_fn: LossFn
    grad_fn: LossFn
    formula: str
    grad_formula: str

    def value(self, z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
        """ℓ per example: (B,) for rows (B, n_L)."""
        return self.value_fn(z, a, y)

    def grad_output(self, z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
        """∂ℓ/∂a^L per example, rows (B, n_L)."""
        return self.grad_fn(z, a, y)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("mse", mse_value, mse_grad, "ℓ = (1/n) Σ_k (ŷ_k − y_k)²", "∂ℓ/∂ŷ_k = 2(ŷ_k − y_k)/n"),
        Loss("half_sse", half_sse_value, half_sse_grad, "ℓ = ½ Σ_k (ŷ_k − y_k)²", "∂ℓ/∂ŷ_k = ŷ_k − y_k"),
        Loss("sse", sse_value, sse_grad, "ℓ = Σ_k (ŷ_k − y_k)²", "∂ℓ/∂ŷ_k = 2(ŷ_k − y_k)"),
        Loss(
            "l1",
            l1_value,
            l1_grad,
            "ℓ = Σ_k |ŷ_k − y_k|",
            "∂ℓ/∂ŷ_k = sign(ŷ_k − y_k)  (subgradient: 0 at ŷ_k = y_k)",
        ),
        Loss(
            "bce",
            bce_value,
            bce_grad,
            "ℓ = −Σ_k [y_k log ŷ_k + (1−y_k) log(1−ŷ_k)]",
            "∂ℓ/∂ŷ_k = −y_k/ŷ_k + (1−y_k)/(1−ŷ_k);  δ_k = ŷ_k − y_k",
        ),
        Loss(
            "cross_entropy",
            cross_entropy_value,
            cross_entropy_grad,
            "ℓ = −Σ_k y_k log p_k",
            "∂ℓ/∂p_k = −y_k/p_k;  δ_k = p_k − y_k",
        ),
    )
}

# Which losses each output activation may be trained with.
COHERENT_PAIRS: dict[str, tuple[str, ...]] = {
    "sigmoid": ("mse", "half_sse", "sse", "l1", "bce"),
    "softmax": ("cross_entropy", "mse", "half_sse", "sse", "l1"),
    "linear": ("mse", "half_sse", "sse", "l1"),
    "tanh": ("mse", "half_sse", "sse", "l1"),
    "relu": ("mse", "half_sse", "sse", "l1"),
}
# Pairs whose δ^L simplifies to a − y: the activation's derivative cancels against the loss's.
FUSED_PAIRS = frozenset({("sigmoid", "bce"), ("softmax", "cross_entropy")})


def check_pair(output_activation: str, loss: str) -> None:
    """EngineError(field="loss") unless `loss` is coherent with `output_activation`."""
    allowed = COHERENT_PAIRS.get(output_activation)
    if allowed is None:
        raise EngineError(
            "output_activation",
            f"output_activation = {output_activation!r}: choose one of {', '.join(COHERENT_PAIRS)}",
        )
    if loss not in allowed:
        known = "" if loss in LOSSES else f" (known losses: {', '.join(LOSSES)})"
        raise EngineError(
            "loss",
            f"loss = {loss!r} does not fit a {output_activation} output{known}: "
            f"with {output_activation} choose one of {', '.join(allowed)}",
        )


def output_delta(loss: Loss, act: Activation, z: FloatArray, a: FloatArray, y: FloatArray) -> FloatArray:
    """δ^L = ∂ℓ/∂z^L per example (rows): a − y for the fused pairs, else ∂ℓ/∂a through g's Jacobian."""
    if (act.name, loss.name) in FUSED_PAIRS:
        return a - y
    return act.backward(z, a, loss.grad_output(z, a, y))


# Regularisation on weights only (never biases):
# l2: R = (λ/2) Σ W², ∂R/∂W = λW (lecture 003);  l1: R = λ Σ |W|, ∂R/∂W = λ sign(W) (0 at 0)
REGULARIZATIONS = ("none", "l1", "l2")
REGULARIZATION_FORMULAS = {
    "none": ("R = 0", "∂R/∂W = 0"),
    "l1": ("R = λ Σ |W|", "∂R/∂W = λ sign(W)"),
    "l2": ("R = (λ/2) Σ W²", "∂R/∂W = λW"),
}


def penalty(weights: Sequence[FloatArray], kind: str, rate: float) -> float:
    """R over every layer's weights."""
    if kind == "l2":
        return 0.5 * rate * sum(float(np.vdot(w, w)) for w in weights)
    if kind == "l1":
        return rate * sum(float(np.abs(w).sum()) for w in weights)
    return 0.0


def penalty_gradient(w: FloatArray, kind: str, rate: float) -> FloatArray:
    """∂R/∂W for one layer's weights."""
    if kind == "l2":
        return rate * w
    if kind == "l1":
        return rate * np.sign(w)
    return np.zeros_like(w)
