"""Seeded 2-D data sets on the plane [-6, 6]², in TF Playground's look and scale.

Every generator takes (points, noise, rng) and draws only from the given `np.random.Generator`, so the same
seed gives the same data. `noise` is in [0, LIMITS.noise_max] (TF Playground's 0..50 %) and scales each set's
own jitter, stated in its description. Classification sets return integer labels 0..n_classes−1 (for two
classes, 1 is TF Playground's positive class); regression sets return real values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Generated = tuple[FloatArray, IntArray] | tuple[FloatArray, FloatArray]
Generator = Callable[[int, float, np.random.Generator], Generated]

# TF Playground's shapes: the circle's radius, the XOR quadrants' half-width and gap, the spiral's radius.
CIRCLE_RADIUS = 5.0
XOR_HALF_WIDTH = 5.0
XOR_PADDING = 0.3
SPIRAL_RADIUS = 5.0
SPIRAL_TURNS = 1.75
SPIRAL3_TURNS = 1.25
GAUSS_CENTRE = 2.0
BLOB_RING = 3.5  # blob centres sit on a circle of this radius
MOON_RADIUS = 3.5
PLANE_SCALE = 10.0  # plane value = (x1 + x2) / 10, in [-1.2, 1.2]
BUMP_WIDTH = 1.0  # standard deviation of each bump
# Centres and signs of the six bumps (TF Playground's multi-gaussian regression).
BUMPS = (
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
)


@dataclass(frozen=True)
class DatasetSpec:
    """A named data set: its kind, its number of classes (0 for regression) and its generator."""

    kind: Literal["classification", "regression"]
    n_classes: int
    description: str
    generate: Generator


def class_counts(points: int, n_classes: int) -> list[int]:
    """Split `points` examples over the classes evenly (the first classes get the remainder)."""
    return [points // n_classes + (1 if k < points % n_classes else 0) for k in range(n_classes)]


def _labels(counts: list[int]) -> IntArray:
    """Class k repeated counts[k] times, in class order."""
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts)


def _gauss_std(noise: float) -> float:
    """TF Playground's blob spread: the variance grows linearly from 0.5 at noise 0 to 4 at noise 0.5."""
    variance = 0.5 + (4.0 - 0.5) * noise / 0.5
    return math.sqrt(variance)


