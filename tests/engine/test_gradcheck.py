"""Backpropagation against central differences for every hidden activation × every output/loss pair."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from app.engine.activations import HIDDEN_ACTIVATIONS
from app.engine.gradcheck import gradient_check, numeric_gradient, relative_error
from app.engine.losses import COHERENT_PAIRS, LOSSES
from app.engine.network import Network
from tests.engine.factory import network

ACTIVATIONS = sorted(set(HIDDEN_ACTIVATIONS) - {"step"})
PAIRS = [(out, loss) for out, losses in COHERENT_PAIRS.items() for loss in losses]
# (hidden layers, inputs, outputs): no hidden layer, one, three, and multi-output
SHAPES = [((), 3, 1), ((4,), 2, 1), ((4, 3, 3), 3, 3), ((5,), 2, 2)]
KINKED = {"relu", "leaky_relu"}
ROWS = 5


def well_posed(
    act: str, out: str, loss: str, hidden: tuple[int, ...], n_in: int, n_out: int, reg: str
) -> Iterator[tuple[Network, np.ndarray, np.ndarray]]:
    """Networks and data where the check is meaningful: every |W| ≥ 0.2 (away from L1's kink at 0), every
    |z| ≥ 0.01 for ReLU-like units, hidden or output, and |ŷ − y| ≥ 0.01 for L1 (away from their
    kinks), every gradient 0 (a dead unit) or ≥ 1e-5
    (the relative error of a gradient that is nearly 0 says nothing)."""
    if out == "softmax":
        n_out = max(n_out, 2)
    sizes = [n_in, *hidden, n_out]
    for seed in range(50):
        rng = np.random.default_rng(
            [seed, len(hidden), n_out, ACTIVATIONS.index(act), PAIRS.index((out, loss))]
        )
        net = network(sizes, act, out, seed=seed)
        weights = [rng.uniform(0.2, 0.9, w.shape) * rng.choice([-1.0, 1.0], w.shape) for w in net.weights()]
        net.set_parameters(weights, [rng.uniform(-0.5, 0.5, b.shape) for b in net.biases()])
        x = rng.normal(size=(ROWS, n_in))
        if out == "softmax":
            y = np.eye(n_out)[rng.integers(0, n_out, ROWS)]
        elif out == "sigmoid":
            y = rng.integers(0, 2, (ROWS, n_out)).astype(float)
        else:
            y = rng.normal(size=(ROWS, n_out))
        layers = net.forward(x)
        hidden_z = [z for z, _ in layers[:-1]]
        if act in KINKED and any(np.abs(z).min() < 0.01 for z in hidden_z):
            continue
        out_z, out_a = layers[-1]
        if out in KINKED and np.abs(out_z).min() < 0.01:  # a relu output's kink
            continue
        if loss == "l1" and np.abs(out_a - y).min() < 0.01:  # |ŷ − y|'s kink
            continue
        grad_w, grad_b = net.gradients(x, y, LOSSES[loss], reg, 0.1)
        magnitudes = np.abs(np.concatenate([g.ravel() for g in grad_w + grad_b]))
        if loss != "l1" and np.any((magnitudes > 0) & (magnitudes < 1e-5)):  # L1: compared absolutely
            continue
        yield net, x, y


@pytest.mark.parametrize("act", ACTIVATIONS)
@pytest.mark.parametrize(("out", "loss"), PAIRS)
def test_backprop_matches_central_differences(act: str, out: str, loss: str) -> None:
    for hidden, n_in, n_out in SHAPES:
        for reg in ("none", "l1", "l2"):
            net, x, y = next(well_posed(act, out, loss, hidden, n_in, n_out, reg))
            if loss == "l1":  # sums of signs ±1 cancel to 0 (or 1e-17): a relative error says nothing there
                grad_w, grad_b = net.gradients(x, y, LOSSES[loss], reg, 0.1)
                blocks = zip(grad_w, grad_b, strict=True)
                analytic = np.concatenate([np.hstack([w, b[:, None]]).ravel() for w, b in blocks])
                numeric = numeric_gradient(net, x, y, LOSSES[loss], reg, 0.1)
                np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9, err_msg=f"{hidden} {reg}")
                continue
            report = gradient_check(net, x, y, LOSSES[loss], reg, 0.1)
            worst = max(layer["max"] for layer in report)
            assert worst <= 1e-6, (hidden, reg, worst)


def test_the_check_catches_a_wrong_gradient() -> None:
    """A backward pass that drops the activation's derivative fails the check by far."""
    net, x, y = next(well_posed("tanh", "linear", "half_sse", (4,), 2, 1, "none"))
    numeric = numeric_gradient(net, x, y, LOSSES["half_sse"], "none", 0.0)
    _, a1 = net.forward(x)[0]
    w2 = net.weights()[1]
    delta2 = net.output(x) - y  # δ² of half_sse with a linear output
    wrong_w1 = (delta2 @ w2).T @ x / ROWS  # ∂ℓ/∂a¹ used as δ¹: the factor 1 − a² is missing
    right_w1 = ((delta2 @ w2) * (1 - a1**2)).T @ x / ROWS
    layout = net.layout
    np.testing.assert_allclose(layout.weights(numeric)[0], right_w1, rtol=1e-8)
    assert relative_error(wrong_w1, layout.weights(numeric)[0]).max() > 1e-2


def test_gradient_check_restores_the_parameters_exactly() -> None:
    net, x, y = next(well_posed("gelu", "softmax", "cross_entropy", (4, 3, 3), 3, 3, "l2"))
    before = net.theta.copy()
    gradient_check(net, x, y, LOSSES["cross_entropy"], "l2", 0.1)
    np.testing.assert_array_equal(net.theta, before)


def test_relative_error_is_zero_when_both_gradients_are_zero() -> None:
    errors = relative_error(np.array([0.0, 1.0, -2.0]), np.array([0.0, 1.0, -2.0 + 4e-9]))
    assert errors[0] == 0.0 and errors[1] == 0.0 and errors[2] == pytest.approx(1e-9)
