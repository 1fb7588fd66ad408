"""Points added by clicking survive a rebuild of the same data set (a new noise level, split or features)."""

from __future__ import annotations

import numpy as np

from app.config import LIMITS
from app.engine.lab import Lab, LabConfig
from app.sessions.labs import build_lab


def _has_point(lab: Lab, x1: float, x2: float, label: float) -> bool:
    """Whether the training set holds the point (x1, x2) with this label."""
    data = lab.data
    assert data.points is not None
    points, labels = data.points[data.train_indices], data.labels[data.train_indices]
    return bool(np.any((points[:, 0] == x1) & (points[:, 1] == x2) & (labels == label)))


def test_changing_the_noise_keeps_the_clicked_points() -> None:
    lab = Lab(LabConfig(dataset="circle", points=100))
    lab.add_point(1.25, -2.5, 1)
    lab.add_point(-3.0, 0.5, 0)
    n_train = lab.data.n_train
    noisier = build_lab({"noise": 0.3}, lab.config)
    assert _has_point(noisier, 1.25, -2.5, 1) and _has_point(noisier, -3.0, 0.5, 0)
    assert noisier.data.n_train == n_train
    assert noisier.config.noise == 0.3 and noisier.data.noise == 0.3
    # and again after another rebuild (features), and after removing one of them
    rebuilt = build_lab({"features": ["x1", "x2", "x1x2"]}, noisier.config)
    assert _has_point(rebuilt, 1.25, -2.5, 1) and rebuilt.data.inputs.shape[1] == 3
    assert rebuilt.data.points is not None
    index = int(np.flatnonzero(rebuilt.data.points[rebuilt.data.train_indices][:, 0] == -3.0)[0])
    rebuilt.remove_point(index)
    again = build_lab({"noise": 0.1}, rebuilt.config)
    assert _has_point(again, 1.25, -2.5, 1) and not _has_point(again, -3.0, 0.5, 0)


def test_another_data_set_starts_without_them() -> None:
    lab = Lab(LabConfig(dataset="circle", points=100))
    lab.add_point(1.25, -2.5, 1)
    other = build_lab({"dataset": "xor"}, lab.config)
    assert not _has_point(other, 1.25, -2.5, 1) and len(other.data.inputs) == 100


def test_a_point_that_no_longer_fits_is_dropped_not_refused() -> None:
    """At the points limit a rebuild to more generated points leaves the clicked ones out."""
    lab = Lab(LabConfig(dataset="circle", points=100))
    lab.add_point(1.25, -2.5, 1)
    full = build_lab({"points": LIMITS.max_points}, lab.config)
    assert len(full.data.inputs) == LIMITS.max_points and full.config.added_points == ()