def _circle(points: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Class 1 inside radius 2.5, class 0 in the ring 3.5..5; labels from the jittered position."""
    inner, outer = class_counts(points, 2)
    r = np.concatenate(
        [rng.uniform(0.0, CIRCLE_RADIUS * 0.5, inner), rng.uniform(CIRCLE_RADIUS * 0.7, CIRCLE_RADIUS, outer)]
    )
    angle = rng.uniform(0.0, 2.0 * math.pi, points)
    xy = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    jitter = rng.uniform(-CIRCLE_RADIUS, CIRCLE_RADIUS, (points, 2)) * noise
    labels = (np.hypot(*(xy + jitter).T) < CIRCLE_RADIUS * 0.5).astype(np.int64)
    return xy, labels


def _xor(points: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Uniform in the four quadrants (0.3 away from the axes); class 1 where x1·x2 ≥ 0 after jitter."""
    xy = rng.uniform(-XOR_HALF_WIDTH, XOR_HALF_WIDTH, (points, 2))
    xy += np.where(xy > 0, XOR_PADDING, -XOR_PADDING)
    jitter = rng.uniform(-XOR_HALF_WIDTH, XOR_HALF_WIDTH, (points, 2)) * noise
    noisy = xy + jitter
    labels = (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.int64)
    return xy, labels


def _jitter_within(xy: FloatArray, std: float, rng: np.random.Generator) -> FloatArray:
    """xy + N(0, std²) per coordinate, a point's draw repeated until it lies on the plane [-6, 6]²."""
    w = LIMITS.domain_half_width
    out = xy + rng.normal(0.0, std, xy.shape)
    outside = np.any(np.abs(out) > w, axis=1)
    while outside.any():
        out[outside] = xy[outside] + rng.normal(0.0, std, (int(outside.sum()), 2))
        outside = np.any(np.abs(out) > w, axis=1)
    return out


def _blobs(
    points: int, noise: float, rng: np.random.Generator, centres: FloatArray
) -> tuple[FloatArray, IntArray]:
    """Gaussian blobs around `centres` (k, 2), one class each, spread growing with noise."""
    labels = _labels(class_counts(points, len(centres)))
    return _jitter_within(centres[labels], _gauss_std(noise), rng), labels


def _gaussian(points: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Two gaussian blobs: class 1 around (2, 2), class 0 around (−2, −2)."""
    centres = np.array([[-GAUSS_CENTRE, -GAUSS_CENTRE], [GAUSS_CENTRE, GAUSS_CENTRE]])
    return _blobs(points, noise, rng, centres)


def _ring(k: int, start: float) -> FloatArray:
    """k points evenly spaced on the blob ring, the first at angle `start`."""
    angles = start + 2.0 * math.pi * np.arange(k) / k
    return BLOB_RING * np.column_stack([np.cos(angles), np.sin(angles)])


def _blobs3(points: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Three gaussian blobs at 90°, 210°, 330° on a circle of radius 3.5."""
    return _blobs(points, noise, rng, _ring(3, math.pi / 2))


def _blobs4(points: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Four gaussian blobs at 45°, 135°, 225°, 315° on a circle of radius 3.5."""
    return _blobs(points, noise, rng, _ring(4, math.pi / 4))


def _spiral_arms(
    points: int, noise: float, rng: np.random.Generator, arms: int, turns: float
) -> tuple[FloatArray, IntArray]:
    """`arms` interleaved spirals r = 5·s, θ = 2π·turns·s + 2πk/arms (s from 0 to 1), jitter U(±noise)."""
    counts = class_counts(points, arms)
    s = np.concatenate([np.arange(n) / n for n in counts])
    labels = _labels(counts)
    r = SPIRAL_RADIUS * s
    theta = 2.0 * math.pi * turns * s + 2.0 * math.pi * labels / arms
    xy = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    xy += rng.uniform(-1.0, 1.0, (points, 2)) * noise
    return xy, labels


def _spiral(points: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """TF Playground's two-arm spiral."""
    return _spiral_arms(points, noise, rng, 2, SPIRAL_TURNS)


def _spiral3(points: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """A three-arm spiral, one class per arm."""
    return _spiral_arms(points, noise, rng, 3, SPIRAL3_TURNS)


def _moons(points: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Two interleaved half circles of radius 3.5 around the origin; gaussian jitter, std 1.75·noise."""
    labels = _labels(class_counts(points, 2))
    t = rng.uniform(0.0, math.pi, points)
    # upper moon (class 0): (cos t, sin t); lower (class 1): (1 − cos t, ½ − sin t); centred, scaled
    upper = labels == 0
    x = np.where(upper, np.cos(t), 1.0 - np.cos(t)) - 0.5
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t)) - 0.25
    return _jitter_within(MOON_RADIUS * np.column_stack([x, y]), noise * MOON_RADIUS * 0.5, rng), labels


def _uniform_plane(points: int, rng: np.random.Generator) -> FloatArray:
    """Points uniform on the whole plane."""
    w = LIMITS.domain_half_width
    return rng.uniform(-w, w, (points, 2))


def _plane(points: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """Regression y = (x1 + x2) / 10 of the jittered position (jitter U(±6·noise))."""
    xy = _uniform_plane(points, rng)
    w = LIMITS.domain_half_width
    noisy = xy + rng.uniform(-w, w, (points, 2)) * noise
    return xy, (noisy[:, 0] + noisy[:, 1]) / PLANE_SCALE


def _bumps(points: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """Regression: six ±1 gaussian bumps (std 1); each point takes the bump with the largest |value|."""
    xy = _uniform_plane(points, rng)
    w = LIMITS.domain_half_width
    noisy = xy + rng.uniform(-w, w, (points, 2)) * noise
    centres = np.array([(cx, cy) for cx, cy, _ in BUMPS])
    signs = np.array([sign for _, _, sign in BUMPS])
    d2 = ((noisy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)  # (N, bumps)
    values = signs * np.exp(-d2 / (2.0 * BUMP_WIDTH**2))
    strongest = np.abs(values).argmax(axis=1)
    return xy, values[np.arange(points), strongest]


DATASETS: dict[str, DatasetSpec] = {
    "circle": DatasetSpec(
        "classification",
        2,
        "A disc (class 1) inside a ring (class 0); noise jitters labels by ±5·noise.",
        _circle,
    ),
    "xor": DatasetSpec(
        "classification",
        2,
        "Four quadrants, class 1 where x1·x2 ≥ 0; noise jitters labels by ±5·noise.",
        _xor,
    ),
    "gaussian": DatasetSpec(
        "classification", 2, "Two gaussian blobs at (±2, ±2); the spread grows with noise.", _gaussian
    ),
    "spiral": DatasetSpec(
        "classification", 2, "Two interleaved spiral arms; points jittered by ±noise.", _spiral
    ),
    "moons": DatasetSpec(
        "classification", 2, "Two interleaved half circles; gaussian jitter 1.75·noise.", _moons
    ),
    "blobs3": DatasetSpec("classification", 3, "Three gaussian blobs; the spread grows with noise.", _blobs3),
    "blobs4": DatasetSpec("classification", 4, "Four gaussian blobs; the spread grows with noise.", _blobs4),
    "spiral3": DatasetSpec(
        "classification", 3, "Three interleaved spiral arms; jittered by ±noise.", _spiral3
    ),
    "plane": DatasetSpec("regression", 0, "Regression y = (x1 + x2)/10; noise jitters by ±6·noise.", _plane),
    "bumps": DatasetSpec(
        "regression", 0, "Regression: six ±1 gaussian bumps; noise jitters by ±6·noise.", _bumps
    ),
}
