"""Grid evaluation: float32 maps against an independent float64 forward pass, orientation, shapes."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.config import LIMITS
from app.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from app.engine.errors import EngineError
from app.engine.evaluate import evaluate_grids, evaluate_points, grid_points

W = LIMITS.domain_half_width


# the engine's activations evaluate the grid; the reference below uses scalar formulas of its own
HIDDEN = {name: act.forward for name, act in HIDDEN_ACTIVATIONS.items() if name != "step"}
OUTPUT = {name: act.forward for name, act in OUTPUT_ACTIVATIONS.items()}
SCALAR = {
    "tanh": math.tanh,
    "relu": lambda z: max(0.0, z),
    "leaky_relu": lambda z: z if z > 0 else LIMITS.leaky_relu_slope * z,
    "sigmoid": lambda z: 1 / (1 + math.exp(-z)),
    "gelu": lambda z: 0.5 * z * (1 + math.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z**3))),
    "linear": lambda z: z,
}


def reference_activation(name, z):
    """g applied to the units z of one example."""
    if name == "softmax":
        e = [math.exp(v - max(z)) for v in z]
        return [v / sum(e) for v in e]
    return [SCALAR[name](v) for v in z]


FEATURE_FORMULAS = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1_sq": lambda x1, x2: x1**2,
    "x2_sq": lambda x1, x2: x2**2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: math.sin(x1),
    "sin_x2": lambda x1, x2: math.sin(x2),
}


def reference_layers(weights, biases, hidden, output, names, res):
    """Every layer's values at every pixel, one pixel and one unit at a time in float64: (res, res, n_l)."""
    step = 2 * W / res
    maps = [np.zeros((res, res, len(names)))] + [np.zeros((res, res, len(b))) for b in biases]
    for i in range(res):
        for j in range(res):
            x1, x2 = -W + (j + 0.5) * step, W - (i + 0.5) * step
            a = np.array([FEATURE_FORMULAS[n](x1, x2) for n in names])
            maps[0][i, j] = a
            for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
                z = np.array([sum(w[r][k] * a[k] for k in range(len(a))) + b[r] for r in range(len(b))])
                name = hidden[layer] if layer < len(weights) - 1 else output
                a = np.array(reference_activation(name, list(z)))
                maps[layer + 1][i, j] = a
    return maps


def random_network(rng, sizes):
    weights = [rng.normal(0, 0.8, (n, m)) for m, n in itertools.pairwise(sizes)]
    biases = [rng.normal(0, 0.3, n) for n in sizes[1:]]
    return weights, biases


@settings(max_examples=25, deadline=None)
@given(
    names=st.lists(st.sampled_from(sorted(FEATURE_FORMULAS)), min_size=1, max_size=7, unique=True),
    hidden=st.lists(st.integers(1, 6), max_size=3),
    activation=st.sampled_from(sorted(HIDDEN)),
    output=st.sampled_from(sorted(OUTPUT)),
    n_out=st.integers(1, 3),
    res=st.integers(LIMITS.grid_resolution_min, 12),
    seed=st.integers(0, 1000),
)
def test_float32_maps_match_a_float64_forward_pass(names, hidden, activation, output, n_out, res, seed):
    sizes = [len(names), *hidden, n_out]
    weights, biases = random_network(np.random.default_rng(seed), sizes)
    grids = evaluate_grids(
        weights, biases, [HIDDEN[activation]] * len(hidden), OUTPUT[output], names, res, res
    )
    expected = reference_layers(weights, biases, [activation] * len(hidden), output, names, res)
    assert grids.output.dtype == np.float32 and grids.output.shape == (res, res, n_out)
    assert len(grids.neurons) == len(sizes)
    for got, want, n in zip(
        [*grids.neurons, grids.output], [*expected, expected[-1]], [*sizes, n_out], strict=True
    ):
        assert got.dtype == np.float32 and got.shape == (res, res, n)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * max(1.0, float(np.abs(want).max())))


