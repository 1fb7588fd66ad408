"""The lectures' worked examples, reproduced through the Lab with their own numbers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from app.engine.lab import CustomData, Lab, LabConfig

# Lecture 004 (STOR566): x = (1.5, −1, 1.3), ReLU, no biases, h(x) = θ(W3 θ(W2 θ(W1 x)))
X = [1.5, -1.0, 1.3]
W1 = [[0.3, 0.4, 0.2], [0.3, 0.5, 0.2], [0.8, 1.0, -1.0]]
W2 = [[0.0, -1.2, 0.5], [0.9, 1.0, 0.0]]
W3 = [[-1.0, 1.0]]
NO_BIASES = [[0.0, 0.0, 0.0], [0.0, 0.0], [0.0]]


def lecture_004(activation: str = "relu", target: float = 0.489, loss: str = "sse") -> Lab:
    return Lab(
        LabConfig(
            dataset=CustomData(inputs=[X], targets=[[target]], kind="regression"),
            hidden_layers=[3, 2],
            activation=activation,
            output_activation="linear",
            loss=loss,
            weights=[W1, W2, W3],
            biases=NO_BIASES,
            batch_size=1,
        )
    )


def test_lecture_004_forward_pass() -> None:
    lab = lecture_004()
    layer1, layer2, layer3 = (lab.step_phase() for _ in range(3))
    np.testing.assert_allclose(layer1["a_prev"][0], X)
    np.testing.assert_allclose(layer1["z"][0], [0.31, 0.21, -1.1], rtol=1e-14)
    np.testing.assert_allclose(layer1["a"][0], [0.31, 0.21, 0.0], rtol=1e-14)
    np.testing.assert_allclose(layer2["z"][0], [-0.252, 0.489], rtol=1e-14)
    np.testing.assert_allclose(layer2["a"][0], [0.0, 0.489], rtol=1e-14)
    assert layer3["a"][0, 0] == pytest.approx(0.489, rel=1e-14)
    assert layer3["example"]["a"][0] == pytest.approx(0.489, rel=1e-14)  # the traced example is x itself


def test_lecture_004_backward_with_square_loss_without_the_half() -> None:
    """δ^L = 2(h(x) − y)·θ'(s^L) (linear output: θ' = 1); δ^(l−1) = θ'(s^(l−1)) ⊙ Σ_j w_ij δ_j."""
    lab = lecture_004(target=1.0)
    records = lab.step_iteration()
    d3, d2, d1 = (r["delta"][0] for r in records if r["phase"] == "backward")
    assert d3[0] == pytest.approx(2 * (0.489 - 1.0), rel=1e-14)
    relu2 = np.array([0.0, 1.0])  # z^2 = (−0.252, 0.489)
    np.testing.assert_allclose(d2, relu2 * (np.array(W3).T @ d3), rtol=1e-14)
    relu1 = np.array([1.0, 1.0, 0.0])  # z^1 = (0.31, 0.21, −1.1)
    np.testing.assert_allclose(d1, relu1 * (np.array(W2).T @ d2), rtol=1e-14)
    np.testing.assert_allclose(d1, [-0.9198, -1.022, 0.0], rtol=1e-13)
    grad_w1 = next(r for r in records if r["phase"] == "backward" and r["layer"] == 1)["grad_weights"]
    np.testing.assert_allclose(grad_w1, np.outer(d1, X), rtol=1e-14)  # ∂e/∂w_ij = x_i^(l−1) δ_j^(l)


def test_lecture_004_tanh_delta_recursion() -> None:
    """For tanh, θ'(s) = 1 − x²: δ_i^(l−1) = (1 − (x_i^(l−1))²) Σ_j w_ij δ_j^(l)."""
    lab = lecture_004(activation="tanh", target=-0.5)
    records = lab.step_iteration()
    forward = {r["layer"]: r for r in records if r["phase"] == "forward"}
    backward = {r["layer"]: r for r in records if r["phase"] == "backward"}
    for layer, w in ((2, W3), (1, W2)):
        x = forward[layer]["a"][0]
        expected = (1 - x**2) * (np.array(w).T @ backward[layer + 1]["delta"][0])
        np.testing.assert_allclose(backward[layer]["delta"][0], expected, rtol=1e-13)
        np.testing.assert_allclose(backward[layer]["activation_grad"][0], 1 - x**2, rtol=1e-15)


# Lecture 000 (CS60010): logistic regression as a graph, no hidden layer, sigmoid + cross-entropy
INPUTS = [[0.5, 1.0], [-1.5, 0.25], [2.0, -1.0], [0.0, -0.75]]
LABELS = [[1], [0], [1], [0]]
W, B = [[0.3, -0.2]], [0.1]


