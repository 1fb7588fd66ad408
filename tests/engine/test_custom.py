"""Custom rows: the documented kind rule, the lecture's example, refusals, and rows drawn on the plane."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.config import LIMITS
from app.engine.data import CustomData, build_dataset
from app.engine.errors import EngineError


def custom(inputs, targets, kind=None, output="linear"):
    source = CustomData(inputs, targets, kind)
    return build_dataset(source, 100, 0.0, 0.5, ("x1", "x2"), output, 0)


def test_lecture_004_row_is_a_regression_with_one_training_example():
    data = custom([[1.5, -1.0, 1.3]], [[1.0]])
    assert (data.kind, data.n_outputs, data.n_train, data.n_test) == ("regression", 1, 1, 0)
    assert data.points is None and data.feature_labels == ("x₁", "x₂", "x₃")
    np.testing.assert_array_equal(data.x_train, [[1.5, -1.0, 1.3]])
    np.testing.assert_array_equal(data.y_train, [[1.0]])
    assert data.x_test.shape == (0, 3) and data.y_test.shape == (0, 1)


@pytest.mark.parametrize(
    ("targets", "kind", "output", "expected_kind", "n_classes", "encoded"),
    [
        ([[0], [1], [1], [0]], None, "sigmoid", "classification", 2, [[0], [1], [1], [0]]),
        ([[0], [1], [1], [0]], None, "tanh", "classification", 2, [[-1], [1], [1], [-1]]),
        ([[0], [1], [1], [0]], "regression", "linear", "regression", 0, [[0], [1], [1], [0]]),
        (
            [[1, 0], [0, 1], [0, 1], [1, 0]],
            None,
            "softmax",
            "classification",
            2,
            [[1, 0], [0, 1], [0, 1], [1, 0]],
        ),
        (
            [[0], [2], [1], [2]],
            None,
            "softmax",
            "classification",
            3,
            [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]],
        ),
        ([[1], [1], [1], [1]], None, "linear", "regression", 0, [[1], [1], [1], [1]]),
        ([[1], [1], [1], [1]], "classification", "sigmoid", "classification", 2, [[1], [1], [1], [1]]),
        ([[0.5], [1], [2], [3]], None, "linear", "regression", 0, [[0.5], [1], [2], [3]]),
        ([[3], [17], [42], [0]], None, "linear", "regression", 0, [[3], [17], [42], [0]]),
        (
            [[0.5, 2], [1, 1], [0, 0], [3, 4]],
            None,
            "linear",
            "regression",
            0,
            [[0.5, 2], [1, 1], [0, 0], [3, 4]],
        ),
    ],
)
def test_custom_targets_follow_the_documented_rule(targets, kind, output, expected_kind, n_classes, encoded):
    data = custom([[0, 0], [0, 1], [1, 0], [1, 1]], targets, kind, output)
    assert (data.kind, data.n_classes) == (expected_kind, n_classes)
    np.testing.assert_array_equal(data.y_train, encoded)


@pytest.mark.parametrize(
    ("inputs", "targets", "kind", "field"),
    [
        ([], [], None, "dataset.inputs"),
        ([[1, 2], [3]], [[0], [1]], None, "dataset.inputs"),
        ([[1.0, math.nan]], [[0]], None, "dataset.inputs"),
        ([[1.0, 2 * LIMITS.max_abs_input]], [[0]], None, "dataset.inputs"),
        ([[True, 1.0]], [[0]], None, "dataset.inputs"),
        ([[1.0, "2"]], [[0]], None, "dataset.inputs"),
        ([[0.0] * (LIMITS.max_inputs + 1)], [[0]], None, "dataset.inputs"),
        (
            [[1.0]] * (LIMITS.max_custom_rows + 1),
            [[0]] * (LIMITS.max_custom_rows + 1),
            None,
            "dataset.inputs",
        ),
        ([[1.0], [2.0]], [[0]], None, "dataset.targets"),
        ([[1.0]], [[0.0] * (LIMITS.max_outputs + 1)], None, "dataset.targets"),
        ([[1.0], [2.0]], [[0.5], [1]], "classification", "dataset.targets"),
        ([[1.0], [2.0]], [[0], [1]], "ordinal", "dataset.kind"),
    ],
)
def test_bad_custom_rows_are_refused_naming_the_field(inputs, targets, kind, field):
    with pytest.raises(EngineError) as err:
        custom(inputs, targets, kind)
    assert err.value.field == field


@pytest.mark.parametrize("inputs", [[[0, 0, 0], [1, 1, 1]], [[0, 0], [7, 1]]])
def test_custom_rows_off_the_plane_have_no_plane_to_edit(inputs):
    data = custom(inputs, [[0], [1]])
    assert data.points is None
    for edit in (lambda d: d.with_point_added(0, 0, 1), lambda d: d.with_point_removed(0)):
        with pytest.raises(EngineError) as err:
            edit(data)
        assert err.value.field == "dataset"


def test_two_input_custom_rows_on_the_plane_are_drawn_and_edited_there():
    xor = [[0, 0], [0, 1], [1, 0], [1, 1]]
    data = custom(xor, [[0], [1], [1], [0]], output="sigmoid")
    assert data.points is not None and data.feature_names == ("x1", "x2")
    np.testing.assert_array_equal(data.points, xor)
    added = data.with_point_added(-2.0, 3.0, 1)
    np.testing.assert_array_equal(added.x_train[-1], [-2.0, 3.0])
    np.testing.assert_array_equal(added.y_train[:, 0], [0, 1, 1, 0, 1])
    np.testing.assert_array_equal(added.with_point_removed(0).x_train, [[0, 1], [1, 0], [1, 1], [-2, 3]])
