"""The loss-surface slice and the activation explorer against independent computations: the slice's centre
is the session's training loss, any grid value is the loss of a network with those two parameters set, the
activation curves are finite differences of g, and a layer's histogram counts are the z themselves."""

from __future__ import annotations

import numpy as np
import pytest

from app.config import LIMITS
from app.engine import explorer
from app.engine.activations import HIDDEN_ACTIVATIONS, TANH
from app.engine.errors import EngineError
from app.engine.lab import Lab, LabConfig
from app.engine.losses import LOSSES
from app.engine.network import Network
from app.engine.surface import Parameter, loss_slice

P = Parameter
CASES = [
    # (config, first, second): weights and biases in the same layer, lower and upper layers, a regulariser
    (
        LabConfig(hidden_layers=(4, 2), regularization="l2", regularization_rate=0.01, points=120),
        P("weight", 1, 0, 1),
        P("bias", 3, 0),
    ),
    (
        LabConfig(
            dataset="blobs3",
            hidden_layers=(5,),
            activation="relu",
            output_activation="softmax",
            loss="cross_entropy",
            regularization="l1",
            regularization_rate=0.003,
            points=150,
        ),
        P("weight", 2, 2, 4),
        P("weight", 1, 3, 0),
    ),
    (
        LabConfig(hidden_layers=(3, 3), activation="sigmoid", points=100),
        P("bias", 2, 1),
        P("weight", 2, 1, 2),
    ),
]


def _lab(config: LabConfig) -> Lab:
    lab = Lab(config)
    lab.train(40)
    return lab


def _direct(lab: Lab, first: Parameter, u: float, second: Parameter, v: float) -> float:
    """The training loss + R of a copy of the network with the two parameters set, by Network.losses."""
    net = lab.network
    copy = Network(net.sizes, net.activations, net.weights(), net.biases())
    for p, value in ((first, u), (second, v)):
        if p.kind == "weight":
            assert p.col is not None
            copy.set_weight(p.layer, p.row, p.col, value)
        else:
            copy.set_bias(p.layer, p.row, value)
    config = lab.config
    data, penalty = copy.losses(
        lab.data.x_train,
        lab.data.y_train,
        LOSSES[config.loss],
        config.regularization,
        config.regularization_rate,
    )
    return data + penalty


@pytest.mark.parametrize(("config", "first", "second"), CASES)
def test_slice_matches_the_training_loss_and_direct_evaluations(
    config: LabConfig, first: Parameter, second: Parameter
) -> None:
    lab = _lab(config)
    c = lab.config
    x, y = lab.data.x_train, lab.data.y_train
    grid = loss_slice(
        lab.network, LOSSES[c.loss], x, y, c.regularization, c.regularization_rate, first, second, 1.5, 9
    )
    assert grid.data_loss == lab.metrics()["train_loss"]  # the session's train loss, exactly
    assert grid.values[4, 4] == pytest.approx(grid.data_loss + grid.penalty, rel=1e-13)
    assert grid.first[4] == grid.centre[0] and grid.second[4] == grid.centre[1]
    assert grid.first[0] == pytest.approx(grid.centre[0] - 1.5) and grid.second[-1] == pytest.approx(
        grid.centre[1] + 1.5
    )
    for a, b in ((0, 8), (7, 2), (3, 3)):  # values[b][a]: rows follow the second parameter
        expected = _direct(lab, first, float(grid.first[a]), second, float(grid.second[b]))
        assert grid.values[b, a] == pytest.approx(expected, rel=1e-12)


def test_slice_refuses_parameters_that_do_not_exist() -> None:
    lab = _lab(CASES[0][0])
    c = lab.config
    x, y, loss = lab.data.x_train, lab.data.y_train, LOSSES[c.loss]
    bad = [
        (P("weight", 4, 0, 0), P("bias", 1, 0), "first.layer"),
        (P("weight", 1, 0, 2), P("bias", 1, 0), "first.col"),
        (P("bias", 1, 0), P("bias", 3, 1), "second.row"),
        (P("bias", 1, 0), P("bias", 1, 0), "second"),
        (P("bias", 1, 0, 1), P("bias", 2, 0), "first.col"),
    ]
    for first, second, field in bad:
        with pytest.raises(EngineError) as caught:
            loss_slice(lab.network, loss, x, y, "none", 0.0, first, second, 1.0, 5)
        assert caught.value.field == field


def test_activation_curves_are_the_engines_g_and_its_finite_differences() -> None:
    sampled = explorer.curves(6.0, 401)
    z = sampled["z"]
    assert z[200] == 0.0 and z[0] == -6.0 and z[-1] == 6.0
    h = 1e-6
    by_name = {entry["name"]: entry for entry in sampled["activations"]}
    assert set(by_name) == {*HIDDEN_ACTIVATIONS, "softmax"} and by_name["softmax"]["g"] is None
    for name, act in HIDDEN_ACTIVATIONS.items():
        entry = by_name[name]
        assert np.array_equal(entry["g"], act.forward(z))
        numeric = (act.forward(z + h) - act.forward(z - h)) / (2 * h)
        smooth = np.abs(z) > 2 * h if name in ("relu", "leaky_relu", "step") else np.ones_like(z, bool)
        np.testing.assert_allclose(entry["dg"][smooth], numeric[smooth], atol=1e-7)
    # the regions' ends: where |g′| meets the saturation threshold (tanh: 1 − tanh² = 0.02), or ReLU's 0
    (left, right) = by_name["tanh"]["saturated"]
    edge = float(right[0])
    assert left == [None, -edge] and right[1] is None
    assert 1 - np.tanh(edge) ** 2 == pytest.approx(LIMITS.saturation_slope, rel=1e-9)
    assert by_name["relu"]["dead"] == [[None, 0.0]] and by_name["relu"]["saturated"] == []
    assert by_name["leaky_relu"]["saturated"] == [[None, 0.0]] and by_name["step"]["dead"] == [[None, None]]
    assert by_name["linear"]["saturated"] == by_name["linear"]["dead"] == []


def test_histogram_counts_the_layers_z() -> None:
    lab = Lab(LabConfig(hidden_layers=(6,), activation="relu", points=200, init="he"))
    lab.train(30)
    x = lab.data.x_train
    report = explorer.histogram(lab.network, x, 1, 2.0, 16)
    w, b = lab.weights[0], lab.biases[0]
    z = x @ w.T + b  # z^1, independently
    counts = np.asarray(report["counts"])
    inside = (z >= -2.0) & (z <= 2.0)
    assert np.array_equal(counts.sum(axis=1), inside.sum(axis=0))
    assert np.array_equal(counts.sum(axis=1) + report["below"] + report["above"], [len(x)] * 6)
    assert counts[:, :8].sum() == np.count_nonzero(inside & (z < 0))
    assert np.array_equal(report["dead"], np.count_nonzero(z <= 0, axis=0))
    assert report["dead_units"] == int(np.count_nonzero((z <= 0).all(axis=0)))
    assert report["min"] == pytest.approx(z.min(axis=0).tolist(), rel=1e-15)
    tanh_counts = explorer.classify(TANH, np.array([-3.0, -2.0, 0.0, 2.7]))
    assert tanh_counts.tolist() == [explorer.SATURATED, 0, 0, explorer.SATURATED]
