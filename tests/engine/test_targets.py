"""Target encoding for each output activation, and the class an output predicts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.config import LIMITS
from app.engine.errors import EngineError
from app.engine.targets import check_targets, encode_targets, predicted_class


@pytest.mark.parametrize(
    ("n_classes", "output", "expected"),
    [
        (2, "tanh", [[-1], [1], [1]]),
        (2, "linear", [[-1], [1], [1]]),
        (2, "sigmoid", [[0], [1], [1]]),
        (2, "softmax", [[1, 0], [0, 1], [0, 1]]),
        (3, "softmax", [[1, 0, 0], [0, 1, 0], [0, 1, 0]]),
        (3, "sigmoid", [[1, 0, 0], [0, 1, 0], [0, 1, 0]]),
    ],
)
def test_target_encoding_follows_the_output(n_classes, output, expected):
    targets = encode_targets(np.array([0, 1, 1]), n_classes, output)
    assert targets.dtype == np.float64
    np.testing.assert_array_equal(targets, expected)


def test_regression_targets_are_the_values():
    np.testing.assert_array_equal(encode_targets(np.array([0.25, -1.5]), 0, "linear"), [[0.25], [-1.5]])
    np.testing.assert_array_equal(encode_targets(np.array([[1.0, 2.0]]), 0, "sigmoid"), [[1.0, 2.0]])


@pytest.mark.parametrize("labels", [[0, 2], [-1, 0], [0.5, 1]])
def test_labels_outside_the_classes_are_refused(labels):
    with pytest.raises(EngineError):
        encode_targets(np.array(labels), 2, "sigmoid")


@settings(max_examples=60, deadline=None)
@given(
    n_classes=st.integers(2, LIMITS.max_outputs),
    output=st.sampled_from(["tanh", "linear", "sigmoid", "softmax"]),
    data=st.data(),
)
def test_the_encoded_target_predicts_its_own_class(n_classes, output, data):
    labels = np.array(data.draw(st.lists(st.integers(0, n_classes - 1), min_size=1, max_size=30)))
    if n_classes > 2 and output in ("tanh", "linear"):
        with pytest.raises(EngineError):
            encode_targets(labels, n_classes, output)
        return
    targets = encode_targets(labels, n_classes, output)
    assert targets.shape == (len(labels), 1 if n_classes == 2 and output != "softmax" else n_classes)
    np.testing.assert_array_equal(predicted_class(targets, output), labels)


def test_predicted_class_rules():
    out = np.array([[-0.2], [0.0], [0.3], [0.6]])
    assert list(predicted_class(out, "tanh")) == [0, 0, 1, 1]
    assert list(predicted_class(out, "linear")) == [0, 0, 1, 1]
    assert list(predicted_class(out, "sigmoid")) == [0, 0, 0, 1]
    assert list(predicted_class(out[:, 0], "sigmoid")) == [0, 0, 0, 1]
    assert list(predicted_class(np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]]), "softmax")) == [1, 0]


def test_binary_cross_entropy_needs_targets_between_0_and_1() -> None:
    """Sigmoid + BCE on "bumps" (targets in [−1, 1]) would give a negative loss: refused, naming loss."""
    from app.engine.lab import Lab, LabConfig

    with pytest.raises(EngineError) as caught:
        Lab(LabConfig(dataset="bumps", output_activation="sigmoid", loss="bce"))
    assert caught.value.field == "loss" and "between 0 and 1" in caught.value.message
    Lab(LabConfig(dataset="bumps", output_activation="sigmoid", loss="mse"))  # a squared loss fits
    check_targets("bce", np.array([[0.0], [0.25], [1.0]]))
    with pytest.raises(EngineError, match=r"from -0\.5 to 1"):
        check_targets("bce", np.array([[-0.5], [1.0]]))


def test_cross_entropy_needs_one_hot_rows() -> None:
    check_targets("cross_entropy", np.eye(3)[[0, 2, 1]])
    for rows in ([[0.5, 0.5]], [[1.0, 1.0]], [[0.0, 0.0]]):
        with pytest.raises(EngineError) as caught:
            check_targets("cross_entropy", np.array(rows))
        assert caught.value.field == "loss" and "one-hot" in caught.value.message
    check_targets("l1", np.array([[-7.0]]))  # unrestricted losses take any targets


def test_data_handed_to_a_lab_are_checked_against_its_loss() -> None:
    """A checkpoint's data (Lab(config, data)) go through the same rule as data built from the config."""
    from app.engine.lab import Lab, LabConfig

    bumps = Lab(LabConfig(dataset="bumps", output_activation="sigmoid", loss="mse")).data
    with pytest.raises(EngineError) as caught:
        Lab(LabConfig(dataset="bumps", output_activation="sigmoid", loss="bce"), bumps)
    assert caught.value.field == "loss"


def test_a_relu_output_takes_0_1_targets_and_predicts_above_one_half() -> None:
    np.testing.assert_array_equal(encode_targets(np.array([0, 1]), 2, "relu"), [[0.0], [1.0]])
    np.testing.assert_array_equal(encode_targets(np.array([0, 2]), 3, "relu"), [[1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(predicted_class(np.array([[0.2], [0.7]]), "relu"), [0, 1])
