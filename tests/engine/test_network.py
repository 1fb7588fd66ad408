"""The network: shapes and index conventions, exact parameters, validation, the reference backward pass."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from app.engine.errors import EngineError
from app.engine.init import INIT_SCHEMES, init_parameters
from app.engine.losses import LOSSES
from app.engine.network import Layout, Network

TANH, LINEAR = HIDDEN_ACTIVATIONS["tanh"], OUTPUT_ACTIVATIONS["linear"]


def make(sizes: list[int], seed: int = 0) -> Network:
    rng = np.random.default_rng(seed)
    w, b = init_parameters(sizes, "xavier", 0.1, rng)
    return Network(sizes, [TANH] * (len(sizes) - 2) + [LINEAR], w, b)


def test_weight_shapes_and_index_convention() -> None:
    net = Network([3, 2, 1], [TANH, LINEAR], [np.zeros((2, 3)), np.zeros((1, 2))], [np.zeros(2), np.zeros(1)])
    assert [w.shape for w in net.weights()] == [(2, 3), (1, 2)]  # W^l is (n_l, n_(l−1))
    net.set_weight(1, 0, 2, 1.5)  # from neuron 2 of layer 0 (input x_3) to neuron 0 of layer 1
    z, _ = net.forward_layer(1, np.array([[0.0, 0.0, 2.0]]))
    assert z[0].tolist() == [3.0, 0.0]


def test_parameters_round_trip_exactly() -> None:
    net = make([2, 4, 3, 1])
    weights = [np.random.default_rng(i).normal(size=w.shape) for i, w in enumerate(net.weights())]
    biases = [np.array([0.1 + 0.2, 1 / 3, -7e-300, 5.0])[: b.size] for b in net.biases()]
    net.set_parameters(weights, biases)
    for got, want in zip(net.weights() + net.biases(), weights + biases, strict=True):
        assert np.array_equal(got, want)
    copies = net.weights()
    copies[0][0, 0] = 99.0  # copies: changing them changes nothing
    assert net.weights()[0][0, 0] == weights[0][0, 0]


@pytest.mark.parametrize(
    ("weights", "biases", "field", "needle"),
    [
        (
            [np.zeros((3, 2)), np.zeros((1, 4))],
            [np.zeros(4), np.zeros(1)],
            "weights",
            "layer 1: W^1 must have shape (4 × 2), got (3, 2)",
        ),
        (
            [np.zeros((4, 2)), np.zeros((1, 4))],
            [np.zeros(4), np.zeros(2)],
            "biases",
            "layer 2: b^2 must have shape (1)",
        ),
        ([np.zeros((4, 2)), np.full((1, 4), np.nan)], [np.zeros(4), np.zeros(1)], "weights", "layer 2"),
        ([np.zeros((4, 2)), np.full((1, 4), 1e9)], [np.zeros(4), np.zeros(1)], "weights", "within ±"),
        ([np.zeros((4, 2))], [np.zeros(4)], "weights", "list of 2 layers"),
        ([[[1, 2], [3]], np.zeros((1, 4))], [np.zeros(4), np.zeros(1)], "weights", "layer 1"),
    ],
)
def test_bad_parameters_are_refused_and_change_nothing(weights, biases, field, needle) -> None:
    net = make([2, 4, 1])
    before = net.theta.copy()
    with pytest.raises(EngineError) as caught:
        net.set_parameters(weights, biases)
    assert caught.value.field == field and needle in caught.value.message
    assert np.array_equal(net.theta, before)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda n: n.set_weight(3, 0, 0, 1.0), "layer"),
        (lambda n: n.set_weight(1, 4, 0, 1.0), "row"),
        (lambda n: n.set_weight(1, 0, 2, 1.0), "col"),
        (lambda n: n.set_weight(1, 0, 0, float("inf")), "value"),
        (lambda n: n.set_bias(2, 1, 1.0), "row"),
        (lambda n: n.set_bias(1, 0, True), "value"),
    ],
)
def test_single_parameter_edits_are_checked(call, field) -> None:
    net = make([2, 4, 1])
    before = net.theta.copy()
    with pytest.raises(EngineError) as caught:
        call(net)
    assert caught.value.field == field
    assert np.array_equal(net.theta, before)


def test_layout_packs_w_and_b_side_by_side() -> None:
    layout = Layout([2, 3, 1])
    assert layout.shapes == [(3, 3), (1, 4)] and layout.size == 13
    assert layout.weight_mask.sum() == 3 * 2 + 1 * 3  # ones at weights, zeros at biases


def test_reference_gradients_match_an_explicit_two_layer_derivation() -> None:
    """Lecture 000's 2-layer summary with rows: dz2 = a2 − y ... here with tanh, linear and half_sse."""
    net = make([2, 3, 1], seed=3)
    x = np.array([[0.5, -1.0], [1.5, 0.2]])
    y = np.array([[1.0], [-0.5]])
    w1, w2 = net.weights()
    b1, b2 = net.biases()
    a1 = np.tanh(x @ w1.T + b1)
    a2 = a1 @ w2.T + b2
    dz2 = a2 - y  # half_sse with a linear output
    dz1 = (dz2 @ w2) * (1 - a1**2)
    grad_w, grad_b = net.gradients(x, y, LOSSES["half_sse"], "none", 0.0)
    np.testing.assert_allclose(grad_w[1], dz2.T @ a1 / 2, rtol=1e-14)
    np.testing.assert_allclose(grad_w[0], dz1.T @ x / 2, rtol=1e-14)
    np.testing.assert_allclose(grad_b[0], dz1.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(grad_b[1], dz2.mean(axis=0), rtol=1e-14)


def test_no_hidden_layer_is_a_single_affine_map() -> None:
    net = Network([3, 1], [OUTPUT_ACTIVATIONS["sigmoid"]], [np.array([[1.0, 2.0, 3.0]])], [np.array([-1.0])])
    out = net.output(np.array([[1.0, 0.0, 0.0]]))
    assert out[0, 0] == pytest.approx(0.5)


@pytest.mark.parametrize("scheme", sorted(INIT_SCHEMES))
def test_init_schemes_are_seeded_and_in_range(scheme: str) -> None:
    sizes = [3, 16, 4]
    w1, b1 = init_parameters(sizes, scheme, 0.25, np.random.default_rng(5))
    w2, _ = init_parameters(sizes, scheme, 0.25, np.random.default_rng(5))
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2, strict=True))
    assert all(np.all(b == 0.25) for b in b1)
    bound = {
        "zeros": 0.0,
        "uniform": 1 / np.sqrt(3),
        "xavier": np.sqrt(6 / 19),
        "playground": 0.5,
        "he": np.inf,
    }[scheme]
    assert np.all(np.abs(w1[0]) <= bound)
    if scheme == "he":  # N(0, 2/fan_in): the sample spread of 64 draws is near √(2/fan_in)
        spread = np.concatenate(
            [w.ravel() for w in init_parameters([3, 64, 1], scheme, 0, np.random.default_rng(1))[0][:1]]
        )
        assert 0.6 < spread.std() / np.sqrt(2 / 3) < 1.4
