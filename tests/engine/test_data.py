"""Datasets ready for training: split, target encoding, custom rows, point edits, refusals."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.config import DEFAULTS, LIMITS
from app.engine.data import Dataset, build_dataset
from app.engine.datasets import DATASETS
from app.engine.errors import EngineError


def build(
    source="circle", points=100, noise=0.0, train_fraction=0.5, features=("x1", "x2"), output="tanh", seed=0
):
    return build_dataset(source, points, noise, train_fraction, features, output, seed)


def test_the_split_is_seeded_disjoint_and_complete():
    data = build(points=500)
    assert (data.n_train, data.n_test) == (250, 250)
    assert sorted(np.concatenate([data.train_indices, data.test_indices])) == list(range(500))
    np.testing.assert_array_equal(data.train, np.isin(np.arange(500), data.train_indices))
    again = build(points=500)
    np.testing.assert_array_equal(data.x_train, again.x_train)
    np.testing.assert_array_equal(data.y_test, again.y_test)
    assert not np.array_equal(data.x_train, build(points=500, seed=1).x_train)


def test_rows_are_the_features_and_encoded_targets_of_the_points():
    data = build("xor", 200, features=("x1", "x2", "x1x2"), output="sigmoid")
    assert data.points is not None
    x1, x2 = data.points[data.train_indices].T
    np.testing.assert_array_equal(data.x_train, np.column_stack([x1, x2, x1 * x2]))
    np.testing.assert_array_equal(data.y_train[:, 0], data.labels[data.train_indices])
    assert data.feature_labels == ("x₁", "x₂", "x₁x₂") and data.n_outputs == 1 and data.n_inputs == 3


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.9])
def test_train_fraction_moves_the_split_not_the_points(fraction):
    base, other = build(points=301), build(points=301, train_fraction=fraction)
    np.testing.assert_array_equal(base.points, other.points)
    assert other.n_train == math.floor(301 * fraction)


def test_datasets_do_not_change():
    data = build()
    with pytest.raises(ValueError):
        data.x_train[0, 0] = 1.0
    with pytest.raises(ValueError):
        data.targets[0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(data, "noise", 0.3)  # noqa: B010


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("points", {"points": LIMITS.min_points - 1}),
        ("points", {"points": LIMITS.max_points + 1}),
        ("points", {"points": 10.5}),
        ("points", {"points": True}),
        ("noise", {"noise": -0.01}),
        ("noise", {"noise": LIMITS.noise_max + 0.01}),
        ("noise", {"noise": math.nan}),
        ("train_fraction", {"train_fraction": LIMITS.train_fraction_min / 2}),
        ("train_fraction", {"train_fraction": 1.0}),
        ("seed", {"seed": -1}),
        ("seed", {"seed": LIMITS.max_seed + 1}),
        ("dataset", {"source": "circles"}),
        ("features", {"features": ("x1", "x9")}),
        ("output_activation", {"output": "gelu"}),
        ("output_activation", {"source": "blobs3", "output": "tanh"}),
        ("output_activation", {"source": "plane", "output": "softmax"}),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(field, kwargs):
    with pytest.raises(EngineError) as err:
        build(**kwargs)
    assert err.value.field == field


def test_three_classes_with_a_tanh_output_say_what_is_needed():
    with pytest.raises(EngineError) as err:
        build("spiral3", output="linear")
    assert "softmax or sigmoid" in str(err.value)


def test_regression_sets_target_their_values():
    data = build("plane", output="tanh")
    assert data.kind == "regression" and data.n_classes == 0 and data.n_outputs == 1
    np.testing.assert_array_equal(data.targets[:, 0], data.labels)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_named_set_builds_with_a_coherent_output(name):
    output = "softmax" if DATASETS[name].n_classes > 2 else "tanh"
    data = build(name, output=output)
    assert data.name == name and len(data.class_names) == DATASETS[name].n_classes
    assert data.n_outputs == max(1, DATASETS[name].n_classes if output == "softmax" else 1)


def test_adding_a_point_appends_it_to_the_training_set():
    data = build(output="sigmoid", features=("x1", "x2_sq"))
    added = data.with_point_added(1.5, -2.0, 1)
    assert added.n_train == data.n_train + 1 and added.n_test == data.n_test
    np.testing.assert_array_equal(added.x_train[-1], [1.5, 4.0])
    np.testing.assert_array_equal(added.y_train[-1], [1.0])
    np.testing.assert_array_equal(added.x_train[:-1], data.x_train)
    np.testing.assert_array_equal(added.x_test, data.x_test)
    assert len(data.inputs) == 100  # the original is unchanged
    assert build("plane").with_point_added(0, 0, -0.25).y_train[-1, 0] == -0.25


@pytest.mark.parametrize(
    ("x1", "x2", "label", "field"),
    [(6.5, 0, 1, "x"), (0, -7, 1, "x"), (math.inf, 0, 1, "x"), (0, 0, 2, "label"), (0, 0, 0.5, "label")],
)
def test_bad_added_points_are_refused(x1, x2, label, field):
    with pytest.raises(EngineError) as err:
        build().with_point_added(x1, x2, label)
    assert err.value.field == field


def test_removing_a_point_shifts_the_later_training_examples():
    data = build()
    removed = data.with_point_removed(3)
    assert removed.n_train == data.n_train - 1 and removed.n_test == data.n_test
    np.testing.assert_array_equal(removed.x_train, np.delete(data.x_train, 3, axis=0))
    np.testing.assert_array_equal(removed.y_train, np.delete(data.y_train, 3, axis=0))
    np.testing.assert_array_equal(removed.x_test, data.x_test)


@settings(max_examples=30, deadline=None)
@given(x1=st.floats(-6, 6), x2=st.floats(-6, 6), label=st.integers(0, 1))
def test_adding_then_removing_a_point_gives_the_same_examples(x1, x2, label):
    data = build(points=20)
    back = data.with_point_added(x1, x2, label).with_point_removed(data.n_train)
    for name in ("x_train", "y_train", "x_test", "y_test", "points", "labels"):
        np.testing.assert_array_equal(getattr(back, name), getattr(data, name))


def test_point_edits_keep_within_the_limits():
    smallest = build(points=LIMITS.min_points)
    with pytest.raises(EngineError) as err:
        smallest.with_point_removed(0)
    assert err.value.field == "points"
    one_train = build(points=LIMITS.min_points + 1, train_fraction=LIMITS.train_fraction_min)
    with pytest.raises(EngineError) as err:
        one_train.with_point_removed(0)
    assert err.value.field == "index"
    for index in (-1, one_train.n_train, True, 0.0):
        with pytest.raises(EngineError):
            one_train.with_point_removed(index)
    full = build(points=LIMITS.max_points)
    with pytest.raises(EngineError) as err:
        full.with_point_added(0, 0, 1)
    assert err.value.field == "points"


def test_defaults_build_tf_playgrounds_default():
    data = build_dataset(
        DEFAULTS.dataset,
        DEFAULTS.points,
        DEFAULTS.noise,
        DEFAULTS.train_fraction,
        DEFAULTS.features,
        DEFAULTS.output_activation,
        DEFAULTS.seed,
    )
    assert (
        isinstance(data, Dataset)
        and data.x_train.shape == (250, 2)
        and set(data.y_train[:, 0]) == {-1.0, 1.0}
    )
