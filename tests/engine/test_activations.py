"""Activations: values against scalar formulas, derivatives against central differences, stability."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.config import LIMITS
from app.engine.activations import (
    GELU_C,
    GELU_K,
    HIDDEN_ACTIVATIONS,
    OUTPUT_ACTIVATIONS,
    softmax_backward,
    softmax_forward,
)

# independent scalar definitions (math module, no NumPy)
SCALAR = {
    "step": lambda z: 1.0 if z >= 0 else 0.0,
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "tanh": math.tanh,
    "relu": lambda z: max(0.0, z),
    "leaky_relu": lambda z: z if z > 0 else LIMITS.leaky_relu_slope * z,
    "gelu": lambda z: 0.5 * z * (1.0 + math.tanh(math.sqrt(2.0 / math.pi) * (z + 0.044715 * z**3))),
    "linear": lambda z: z,
}
Z = np.array([-3.7, -1.2, -0.31, 0.05, 0.6, 1.9, 4.2])


def grad(name: str, z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    """g'(z) of an elementwise activation (a = g(z) unless given)."""
    act = HIDDEN_ACTIVATIONS[name]
    result = act.derivative(z, act.forward(z) if a is None else a)
    assert result is not None
    return result


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_forward_matches_the_scalar_formula(name: str) -> None:
    act = HIDDEN_ACTIVATIONS[name]
    expected = np.array([SCALAR[name](float(z)) for z in Z])
    np.testing.assert_allclose(act.forward(Z), expected, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("name", sorted(set(HIDDEN_ACTIVATIONS) - {"step"}))
def test_derivative_matches_central_differences(name: str) -> None:
    act = HIDDEN_ACTIVATIONS[name]
    h = 1e-5
    numeric = (act.forward(Z + h) - act.forward(Z - h)) / (2 * h)
    np.testing.assert_allclose(grad(name, Z), numeric, rtol=1e-8, atol=1e-10)


def test_step_derivative_is_zero_everywhere() -> None:
    z = np.array([-2.0, 0.0, 3.0])
    assert np.array_equal(grad("step", z), np.zeros(3))


def test_derivatives_at_zero_are_the_documented_values() -> None:
    zero = np.zeros(1)
    assert grad("relu", zero)[0] == 0.0
    assert grad("leaky_relu", zero)[0] == LIMITS.leaky_relu_slope
    assert grad("gelu", zero)[0] == 0.5
    assert grad("sigmoid", zero)[0] == 0.25


def test_gelu_derivative_is_the_exact_derivative_of_the_tanh_form() -> None:
    z = 1.3
    u = GELU_C * (z + GELU_K * z**3)
    t = math.tanh(u)
    expected = 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_C * (1 + 3 * GELU_K * z * z)
    assert grad("gelu", np.array([z]))[0] == pytest.approx(expected, rel=1e-15)


def test_sigmoid_is_stable_for_huge_inputs() -> None:
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # any overflow would raise here
        a = HIDDEN_ACTIVATIONS["sigmoid"].forward(z)
    assert a[0] == 0.0 and a[-1] == 1.0 and a[2] == 0.5
    assert a[1] == pytest.approx(math.exp(-40.0), rel=1e-12)  # full relative precision far in the tail


def test_softmax_rows_sum_to_one_and_never_overflow() -> None:
    z = np.array([[1000.0, 999.0, -1000.0], [0.1, 0.2, 0.3]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = softmax_forward(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-15)
    e = np.exp([1.0, 0.0])
    assert p[0, 0] == pytest.approx(e[0] / e.sum(), rel=1e-14)


def test_softmax_over_columns_equals_softmax_over_rows_transposed() -> None:
    z = np.random.default_rng(1).normal(size=(4, 3))
    np.testing.assert_array_equal(softmax_forward(z.T.copy(), axis=0), softmax_forward(z).T)


def test_softmax_backward_is_the_jacobian_vector_product() -> None:
    rng = np.random.default_rng(2)
    z, g = rng.normal(size=4), rng.normal(size=4)
    p = softmax_forward(z)
    jacobian = np.diag(p) - np.outer(p, p)  # ∂p_k/∂z_j = p_k(δ_kj − p_j)
    np.testing.assert_allclose(softmax_backward(p[None], g[None])[0], jacobian @ g, rtol=1e-13)
    assert OUTPUT_ACTIVATIONS["softmax"].derivative(z, p) is None


def test_out_argument_is_written_and_dtype_kept() -> None:
    z = np.linspace(-2, 2, 6)
    for act in HIDDEN_ACTIVATIONS.values():
        out = np.empty_like(z)
        result = act.forward(z, out)
        assert result is out and np.array_equal(out, act.forward(z))
        assert act.forward(z.astype(np.float32)).dtype == np.float32


def test_output_set_and_formulas() -> None:
    assert set(OUTPUT_ACTIVATIONS) == {"sigmoid", "softmax", "linear", "tanh", "relu"}
    assert HIDDEN_ACTIVATIONS["sigmoid"].formula == "g(z) = 1/(1+e^{-z})"
    assert HIDDEN_ACTIVATIONS["sigmoid"].derivative_formula == "g'(z) = a(1−a)"
    assert HIDDEN_ACTIVATIONS["tanh"].derivative_formula == "g'(z) = 1 − a²"
    assert "tanh form" in HIDDEN_ACTIVATIONS["gelu"].formula
    assert "0 at z = 0" in HIDDEN_ACTIVATIONS["relu"].derivative_formula
    for act in [*HIDDEN_ACTIVATIONS.values(), *OUTPUT_ACTIVATIONS.values()]:
        assert act.formula.startswith(("g(z) =", "a_k =")) and act.derivative_formula
