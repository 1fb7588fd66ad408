"""Every preset is a valid session, and each shows what it promises, run on the real engine."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.api.presets import LECTURE004_TARGET, PRESETS
from app.config import DEFAULTS
from app.engine.errors import DivergenceError
from app.engine.lab import CustomData, Lab, LabConfig
from app.schemas.config import SessionConfig

REQUIRED = [
    "lecture004_forward",
    "lecture000_logistic",
    "xor_2_2_1",
    "default_circle",
    "hard_spiral",
    "zero_init_symmetry",
    "diverging_lr",
]


def lab_for(name: str, **overrides: Any) -> Lab:
    """A Lab built from the preset as the server builds it: custom rows become CustomData."""
    config = dict(PRESETS[name]["config"]) | overrides
    if isinstance(config.get("dataset"), dict):
        config["dataset"] = CustomData(**config["dataset"])
    return Lab(LabConfig(**config))


def metric(lab: Lab, name: str) -> float:
    """One of lab.metrics(), which must be a number."""
    value = lab.metrics()[name]
    assert value is not None
    return value


def test_the_required_presets_exist_with_a_title_and_a_description():
    assert set(REQUIRED) <= set(PRESETS)
    for preset in PRESETS.values():
        assert preset["title"].strip() and len(preset["description"]) > 40


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_a_valid_session_config_and_builds_a_lab(name):
    config = PRESETS[name]["config"]
    SessionConfig.model_validate(config)  # what the REST API accepts
    lab = lab_for(name)
    assert metric(lab, "train_loss") >= 0


def test_lecture004_forward_gives_the_lectures_numbers():
    lab = lab_for("lecture004_forward")
    records = [lab.step_phase() for _ in range(3)]
    assert [(r["phase"], r["layer"]) for r in records] == [("forward", 1), ("forward", 2), ("forward", 3)]
    expected = [[0.31, 0.21, 0.0], [0.0, 0.489], [0.489]]  # lecture 004's worked example
    for record, a in zip(records, expected, strict=True):
        np.testing.assert_allclose(record["example"]["a"], a, atol=1e-12)
    loss = lab.step_phase()
    assert loss["phase"] == "loss"
    assert loss["example"]["loss"] == pytest.approx((0.489 - LECTURE004_TARGET) ** 2)  # square loss, no ½
    np.testing.assert_allclose(loss["example"]["grad_output"], [2 * (0.489 - LECTURE004_TARGET)])


def test_lecture000_logistic_regression_has_dz_equal_to_a_minus_y():
    lab = lab_for("lecture000_logistic")
    records = lab.step_iteration()
    loss = next(r for r in records if r["phase"] == "loss")
    backward = next(r for r in records if r["phase"] == "backward")
    np.testing.assert_allclose(backward["delta"], loss["output"] - loss["targets"], atol=1e-15)
    a_prev = next(r for r in records if r["phase"] == "forward")["a_prev"]
    np.testing.assert_allclose(
        backward["grad_weights"], (loss["output"] - loss["targets"]).T @ a_prev / len(a_prev), atol=1e-15
    )
    lab.train(iterations=500)
    assert metric(lab, "train_accuracy") >= 0.95


def test_xor_2_2_1_learns_xor():
    lab = lab_for("xor_2_2_1")
    assert [w.shape for w in lab.weights] == [(2, 2), (1, 2)]
    assert lab.data.points is not None  # the four rows are drawn on the plane
    assert metric(lab, "train_accuracy") < 1
    lab.train(iterations=1000)
    assert metric(lab, "train_accuracy") == 1 and metric(lab, "train_loss") < 0.05
    # logistic regression (no hidden layer) cannot: XOR is not linearly separable
    flat = lab_for("xor_2_2_1", hidden_layers=[])
    flat.train(iterations=1000)
    assert metric(flat, "train_accuracy") <= 0.75


def test_default_circle_is_the_default_session():
    preset, default = lab_for("default_circle"), Lab(LabConfig())
    for a, b in zip(preset.weights + preset.biases, default.weights + default.biases, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(preset.data.x_train, default.data.x_train)
    assert preset.config.learning_rate == DEFAULTS.learning_rate


def test_hard_spiral_uses_many_features_and_layers():
    lab = lab_for("hard_spiral")
    assert lab.data.n_inputs == 7 and len(lab.weights) >= 4


def test_zero_init_keeps_the_hidden_neurons_of_a_layer_identical():
    lab = lab_for("zero_init_symmetry")
    lab.train(iterations=200)
    for w, b in zip(lab.weights[:-1], lab.biases[:-1], strict=True):
        np.testing.assert_array_equal(w, np.broadcast_to(w[0], w.shape))
        np.testing.assert_array_equal(b, np.full_like(b, b[0]))
    assert metric(lab, "train_loss") > 0
    assert not np.all(lab.biases[0] == PRESETS["zero_init_symmetry"]["config"]["bias_init"])  # it did train


def test_diverging_lr_diverges_within_a_few_epochs_and_a_lower_rate_does_not():
    lab = lab_for("diverging_lr")
    with pytest.raises(DivergenceError):
        lab.train(iterations=100)
    calm = lab_for("diverging_lr", learning_rate=0.03)
    calm.train(iterations=1000)
    assert metric(calm, "train_loss") < 1e-3


def test_lecture004_applies_relu_at_the_output() -> None:
    """The preset's output is ReLU, as in the lecture: h = max(0, 0.489), ℓ = (h − 1)² = 0.2611,
    δ^L = 2(h − y)."""
    assert PRESETS["lecture004_forward"]["config"]["output_activation"] == "relu"
    lab = lab_for("lecture004_forward")
    records = lab.step_iteration()
    output = records[2]
    assert output["z"][0, 0] == pytest.approx(0.489, rel=1e-14) and output["a"][0, 0] == output["z"][0, 0]
    loss = records[3]
    assert f"{loss['loss']:.4f}" == "0.2611"
    np.testing.assert_allclose(records[4]["delta"], [[2 * (0.489 - LECTURE004_TARGET)]], rtol=1e-14)
    # the same network with the output weights negated: z^L = −0.489 and the ReLU output stops it at 0
    weights = [np.asarray(w, dtype=float) for w in PRESETS["lecture004_forward"]["config"]["weights"]]
    dead = lab_for("lecture004_forward", weights=[weights[0], weights[1], -weights[2]])
    records = dead.step_iteration()
    assert records[2]["a"][0, 0] == 0.0 and records[3]["loss"] == pytest.approx(1.0)
    np.testing.assert_array_equal(records[4]["delta"], [[0.0]])
