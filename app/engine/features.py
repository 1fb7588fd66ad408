"""Input features computed from a 2-D point (x1, x2): TF Playground's seven."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS
from app.engine.errors import EngineError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Feature:
    """One input feature: its name, its display label and fn(points (N, 2)) -> (N,)."""

    name: str
    label: str
    fn: Callable[[FloatArray], FloatArray]


FEATURES: dict[str, Feature] = {
    "x1": Feature("x1", "x₁", lambda p: p[:, 0]),
    "x2": Feature("x2", "x₂", lambda p: p[:, 1]),
    "x1_sq": Feature("x1_sq", "x₁²", lambda p: p[:, 0] * p[:, 0]),
    "x2_sq": Feature("x2_sq", "x₂²", lambda p: p[:, 1] * p[:, 1]),
    "x1x2": Feature("x1x2", "x₁x₂", lambda p: p[:, 0] * p[:, 1]),
    "sin_x1": Feature("sin_x1", "sin(x₁)", lambda p: np.sin(p[:, 0])),
    "sin_x2": Feature("sin_x2", "sin(x₂)", lambda p: np.sin(p[:, 1])),
}


def validate_features(names: Sequence[str]) -> tuple[str, ...]:
    """The names as a tuple; EngineError(field="features") if none, unknown or repeated."""
    names = tuple(names)
    allowed = ", ".join(FEATURES)
    if not names or len(names) > min(len(FEATURES), LIMITS.max_inputs):
        raise EngineError("features", f"features = {list(names)}: choose 1 to {len(FEATURES)} of {allowed}")
    for name in names:
        if name not in FEATURES:
            raise EngineError("features", f"features: unknown feature {name!r}; allowed: {allowed}")
    if len(set(names)) != len(names):
        raise EngineError("features", f"features = {list(names)}: each feature may appear only once")
    return names


def feature_labels(names: Sequence[str]) -> tuple[str, ...]:
    """Display labels of the named features, in order."""
    return tuple(FEATURES[name].label for name in validate_features(names))


def feature_matrix(points: FloatArray, names: Sequence[str]) -> FloatArray:
    """The (N, F) float64 matrix of the named features at `points` (N, 2): column f is feature names[f]."""
    names = validate_features(names)
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise EngineError("points", f"points must have shape (N, 2), got {points.shape}")
    out = np.empty((points.shape[0], len(names)), dtype=np.float64)
    for f, name in enumerate(names):
        out[:, f] = FEATURES[name].fn(points)
    return out
