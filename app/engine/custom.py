"""Custom data: explicit input rows and target rows (lecture 004's example: one row of 3 inputs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS
from app.engine.errors import EngineError

FloatArray = NDArray[np.float64]
Kind = Literal["classification", "regression"]


@dataclass(frozen=True)
class CustomData:
    """Explicit rows: inputs (N, F) and targets (N, K), any widths within LIMITS.

    `kind` None infers it: classification when the target rows are one-hot (K ≥ 2, a single 1 per row), or
    when K = 1 and the targets are integer labels 0..max_outputs−1 taking at least two different values;
    regression otherwise (K real-valued output units). Give `kind` to decide explicitly.
    """

    inputs: Sequence[Sequence[float]]
    targets: Sequence[Sequence[float]]
    kind: Kind | None = None


@dataclass(frozen=True)
class ParsedCustom:
    """Custom rows checked and read: inputs (N, F), and the targets as kind, classes and labels."""

    inputs: FloatArray
    kind: Kind
    n_classes: int  # 0 for regression
    labels: NDArray[Any]  # class indices (N,) int64, or regression values (N,) / (N, K) float64


def parse_custom(source: CustomData) -> ParsedCustom:
    """Check the rows (EngineError naming dataset.inputs, .targets or .kind) and read the targets."""
    inputs = _matrix("dataset.inputs", source.inputs, LIMITS.max_inputs)
    targets = _matrix("dataset.targets", source.targets, LIMITS.max_outputs)
    if len(targets) != len(inputs):
        raise EngineError("dataset.targets", f"{len(targets)} target rows for {len(inputs)} input rows")
    kind, n_classes, labels = _labels(targets, source.kind)
    return ParsedCustom(inputs, kind, n_classes, labels)


def _matrix(name: str, rows: Sequence[Sequence[float]], max_width: int) -> FloatArray:
    """Rows as an (N, W) float64 matrix: 1..max_custom_rows rows, equal width 1..max_width, finite."""
    if not 1 <= len(rows) <= LIMITS.max_custom_rows:
        raise EngineError(name, f"{len(rows)} rows: allowed 1..{LIMITS.max_custom_rows}")
    widths = {len(row) for row in rows}
    width = widths.pop() if len(widths) == 1 else 0
    if not 1 <= width <= max_width:
        raise EngineError(name, f"rows must all have the same width, 1..{max_width}")
    if any(isinstance(v, bool) or not isinstance(v, (int, float, np.number)) for row in rows for v in row):
        raise EngineError(name, "every entry must be a number")
    matrix = np.array(rows, dtype=np.float64).reshape(len(rows), width)
    if not np.all(np.isfinite(matrix)) or np.any(np.abs(matrix) > LIMITS.max_abs_input):
        raise EngineError(name, f"every entry must be finite and within ±{LIMITS.max_abs_input:g}")
    return matrix


def _labels(targets: FloatArray, kind: Kind | None) -> tuple[Kind, int, NDArray[Any]]:
    """(kind, n_classes, labels) of the target rows, following CustomData's rule."""
    width = targets.shape[1]
    one_hot = width >= 2 and bool(
        np.all((targets == 0) | (targets == 1)) and np.all(targets.sum(axis=1) == 1)
    )
    integral = width == 1 and bool(np.all(targets == np.round(targets)))
    labels_ok = integral and targets.min() >= 0 and targets.max() < LIMITS.max_outputs
    if kind is None:
        classify = one_hot or (labels_ok and len(np.unique(targets)) >= 2)
        kind = "classification" if classify else "regression"
    if kind == "regression":
        return kind, 0, targets[:, 0].copy() if width == 1 else targets
    if kind != "classification":
        raise EngineError("dataset.kind", f"kind = {kind!r}: choose classification, regression or null")
    if one_hot:
        return kind, width, targets.argmax(axis=1).astype(np.int64)
    if labels_ok:
        return kind, max(2, int(targets.max()) + 1), targets[:, 0].astype(np.int64)
    raise EngineError(
        "dataset.targets",
        f"classification targets are one-hot rows or one column of class indices 0..{LIMITS.max_outputs - 1}",
    )
