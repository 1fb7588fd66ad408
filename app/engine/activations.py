"""Activation functions a = g(z), each with its derivative next to it, and their formulas as text.

Every function takes an optional `out` array (the same shape as z) to write into; without it a new array is
returned. Elementwise functions work on any layout. Softmax normalises over the units of one example: the
last axis for rows (B, n), `axis=0` for columns (n, B).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS

FloatArray = NDArray[np.float64]
Forward = Callable[..., FloatArray]
Derivative = Callable[..., FloatArray]


def _out(z: FloatArray, out: FloatArray | None) -> FloatArray:
    """The array to write into: `out`, or a new one like z (float64 in training, float32 for grid maps)."""
    return np.empty_like(z) if out is None else out


# step: a = 1 if z ≥ 0 else 0 (Heaviside); g'(z) = 0 everywhere, so nothing before it learns
def step_forward(z: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """Heaviside step: 1 where z ≥ 0, else 0."""
    return np.greater_equal(z, 0.0, out=_out(z, out))


def step_derivative(z: FloatArray, a: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """g'(z) = 0 (the step is flat; at 0 it is taken as 0 too)."""
    result = _out(z, out)
    result.fill(0.0)
    return result


# sigmoid: σ(z) = 1/(1+e^{−z}), written with e^{−|z|} so exp never overflows; σ'(z) = a(1 − a)
def sigmoid_forward(z: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """σ(z) = 1/(1 + e^{−z}) = e^{z}/(1 + e^{z}), whichever keeps the exponent ≤ 0."""
    e = np.exp(-np.abs(z))  # e^{−|z|} ∈ (0, 1]
    numerator = np.where(z >= 0, 1.0, e)  # z ≥ 0: 1/(1+e^{−z});  z < 0: e^{z}/(1+e^{z})
    return np.divide(numerator, 1.0 + e, out=_out(z, out))


def sigmoid_derivative(z: FloatArray, a: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """σ'(z) = a(1 − a)."""
    result = np.subtract(1.0, a, out=_out(z, out))
    return np.multiply(a, result, out=result)


# tanh: a = tanh(z); g'(z) = 1 − a²
def tanh_forward(z: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """tanh(z) = (e^{z} − e^{−z})/(e^{z} + e^{−z})."""
    return np.tanh(z, out=_out(z, out))


def tanh_derivative(z: FloatArray, a: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """tanh'(z) = 1 − a²."""
    result = np.multiply(a, a, out=_out(z, out))
    return np.subtract(1.0, result, out=result)


# relu: a = max(0, z); g'(z) = 1 for z > 0, 0 for z ≤ 0 (g'(0) = 0)
def relu_forward(z: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """max(0, z)."""
    return np.maximum(z, 0.0, out=_out(z, out))


def relu_derivative(z: FloatArray, a: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """1 where z > 0, else 0 (including z = 0)."""
    return np.greater(z, 0.0, out=_out(z, out))


# leaky relu with slope s = LIMITS.leaky_relu_slope: a = max(z, s·z) (0 < s < 1); g'(z) = 1 for z > 0, else s
LEAKY_SLOPE = LIMITS.leaky_relu_slope


def leaky_relu_forward(z: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """z for z > 0, s·z otherwise: max(z, s·z) since 0 < s < 1."""
    result = np.multiply(z, LEAKY_SLOPE, out=_out(z, out))
    return np.maximum(z, result, out=result)


def leaky_relu_derivative(z: FloatArray, a: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """1 where z > 0, else s (g'(0) = s)."""
    result = _out(z, out)
    result[...] = np.where(z > 0, 1.0, LEAKY_SLOPE)
    return result


# GELU, tanh form: a = ½ z (1 + t), t = tanh(u), u = c (z + k z³), c = √(2/π), k = 0.044715
# g'(z) = ½ (1 + t) + ½ z (1 − t²) c (1 + 3 k z²)   (the exact derivative of this form)
GELU_C = math.sqrt(2.0 / math.pi)
GELU_K = 0.044715


def gelu_forward(z: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """½ z (1 + tanh(√(2/π)(z + 0.044715 z³)))."""
    t = np.tanh(GELU_C * (z + GELU_K * z * z * z))
    return np.multiply(0.5 * z, 1.0 + t, out=_out(z, out))


def gelu_derivative(z: FloatArray, a: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """½(1 + t) + ½ z (1 − t²) √(2/π) (1 + 3·0.044715 z²), t = tanh(√(2/π)(z + 0.044715 z³))."""
    z2 = z * z
    t = np.tanh(GELU_C * (z + GELU_K * z2 * z))
    du = GELU_C * (1.0 + 3.0 * GELU_K * z2)  # du/dz
    return np.add(0.5 * (1.0 + t), 0.5 * z * (1.0 - t * t) * du, out=_out(z, out))


# linear: a = z; g'(z) = 1
def linear_forward(z: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """The identity."""
    result = _out(z, out)
    result[...] = z
    return result


def linear_derivative(z: FloatArray, a: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """1 everywhere."""
    result = _out(z, out)
    result.fill(1.0)
    return result


# softmax over the units k of one example: a_k = e^{z_k − m} / Σ_j e^{z_j − m}, m = max_j z_j (no overflow)
# its Jacobian ∂a_k/∂z_j = a_k (δ_kj − a_j) is not elementwise: backward is the Jacobian-vector product
def softmax_forward(z: FloatArray, out: FloatArray | None = None, axis: int = -1) -> FloatArray:
    """e^{z_k} / Σ_j e^{z_j} along `axis` (the units), shifted by the max so exp never overflows."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    result: FloatArray = np.divide(e, e.sum(axis=axis, keepdims=True), out=_out(z, out))
    return result


def softmax_backward(
    a: FloatArray, grad_a: FloatArray, out: FloatArray | None = None, axis: int = -1
) -> FloatArray:
    """∂ℓ/∂z_j = Σ_k ∂ℓ/∂a_k · a_k(δ_kj − a_j) = a_j (∂ℓ/∂a_j − Σ_k ∂ℓ/∂a_k a_k)."""
    dot = (grad_a * a).sum(axis=axis, keepdims=True)
    result: FloatArray = np.multiply(a, grad_a - dot, out=_out(a, out))
    return result


@dataclass(frozen=True)
class Activation:
    """g with its derivative side by side; `derivative` is None only for softmax (not elementwise)."""

    name: str
    forward_fn: Forward
    derivative_fn: Derivative | None
    formula: str
    derivative_formula: str
    elementwise: bool = True

    def forward(self, z: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """a = g(z) for rows (B, n) or any elementwise layout."""
        return self.forward_fn(z, out)

    def derivative(self, z: FloatArray, a: FloatArray, out: FloatArray | None = None) -> FloatArray | None:
        """Elementwise g'(z) (a = g(z) given too), or None for softmax."""
        return None if self.derivative_fn is None else self.derivative_fn(z, a, out)

    def backward(self, z: FloatArray, a: FloatArray, grad_a: FloatArray) -> FloatArray:
        """Chain rule through g for rows: ∂ℓ/∂z = ∂ℓ/∂a ⊙ g'(z) (softmax: its Jacobian-vector product)."""
        if self.derivative_fn is None:
            return softmax_backward(a, grad_a)
        return grad_a * self.derivative_fn(z, a, None)


def _make(name: str, fwd: Forward, der: Derivative, formula: str, derivative_formula: str) -> Activation:
    """An elementwise activation."""
    return Activation(name, fwd, der, formula, derivative_formula)


STEP = _make(
    "step", step_forward, step_derivative, "g(z) = 1 if z ≥ 0, else 0", "g'(z) = 0 (taken as 0 at z = 0)"
)
SIGMOID = _make("sigmoid", sigmoid_forward, sigmoid_derivative, "g(z) = 1/(1+e^{-z})", "g'(z) = a(1−a)")
TANH = _make(
    "tanh", tanh_forward, tanh_derivative, "g(z) = tanh(z) = (e^{z}−e^{-z})/(e^{z}+e^{-z})", "g'(z) = 1 − a²"
)
RELU = _make(
    "relu", relu_forward, relu_derivative, "g(z) = max(0, z)", "g'(z) = 1 if z > 0, else 0 (0 at z = 0)"
)
LEAKY_RELU = _make(
    "leaky_relu",
    leaky_relu_forward,
    leaky_relu_derivative,
    f"g(z) = z if z > 0, else {LEAKY_SLOPE:g}z",
    f"g'(z) = 1 if z > 0, else {LEAKY_SLOPE:g} ({LEAKY_SLOPE:g} at z = 0)",
)
GELU = _make(
    "gelu",
    gelu_forward,
    gelu_derivative,
    "g(z) = ½z(1 + tanh(√(2/π)(z + 0.044715z³)))  (tanh form)",
    "g'(z) = ½(1 + t) + ½z(1 − t²)·√(2/π)(1 + 3·0.044715z²), t = tanh(√(2/π)(z + 0.044715z³))",
)
LINEAR = _make("linear", linear_forward, linear_derivative, "g(z) = z", "g'(z) = 1")
SOFTMAX = Activation(
    "softmax",
    softmax_forward,
    None,
    "a_k = e^{z_k} / Σ_j e^{z_j}",
    "∂a_k/∂z_j = a_k(δ_kj − a_j)",
    elementwise=False,
)

HIDDEN_ACTIVATIONS: dict[str, Activation] = {
    act.name: act for act in (STEP, SIGMOID, TANH, RELU, LEAKY_RELU, GELU, LINEAR)
}
OUTPUT_ACTIVATIONS: dict[str, Activation] = {act.name: act for act in (SIGMOID, SOFTMAX, LINEAR, TANH, RELU)}