def test_neuron_maps_at_their_own_resolution():
    weights, biases = random_network(np.random.default_rng(3), [3, 4, 2, 1])
    names = ["x1", "x2", "sin_x1"]
    grids = evaluate_grids(weights, biases, [HIDDEN["tanh"]] * 2, OUTPUT["tanh"], names, 20, 9)
    assert (grids.resolution, grids.neuron_resolution) == (20, 9)
    assert grids.output.shape == (20, 20, 1)
    assert [m.shape for m in grids.neurons] == [(9, 9, 3), (9, 9, 4), (9, 9, 2), (9, 9, 1)]
    fine = reference_layers(weights, biases, ["tanh"] * 2, "tanh", names, 20)
    coarse = reference_layers(weights, biases, ["tanh"] * 2, "tanh", names, 9)
    for got, want in zip([grids.output, *grids.neurons], [fine[-1], *coarse], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("res", [8, 9, 100])
def test_row_zero_is_the_top_and_column_zero_the_left(res):
    half = W / res  # half a pixel
    # a network without hidden layers whose two outputs are x1 and x2
    grids = evaluate_grids([np.eye(2)], [np.zeros(2)], [], OUTPUT["linear"], ["x1", "x2"], res, res)
    x1, x2 = grids.output[:, :, 0], grids.output[:, :, 1]
    np.testing.assert_allclose(x2[0], W - half, rtol=1e-6)  # top row: largest x2
    np.testing.assert_allclose(x2[-1], -W + half, rtol=1e-6)
    np.testing.assert_allclose(x1[:, 0], -W + half, rtol=1e-6)  # left column: smallest x1
    assert np.all(np.diff(x2, axis=0) < 0) and np.all(np.diff(x1, axis=1) > 0)
    assert np.unravel_index(np.argmax(x2), x2.shape)[0] == 0


def test_grid_points_are_pixel_centres():
    points = grid_points(4, (-6.0, 6.0))
    np.testing.assert_array_equal(points[:4], [[-4.5, 4.5], [-1.5, 4.5], [1.5, 4.5], [4.5, 4.5]])
    np.testing.assert_array_equal(points[-1], [4.5, -4.5])


def test_softmax_maps_are_probabilities_and_layer_zero_is_read_only():
    weights, biases = random_network(np.random.default_rng(0), [2, 5, 3])
    grids = evaluate_grids(weights, biases, [HIDDEN["relu"]], OUTPUT["softmax"], ["x1", "x2"], 16, 16)
    np.testing.assert_allclose(grids.output.sum(axis=2), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(grids.neurons[-1], grids.output)
    with pytest.raises(ValueError):
        grids.neurons[0][0, 0, 0] = 1.0
    again = evaluate_grids(weights, biases, [HIDDEN["relu"]], OUTPUT["softmax"], ["x1", "x2"], 16, 16)
    np.testing.assert_array_equal(again.output, grids.output)


@pytest.mark.parametrize("activation", ["linear", "relu", "leaky_relu", "gelu"])
def test_overflowing_maps_stay_finite_without_warnings(activation):
    weights = [np.full((8, 7), 1e11), *[np.full((8, 8), 1e11)] * 4, np.full((1, 8), 1e11)]
    biases = [np.full(8, 1.0)] * 5 + [np.zeros(1)]
    names = ["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"]
    grids = evaluate_grids(weights, biases, [HIDDEN[activation]] * 5, OUTPUT["linear"], names, 10, 10)
    for layer in [grids.output, *grids.neurons]:
        assert np.all(np.isfinite(layer))
    assert np.abs(grids.output).max() > LIMITS.divergence_threshold  # huge, not silently shrunk


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"resolution": LIMITS.grid_resolution_min - 1}, "resolution"),
        ({"neuron_resolution": LIMITS.grid_resolution_max + 1}, "neuron_resolution"),
        ({"resolution": 10.0}, "resolution"),
        ({"weights": [np.ones((2, 3))]}, "weights"),
        ({"hidden_forwards": [HIDDEN["tanh"]]}, "weights"),
        ({"feature_names": ["x1", "x3"]}, "features"),
    ],
)
def test_bad_arguments_are_refused(args, field):
    call = {
        "weights": [np.ones((1, 2))],
        "biases": [np.zeros(1)],
        "hidden_forwards": [],
        "output_forward": OUTPUT["tanh"],
        "feature_names": ["x1", "x2"],
        "resolution": 10,
        "neuron_resolution": 10,
    } | args
    with pytest.raises(EngineError) as err:
        evaluate_grids(**call)
    assert err.value.field == field


def test_points_in_float64_match_the_reference():
    weights, biases = random_network(np.random.default_rng(1), [2, 3, 1])
    names = ["x1_sq", "x1x2"]
    layers = evaluate_points(weights, biases, [HIDDEN["tanh"]], OUTPUT["sigmoid"], names, grid_points(8))
    want = reference_layers(weights, biases, ["tanh"], "sigmoid", names, 8)
    for got, ref in zip(layers, want, strict=True):
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, ref.reshape(64, -1), rtol=1e-12, atol=1e-14)


def test_step_neurons_map_the_half_plane():
    step = HIDDEN_ACTIVATIONS["step"].forward
    grids = evaluate_grids(
        [np.array([[1.0, 0.0]]), np.eye(1)], [np.zeros(1)] * 2, [step], OUTPUT["linear"], ["x1", "x2"], 10, 10
    )
    x1 = grid_points(10)[:, 0].reshape(10, 10)
    np.testing.assert_array_equal(grids.neurons[1][:, :, 0], (x1 >= 0).astype(np.float32))
    np.testing.assert_array_equal(grids.output[:, :, 0], grids.neurons[1][:, :, 0])
