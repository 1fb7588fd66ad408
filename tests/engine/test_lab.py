"""The Lab facade end to end: defaults, checks before any change, live settings, resets, data edits."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from app.config import DEFAULTS, LIMITS
from app.engine.data import build_dataset
from app.engine.lab import CustomData, DivergenceError, EngineError, Lab, LabConfig


def snapshot(lab: Lab) -> tuple[Any, ...]:
    """Everything a rejected call must leave as it was."""
    return (
        lab.config,
        [w.tolist() for w in lab.weights],
        [b.tolist() for b in lab.biases],
        lab.cursor,
        lab.data.n_train,
        repr(lab.optimizer_state()),
    )


def test_default_lab_is_tf_playgrounds_setup() -> None:
    lab = Lab()
    assert lab.config == LabConfig()
    assert lab.config.hidden_layers == DEFAULTS.hidden_layers and lab.config.learning_rate == 0.03
    assert [w.shape for w in lab.weights] == [(4, 2), (2, 4), (1, 2)]
    assert all(np.all(b == 0.1) for b in lab.biases)
    assert all(np.all(np.abs(w) <= 0.5) for w in lab.weights)
    assert lab.data.n_train == 250 and lab.cursor["batches_per_epoch"] == 25
    same = Lab()
    assert all(np.array_equal(a, b) for a, b in zip(lab.weights, same.weights, strict=True))


def test_training_lowers_the_loss_and_metrics_are_complete() -> None:
    lab = Lab(LabConfig(learning_rate=0.1))
    before = lab.metrics()
    assert lab.train(iterations=25 * 30) == 750
    after = lab.metrics()
    assert set(after) == {"train_loss", "test_loss", "train_accuracy", "test_accuracy"}
    assert after["train_loss"] is not None and before["train_loss"] is not None
    assert after["train_accuracy"] is not None
    assert after["train_loss"] < before["train_loss"] and after["train_accuracy"] > 0.9
    assert lab.cursor["epoch"] == 30 and lab.cursor["step"] == 750


def test_metrics_match_an_independent_computation() -> None:
    lab = Lab(LabConfig(output_activation="sigmoid", loss="bce", dataset="xor"))
    lab.train(40)
    x, y = lab.data.x_test, lab.data.y_test
    a = x
    for w, b in zip(lab.weights[:-1], lab.biases[:-1], strict=True):
        a = np.tanh(a @ w.T + b)
    z = a @ lab.weights[-1].T + lab.biases[-1]
    p = 1 / (1 + np.exp(-z))
    bce = float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
    metrics = lab.metrics()
    assert metrics["test_loss"] == pytest.approx(bce, rel=1e-12)
    assert metrics["test_accuracy"] == pytest.approx(float(np.mean((p[:, 0] > 0.5) == (y[:, 0] == 1))))


def test_regression_and_custom_data_metrics() -> None:
    lab = Lab(LabConfig(dataset="plane", output_activation="linear", loss="mse"))
    metrics = lab.metrics()
    assert metrics["train_accuracy"] is None and metrics["test_loss"] is not None
    custom = Lab(
        LabConfig(
            dataset=CustomData(inputs=[[1.0], [2.0]], targets=[[0.5], [1.5]]), output_activation="linear"
        )
    )
    assert custom.metrics()["test_loss"] is None and custom.metrics()["test_accuracy"] is None
    with pytest.raises(EngineError) as caught:
        custom.grids()
    assert caught.value.field == "dataset"


@pytest.mark.parametrize(
    ("changes", "field", "needle"),
    [
        (dict(hidden_layers=[4] * 7), "hidden_layers", "between 0 and 6 layers, got 7"),
        (dict(hidden_layers=[4, 17]), "hidden_layers[1]", "between 1 and 16, got 17"),
        (dict(hidden_layers=[0]), "hidden_layers[0]", "got 0"),
        (dict(activation="softmax"), "activation", "must be one of step, sigmoid"),
        (dict(layer_activations=["relu"]), "layer_activations", "2 entries"),
        (dict(layer_activations=["relu", "swish"]), "layer_activations[1]", "got 'swish'"),
        (dict(output_activation="gelu"), "output_activation", "got 'gelu'"),
        (dict(loss="bce"), "loss", "with tanh choose one of mse, half_sse, sse"),
        (dict(learning_rate=11.0), "learning_rate", f"between {LIMITS.learning_rate_min:g} and 10, got 11.0"),
        (dict(learning_rate=float("nan")), "learning_rate", "got nan"),
        (dict(batch_size=0), "batch_size", "between 1 and"),
        (dict(batch_size=2.5), "batch_size", "integer"),
        (dict(optimizer="rmsprop"), "optimizer", "sgd, momentum, adam"),
        (dict(momentum=1.0), "momentum", "between 0 and 0.999"),
        (dict(regularization="l3"), "regularization", "none, l1, l2"),
        (dict(regularization_rate=-1.0), "regularization_rate", "between 0 and 10"),
        (dict(init="orthogonal"), "init", "zeros, uniform, xavier, he, playground"),
        (dict(bias_init=float("inf")), "bias_init", "got inf"),
        (dict(seed=-1), "seed", "between 0 and"),
        (dict(shuffle="yes"), "shuffle", "true or false"),
        (dict(weights=[[[0.0, 0.0]]]), "weights", "together"),
        (dict(selected=250), "selected", "between 0 and 249, got 250"),
        (dict(points=3), "points", ""),
        (dict(features=["x3"]), "features", ""),
        (
            dict(
                weights=[np.zeros((4, 2)), np.zeros((2, 4)), np.zeros((2, 2))],
                biases=[np.zeros(4), np.zeros(2), np.zeros(1)],
            ),
            "weights",
            "layer 3",
        ),
    ],
)
def test_invalid_configs_are_refused_naming_the_field(
    changes: dict[str, Any], field: str, needle: str
) -> None:
    with pytest.raises(EngineError) as caught:
        Lab(LabConfig(**changes))
    assert caught.value.field == field
    assert needle in caught.value.message


def test_softmax_data_and_explicit_layer_overrides() -> None:
    lab = Lab(
        LabConfig(
            dataset="blobs3",
            output_activation="softmax",
            loss="cross_entropy",
            hidden_layers=[6, 5, 4],
            layer_activations=["relu", None, "gelu"],
        )
    )
    assert [a.name for a in lab.network.activations] == ["relu", "tanh", "gelu", "softmax"]
    assert lab.weights[-1].shape == (3, 4)
    records = lab.step_iteration()
    loss = next(r for r in records if r["phase"] == "loss")
    np.testing.assert_allclose(loss["output"].sum(axis=1), 1.0, rtol=1e-14)


def test_set_hyper_reports_changes_and_the_config_follows() -> None:
    lab = Lab()
    changed = lab.set_hyper(learning_rate=0.1, batch_size=10, momentum=0.5, optimizer="momentum")
    assert changed == {"learning_rate": (0.03, 0.1), "momentum": (0.9, 0.5), "optimizer": ("sgd", "momentum")}
    assert lab.config.learning_rate == 0.1 and lab.config.optimizer == "momentum"
    lab.train(5)
    assert lab.optimizer_state()["name"] == "momentum" and lab.optimizer_state()["momentum"] == 0.5
    assert lab.set_hyper(learning_rate=0.1) == {}


@pytest.mark.parametrize(
    "call",
    [
        lambda lab: lab.set_hyper(learning_rate=0.2, batch_size=0),
        lambda lab: lab.set_hyper(hidden_layers=[3]),
        lambda lab: lab.set_parameters(
            [np.ones((4, 2)), np.ones((2, 4)), np.ones((1, 3))], [np.ones(4), np.ones(2), np.ones(1)]
        ),
        lambda lab: lab.set_weight(1, 9, 0, 1.0),
        lambda lab: lab.set_bias(2, 0, float("nan")),
        lambda lab: lab.reset(seed=-5),
        lambda lab: lab.select(250),
        lambda lab: lab.add_point(7.0, 0.0, 1),
        lambda lab: lab.add_point(1.0, 0.0, 2),
        lambda lab: lab.remove_point(250),
        lambda lab: lab.train(iterations=-1),
    ],
)
def test_a_rejected_call_leaves_the_lab_unchanged(call: Any) -> None:
    lab = Lab()
    lab.train(7)
    lab.step_phase()
    before = snapshot(lab)
    with pytest.raises(EngineError):
        call(lab)
    assert snapshot(lab) == before
    lab.step_iteration()  # and it still works


def test_reset_to_the_same_or_a_new_initialisation() -> None:
    lab = Lab()
    initial = lab.weights
    lab.set_hyper(optimizer="adam", learning_rate=0.01)
    lab.train(30)
    lab.reset()
    assert all(np.array_equal(a, b) for a, b in zip(initial, lab.weights, strict=True))
    assert lab.cursor["step"] == 0 and lab.cursor["epoch"] == 0 and lab.optimizer_state()["t"] == 0
    assert lab.config.optimizer == "adam"  # live settings stay
    lab.reset(seed=7)
    assert lab.config.seed == 7 and not np.array_equal(initial[0], lab.weights[0])
    again = Lab(dataclasses.replace(LabConfig(), seed=7))
    assert all(np.array_equal(a, b) for a, b in zip(again.weights, lab.weights, strict=True))


def test_parameters_set_exactly_and_read_back() -> None:
    lab = Lab(LabConfig(hidden_layers=[3]))
    weights = [np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]), np.array([[1.0, -1.0, 0.5]])]
    biases = [np.array([0.0, 0.1, 0.2]), np.array([-0.3])]
    for _ in range(2):
        lab.step_phase()
    lab.set_parameters(weights, biases)
    assert lab.cursor["phase"] == "forward" and lab.cursor["layer"] == 1  # the iteration restarts
    assert all(np.array_equal(a, b) for a, b in zip(lab.weights, weights, strict=True))
    lab.set_weight(2, 0, 1, 7.5)
    lab.set_bias(1, 2, -2.0)
    assert lab.weights[1][0, 1] == 7.5 and lab.biases[0][2] == -2.0
    assert lab.step_phase()["z"].shape == (10, 3)


def test_select_and_point_edits() -> None:
    lab = Lab(LabConfig(points=40))
    lab.select(5)
    assert lab.config.selected == 5 and lab.step_phase()["example"]["index"] == 5
    n = lab.data.n_train
    lab.add_point(1.0, -2.0, 1)
    assert lab.data.n_train == n + 1 and lab.cursor["phase"] == "forward" and lab.cursor["layer"] == 1
    lab.remove_point(2)
    assert lab.data.n_train == n and lab.config.selected == 4  # the traced example keeps its point
    np.testing.assert_array_equal(lab.step_iteration()[0]["example"]["a_prev"], lab.data.x_train[4])
    lab.train(20)


def test_grids_cover_every_neuron() -> None:
    lab = Lab()
    grids = lab.grids(20, 10)
    assert grids.output.shape == (20, 20, 1) and grids.output.dtype == np.float32
    assert [n.shape for n in grids.neurons] == [(10, 10, 2), (10, 10, 4), (10, 10, 2), (10, 10, 1)]


def test_gradient_check_on_the_current_batch() -> None:
    config = LabConfig(hidden_layers=[3], regularization="l2", regularization_rate=0.01)
    lab, twin = Lab(config), Lab(config)
    lab.train(3)
    twin.train(3)
    report = lab.gradient_check()
    assert [r["layer"] for r in report] == [1, 2]
    assert set(report[0]) == {"layer", "weights_rel_error", "biases_rel_error", "max"}
    assert report[0]["weights_rel_error"].shape == (3, 2) and report[1]["biases_rel_error"].shape == (1,)
    assert max(r["max"] for r in report) < 1e-6
    # checking drew nothing and changed nothing: the same batch and numbers come next as in its twin
    np.testing.assert_array_equal(lab.step_phase()["batch"], twin.step_phase()["batch"])
    lab.train(30)
    twin.train(30)
    assert all(np.array_equal(a, b) for a, b in zip(lab.weights, twin.weights, strict=True))


def test_a_rebuild_is_a_new_lab_from_a_changed_config() -> None:
    lab = Lab()
    lab.set_hyper(learning_rate=0.3)
    rebuilt = Lab(dataclasses.replace(lab.config, hidden_layers=[8], dataset="spiral"))
    assert rebuilt.config.learning_rate == 0.3 and rebuilt.weights[0].shape == (8, 2)


def test_divergence_reaches_the_lab_caller() -> None:
    lab = Lab(
        LabConfig(
            dataset="plane", output_activation="linear", loss="mse", activation="linear", learning_rate=10.0
        )
    )
    with pytest.raises(DivergenceError) as caught:
        lab.train(1000)
    assert caught.value.phase in ("forward", "loss", "backward", "update")
    assert all(np.all(np.isfinite(w)) for w in lab.weights)
    assert all(v is None or np.isfinite(v) for v in lab.metrics().values())  # never NaN or ±∞


def test_data_matches_the_data_module() -> None:
    lab = Lab(LabConfig(dataset="moons", points=60, noise=0.2, seed=3))
    data = build_dataset("moons", 60, 0.2, 0.5, ("x1", "x2"), "tanh", 3)
    np.testing.assert_array_equal(lab.data.x_train, data.x_train)


def test_outputs_are_every_examples_forward_pass_and_loss() -> None:
    lab = Lab(LabConfig(dataset="blobs3", output_activation="softmax", loss="cross_entropy", points=60))
    lab.train(5)
    out = lab.outputs()
    data = lab.data
    for name, x, y in (("train", data.x_train, data.y_train), ("test", data.x_test, data.y_test)):
        a = x
        for w, b, act in zip(lab.weights, lab.biases, ["tanh", "tanh", "softmax"], strict=True):
            z = a @ w.T + b
            a = np.tanh(z) if act == "tanh" else np.exp(z - z.max(1, keepdims=True))
        a = a / a.sum(1, keepdims=True)
        np.testing.assert_allclose(out[name], a, rtol=1e-12)
        np.testing.assert_allclose(out[f"{name}_loss"], -np.log((a * y).sum(1)), rtol=1e-10)
    means = [float(out["train_loss"].mean()), float(out["test_loss"].mean())]
    metrics = lab.metrics()
    assert means == pytest.approx([metrics["train_loss"], metrics["test_loss"]], rel=1e-12)