def logistic_lab(**options: Any) -> Lab:
    """Lecture 000's network (sigmoid output, cross-entropy, its W and b) with `options` for the rest."""
    return Lab(
        LabConfig(
            dataset=CustomData(inputs=INPUTS, targets=LABELS),
            hidden_layers=[],
            output_activation="sigmoid",
            loss="bce",
            weights=[W],
            biases=[B],
            **options,
        )
    )


def logistic_regression(learning_rate: float = 0.1) -> Lab:
    # batch_size 4: the whole training set, lecture 000's vectorised version
    return logistic_lab(batch_size=4, shuffle=False, learning_rate=learning_rate)


def test_lecture_000_logistic_regression_gradients() -> None:
    lab = logistic_regression()
    forward, loss, backward, update = lab.step_iteration()
    x, y = np.array(INPUTS), np.array(LABELS, dtype=float)
    z = x @ np.array(W).T + B
    a = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(forward["a"], a, rtol=1e-15)
    expected_loss = float(np.mean(-(y * np.log(a) + (1 - y) * np.log(1 - a))))
    assert loss["loss"] == pytest.approx(expected_loss, rel=1e-14)
    # ∂L/∂a = −y/a + (1−y)/(1−a), and dz = ∂L/∂a · a(1−a) = a − y
    np.testing.assert_allclose(loss["grad_output"], -y / a + (1 - y) / (1 - a), rtol=1e-12)
    np.testing.assert_allclose(backward["delta"], a - y, rtol=1e-15)
    np.testing.assert_allclose(backward["delta"], loss["grad_output"] * a * (1 - a), rtol=1e-12)
    # dw = (1/n) X dZᵀ, db = (1/n) Σ dz: per example dw = (a − y) x, averaged
    np.testing.assert_allclose(
        backward["grad_weights"], ((a - y) * x).mean(axis=0, keepdims=True), rtol=1e-14
    )
    np.testing.assert_allclose(backward["grad_biases"], (a - y).mean(axis=0), rtol=1e-14)
    # w = w − η dw, b = b − η db
    np.testing.assert_allclose(update["weights"][0], np.array(W) - 0.1 * backward["grad_weights"], rtol=1e-15)
    np.testing.assert_allclose(update["biases"][0], np.array(B) - 0.1 * backward["grad_biases"], rtol=1e-15)
    example = backward["example"]  # one example's own dz = a − y and dw = (a − y) x
    assert example["delta"][0] == pytest.approx(a[0, 0] - 1.0, rel=1e-15)
    np.testing.assert_allclose(example["grad_weights"][0], (a[0, 0] - 1.0) * x[0], rtol=1e-15)


def test_lecture_003_weight_decay_gradient_is_lambda_w() -> None:
    lab = logistic_lab(regularization="l2", regularization_rate=0.5)
    records = lab.step_iteration()
    loss, backward = records[1], records[2]
    np.testing.assert_allclose(backward["grad_weights_reg"], 0.5 * np.array(W), rtol=1e-15)
    assert loss["regularization"] == pytest.approx(0.25 * (0.09 + 0.04), rel=1e-14)  # (λ/2) Σ W²
    assert loss["total"] == pytest.approx(loss["loss"] + loss["regularization"], rel=1e-15)


def test_lecture_002_mse_divides_by_the_number_of_outputs() -> None:
    lab = Lab(
        LabConfig(
            dataset=CustomData(inputs=[[1.0, 2.0]], targets=[[0.5, -0.5, 2.0]], kind="regression"),
            hidden_layers=[],
            output_activation="linear",
            loss="mse",
            weights=[[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]],
            biases=[[0.0, 0.0, 0.0]],
        )
    )
    loss = lab.step_iteration()[1]
    assert loss["loss"] == pytest.approx(((1 - 0.5) ** 2 + (2 + 0.5) ** 2 + (3 - 2) ** 2) / 3, rel=1e-15)
    assert math.isclose(loss["per_example"][0], loss["loss"], rel_tol=1e-15)


def test_lecture_004_outputs_table_gives_h_x_and_the_example_loss() -> None:
    lab = lecture_004(target=1.0)
    out = lab.outputs()
    assert out["train"].shape == (1, 1) and out["test"].shape == (0, 1)
    assert out["train"][0, 0] == pytest.approx(0.489, rel=1e-14)
    assert out["train_loss"][0] == pytest.approx((0.489 - 1.0) ** 2, rel=1e-13)  # sse: no ½
    assert lab.metrics()["train_loss"] == pytest.approx(float(out["train_loss"].mean()), rel=1e-15)
