"""Input features: values against their formulas, column order, and refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from app.engine.errors import EngineError
from app.engine.features import FEATURES, feature_labels, feature_matrix, validate_features

FORMULAS = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1_sq": lambda x1, x2: x1 * x1,
    "x2_sq": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: math.sin(x1),
    "sin_x2": lambda x1, x2: math.sin(x2),
}


def test_the_seven_features_of_tf_playground():
    assert list(FEATURES) == ["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"]
    assert feature_labels(list(FEATURES)) == ("x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin(x₁)", "sin(x₂)")


def test_values_at_one_point():
    row = feature_matrix(np.array([[2.0, -3.0]]), list(FEATURES))[0]
    np.testing.assert_array_equal(row, [2.0, -3.0, 4.0, 9.0, -6.0, math.sin(2.0), math.sin(-3.0)])


@settings(max_examples=50, deadline=None)
@given(
    points=arrays(np.float64, st.tuples(st.integers(1, 20), st.just(2)), elements=st.floats(-6, 6)),
    names=st.lists(st.sampled_from(sorted(FEATURES)), min_size=1, max_size=7, unique=True),
)
def test_column_f_is_feature_f_at_every_point(points, names):
    matrix = feature_matrix(points, names)
    assert matrix.shape == (len(points), len(names)) and matrix.dtype == np.float64
    for i, (x1, x2) in enumerate(points):
        for f, name in enumerate(names):
            assert matrix[i, f] == pytest.approx(FORMULAS[name](float(x1), float(x2)), rel=1e-15, abs=1e-300)


@pytest.mark.parametrize(
    ("names", "fragment"),
    [
        ([], "choose 1 to 7"),
        (["x3"], "unknown feature 'x3'"),
        (["x1", "x1"], "only once"),
        (["X1"], "unknown"),
    ],
)
def test_bad_feature_lists_are_refused_naming_the_field(names, fragment):
    with pytest.raises(EngineError) as err:
        validate_features(names)
    assert err.value.field == "features" and fragment in str(err.value)
    with pytest.raises(EngineError):
        feature_matrix(np.zeros((3, 2)), names)


def test_points_must_be_rows_of_two():
    with pytest.raises(EngineError) as err:
        feature_matrix(np.zeros((3, 3)), ["x1"])
    assert err.value.field == "points"
