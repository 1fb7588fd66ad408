"""The seeded 2-D data sets: shapes, determinism, and each set's geometry checked against its definition."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.config import LIMITS
from app.engine.datasets import BUMPS, DATASETS, class_counts

NAMES = sorted(DATASETS)
W = LIMITS.domain_half_width


def generate(name: str, points: int = 500, noise: float = 0.0, seed: int = 0):
    return DATASETS[name].generate(points, noise, np.random.default_rng(seed))


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    points=st.integers(LIMITS.min_points, LIMITS.max_points),
    noise=st.floats(0.0, LIMITS.noise_max),
    seed=st.integers(0, LIMITS.max_seed),
)
def test_every_set_has_the_asked_shape_kind_and_stays_on_the_plane(name, points, noise, seed):
    spec = DATASETS[name]
    xy, labels = generate(name, points, noise, seed)
    assert xy.shape == (points, 2) and xy.dtype == np.float64
    assert labels.shape == (points,)
    assert np.all(np.isfinite(xy)) and np.all(np.abs(xy) <= W)
    if spec.kind == "classification":
        assert labels.dtype == np.int64
        assert labels.min() >= 0 and labels.max() < spec.n_classes
    else:
        assert spec.n_classes == 0 and labels.dtype == np.float64 and np.all(np.isfinite(labels))


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_data_other_seed_other_data(name):
    a_xy, a_labels = generate(name, 200, 0.2, seed=5)
    b_xy, b_labels = generate(name, 200, 0.2, seed=5)
    c_xy, _ = generate(name, 200, 0.2, seed=6)
    np.testing.assert_array_equal(a_xy, b_xy)
    np.testing.assert_array_equal(a_labels, b_labels)
    assert not np.array_equal(a_xy, c_xy)


@pytest.mark.parametrize("name", NAMES)
def test_generators_draw_only_from_the_given_generator(name):
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    generate(name, 300, 0.3)
    assert np.random.random() == expected  # the global NumPy generator was not touched


@pytest.mark.parametrize("points", [4, 5, 7, 500, 2000])
@pytest.mark.parametrize("k", [2, 3, 4])
def test_class_counts_split_evenly(points, k):
    counts = class_counts(points, k)
    assert sum(counts) == points and max(counts) - min(counts) <= 1 and counts == sorted(counts, reverse=True)


def test_circle_without_noise_is_a_disc_inside_a_ring():
    xy, labels = generate("circle", 1000)
    r = np.hypot(xy[:, 0], xy[:, 1])
    assert np.all(r[labels == 1] < 2.5) and np.all((r[labels == 0] >= 3.5) & (r[labels == 0] <= 5.0))
    assert list(np.bincount(labels)) == [500, 500]


def test_circle_noise_moves_labels_not_points():
    clean_xy, clean = generate("circle", 1000, 0.0)
    noisy_xy, noisy = generate("circle", 1000, 0.5)
    np.testing.assert_array_equal(clean_xy, noisy_xy)  # same seed: same positions, jittered labels
    assert 0 < np.sum(clean != noisy) < 500


def test_xor_without_noise_is_class_one_where_the_product_is_positive():
    xy, labels = generate("xor", 1000)
    np.testing.assert_array_equal(labels, (xy[:, 0] * xy[:, 1] >= 0).astype(np.int64))
    assert np.all(np.abs(xy) >= 0.3) and np.all(np.abs(xy) <= 5.3)


@pytest.mark.parametrize(
    ("name", "centres"),
    [
        ("gaussian", [(-2, -2), (2, 2)]),
        ("blobs3", [(3.5 * math.cos(a), 3.5 * math.sin(a)) for a in np.radians([90, 210, 330])]),
        ("blobs4", [(3.5 * math.cos(a), 3.5 * math.sin(a)) for a in np.radians([45, 135, 225, 315])]),
    ],
)
def test_blobs_centre_on_their_class_centres(name, centres):
    xy, labels = generate(name, 2000)
    assert DATASETS[name].n_classes == len(centres)
    for k, centre in enumerate(centres):
        assert np.allclose(xy[labels == k].mean(axis=0), centre, atol=0.15)
        assert np.allclose(xy[labels == k].std(axis=0), math.sqrt(0.5), rtol=0.15)


def test_blob_spread_grows_with_noise():
    spreads = [generate("gaussian", 1000, noise)[0][:500].std() for noise in (0.0, 0.25, 0.5)]
    assert spreads[0] < spreads[1] < spreads[2]


def test_spiral_arms_are_rotations_of_each_other():
    xy, labels = generate("spiral", 1000)
    np.testing.assert_allclose(xy[labels == 1], -xy[labels == 0], atol=1e-12)  # θ + π
    xy3, labels3 = generate("spiral3", 999)
    c, s = math.cos(2 * math.pi / 3), math.sin(2 * math.pi / 3)
    # θ + 2π/3 in x = r sin θ, y = r cos θ: (x, y) -> (x c + y s, y c − x s)
    arm0 = xy3[labels3 == 0]
    rotated = np.column_stack([arm0[:, 0] * c + arm0[:, 1] * s, arm0[:, 1] * c - arm0[:, 0] * s])
    np.testing.assert_allclose(xy3[labels3 == 1], rotated, atol=1e-12)


def test_spiral_radius_grows_to_five():
    xy, _ = generate("spiral", 1000)
    r = np.hypot(xy[:500, 0], xy[:500, 1])
    assert np.all(np.diff(r) > 0) and r[0] == 0 and 4.9 < r[-1] < 5.0


def test_moons_lie_on_their_half_circles():
    xy, labels = generate("moons", 1000)
    unit = xy / 3.5 + np.array([0.5, 0.25])  # undo the centring and scaling
    upper, lower = unit[labels == 0], unit[labels == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert np.all(upper[:, 1] >= 0) and np.all(lower[:, 1] <= 0.5)


def test_plane_is_a_linear_function_of_the_position():
    xy, values = generate("plane", 500)
    np.testing.assert_allclose(values, (xy[:, 0] + xy[:, 1]) / 10, rtol=0, atol=1e-15)
    _, noisy = generate("plane", 500, 0.5)
    assert not np.allclose(values, noisy)


def test_bumps_take_the_strongest_bump():
    xy, values = generate("bumps", 300)
    for (x, y), value in zip(xy, values, strict=True):
        candidates = [sign * math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 2) for cx, cy, sign in BUMPS]
        assert value == pytest.approx(max(candidates, key=abs), abs=1e-12)
    assert values.max() <= 1 and values.min() >= -1
