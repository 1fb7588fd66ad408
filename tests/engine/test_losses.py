"""Losses: values against hand formulas, ∂ℓ/∂a and δ^L = ∂ℓ/∂z^L against central differences, pairs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.engine.activations import OUTPUT_ACTIVATIONS
from app.engine.errors import EngineError
from app.engine.losses import (
    COHERENT_PAIRS,
    FUSED_PAIRS,
    LOSSES,
    check_pair,
    output_delta,
    penalty,
    penalty_gradient,
)

A = np.array([[0.2, 0.7, 0.1]])
Y = np.array([[0.0, 1.0, 0.0]])


def test_squared_losses_follow_their_lectures() -> None:
    d2 = 0.2**2 + 0.3**2 + 0.1**2
    z = A  # unused by these losses
    assert LOSSES["mse"].value(z, A, Y)[0] == pytest.approx(d2 / 3, rel=1e-15)  # 1/n_L (lecture 002)
    assert LOSSES["half_sse"].value(z, A, Y)[0] == pytest.approx(d2 / 2, rel=1e-15)  # ½ (lecture 001)
    assert LOSSES["sse"].value(z, A, Y)[0] == pytest.approx(d2, rel=1e-15)  # no ½ (lecture 004)
    np.testing.assert_allclose(LOSSES["mse"].grad_output(z, A, Y), 2 * (A - Y) / 3, rtol=1e-15)
    np.testing.assert_allclose(LOSSES["half_sse"].grad_output(z, A, Y), A - Y, rtol=1e-15)
    np.testing.assert_allclose(LOSSES["sse"].grad_output(z, A, Y), 2 * (A - Y), rtol=1e-15)


def test_bce_from_z_equals_the_textbook_formula_and_stays_finite() -> None:
    z = np.array([[-2.0, 0.3, 4.0]])
    y = np.array([[0.0, 1.0, 1.0]])
    a = 1 / (1 + np.exp(-z))
    textbook = -(y * np.log(a) + (1 - y) * np.log(1 - a)).sum()
    assert LOSSES["bce"].value(z, a, y)[0] == pytest.approx(textbook, rel=1e-13)
    far = np.array([[800.0, -800.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = LOSSES["bce"].value(far, np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]))
    assert value[0] == pytest.approx(1600.0)  # log σ(−800) = −800 exactly in the limit


def test_bce_grad_output_is_the_derivative_in_a() -> None:
    z = np.array([[-1.5, 0.4, 2.2]])
    a = 1 / (1 + np.exp(-z))
    y = np.array([[1.0, 0.0, 1.0]])
    expected = -y / a + (1 - y) / (1 - a)
    np.testing.assert_allclose(LOSSES["bce"].grad_output(z, a, y), expected, rtol=1e-12)
    saturated = LOSSES["bce"].grad_output(np.array([[40.0]]), np.array([[1.0]]), np.array([[0.0]]))
    assert saturated[0, 0] == pytest.approx(1 + math.exp(40.0))  # exact although a rounds to 1


def test_cross_entropy_uses_log_sum_exp() -> None:
    z = np.array([[1000.0, 998.0, -5.0]])
    y = np.array([[0.0, 1.0, 0.0]])
    p = OUTPUT_ACTIVATIONS["softmax"].forward(z)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = LOSSES["cross_entropy"].value(z, p, y)[0]
    assert value == pytest.approx(math.log(1 + math.exp(2.0) + math.exp(-1003.0)) + 0.0, rel=1e-14)
    np.testing.assert_allclose(LOSSES["cross_entropy"].grad_output(z, p, y)[0, 1], -1 / p[0, 1], rtol=1e-12)


PAIRS = [(out, loss) for out, losses in COHERENT_PAIRS.items() for loss in losses]


def _targets(out: str, rng: np.random.Generator, n: int) -> np.ndarray:
    if out == "softmax":
        return np.eye(n)[rng.integers(0, n, size=3)]
    if out == "sigmoid":
        return rng.integers(0, 2, size=(3, n)).astype(float)
    return rng.normal(size=(3, n))  # away from a relu output's kink and L1's: |z|, |ŷ − y| ≫ h here


@pytest.mark.parametrize(("out", "loss"), PAIRS)
def test_output_delta_is_the_derivative_in_z(out: str, loss: str) -> None:
    rng = np.random.default_rng(len(out) * 31 + len(loss))
    n = 3
    act, fn = OUTPUT_ACTIVATIONS[out], LOSSES[loss]
    z = rng.normal(size=(3, n))
    y = _targets(out, rng, n)
    delta = output_delta(fn, act, z, act.forward(z), y)
    h = 1e-6
    numeric = np.zeros_like(z)
    for i in range(3):
        for k in range(n):
            zp, zm = z.copy(), z.copy()
            zp[i, k] += h
            zm[i, k] -= h
            up, down = fn.value(zp, act.forward(zp), y)[i], fn.value(zm, act.forward(zm), y)[i]
            numeric[i, k] = (up - down) / (2 * h)
    np.testing.assert_allclose(delta, numeric, rtol=1e-7, atol=1e-9)
    if (out, loss) in FUSED_PAIRS:
        # lecture 000: dz = a − y; lecture 003: p − y
        np.testing.assert_array_equal(delta, act.forward(z) - y)


@pytest.mark.parametrize(("out", "loss"), [("softmax", "bce"), ("tanh", "cross_entropy"), ("linear", "bce")])
def test_incoherent_pairs_are_refused_naming_the_pair_and_the_choices(out: str, loss: str) -> None:
    with pytest.raises(EngineError) as caught:
        check_pair(out, loss)
    assert caught.value.field == "loss"
    assert out in caught.value.message and loss in caught.value.message
    for allowed in COHERENT_PAIRS[out]:
        assert allowed in caught.value.message


def test_unknown_loss_and_output_are_refused() -> None:
    with pytest.raises(EngineError, match="known losses"):
        check_pair("tanh", "hinge")
    with pytest.raises(EngineError) as caught:
        check_pair("gelu", "mse")
    assert caught.value.field == "output_activation"


def test_regularisation_on_weights() -> None:
    w = [np.array([[1.0, -2.0]]), np.array([[0.0], [3.0]])]
    assert penalty(w, "l2", 0.1) == pytest.approx(0.05 * (1 + 4 + 0 + 9))  # (λ/2) Σ W²
    assert penalty(w, "l1", 0.1) == pytest.approx(0.1 * 6)  # λ Σ |W|
    assert penalty(w, "none", 0.1) == 0.0
    np.testing.assert_array_equal(penalty_gradient(w[1], "l2", 0.5), 0.5 * w[1])
    np.testing.assert_array_equal(penalty_gradient(w[1], "l1", 0.5), np.array([[0.0], [0.5]]))  # sign(0) = 0
    np.testing.assert_array_equal(penalty_gradient(w[0], "none", 0.5), np.zeros((1, 2)))


def test_l1_is_the_sum_of_absolute_errors_with_the_sign_as_subgradient() -> None:
    """Lecture 003's L1 loss, summed over the outputs: ℓ = Σ_k |ŷ_k − y_k|, ∂ℓ/∂ŷ_k = sign(ŷ_k − y_k)."""
    a = np.array([[0.2, 0.7, 0.1], [1.5, -2.0, 0.25]])
    y = np.array([[0.0, 1.0, 0.1], [0.5, 1.0, 0.0]])
    expected = [sum(abs(p - t) for p, t in zip(ra, ry, strict=True)) for ra, ry in zip(a, y, strict=True)]
    np.testing.assert_allclose(LOSSES["l1"].value(a, a, y), expected, rtol=1e-15)
    np.testing.assert_array_equal(LOSSES["l1"].grad_output(a, a, y), [[1.0, -1.0, 0.0], [1.0, -1.0, 1.0]])
    assert "|ŷ_k − y_k|" in LOSSES["l1"].formula and "sign" in LOSSES["l1"].grad_formula


def test_a_relu_output_passes_the_gradient_only_where_z_is_positive() -> None:
    """Lecture 004's ReLU at the output: δ^L = ∂ℓ/∂ŷ · θ'(z), θ'(z) = 1 for z > 0, else 0."""
    relu = OUTPUT_ACTIVATIONS["relu"]
    z = np.array([[0.489], [-0.3], [0.0]])
    y = np.ones((3, 1))
    delta = output_delta(LOSSES["sse"], relu, z, relu.forward(z), y)
    np.testing.assert_array_equal(delta, [[2 * (0.489 - 1.0)], [0.0], [0.0]])
    assert "relu" in COHERENT_PAIRS and "l1" in COHERENT_PAIRS["relu"]
