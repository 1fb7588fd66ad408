"""Targets for the output layer, and the class an output row predicts (docs/engine.md's conventions).

Two classes with one output unit: ±1 for tanh/linear, 0/1 for sigmoid and relu (a relu cannot reach −1).
Softmax: one unit per class with one-hot targets (also for two classes). Sigmoid or relu with 3+ classes: one
0/1 unit per class. tanh/linear with 3+ classes is refused. Regression: the values as given, one unit per
target column.

Some losses only fit some targets (TARGET_RULES): binary cross-entropy needs every target in [0, 1]
(outside it the loss goes negative), cross-entropy needs one-hot rows (class targets); `check_targets`
refuses the rest.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS
from app.engine.errors import EngineError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
OUTPUT_NAMES = ("sigmoid", "softmax", "linear", "tanh", "relu")
ZERO_ONE_OUTPUTS = ("sigmoid", "relu")  # two classes as 0/1 on one unit, 3+ as one 0/1 unit per class

# What each restricted loss needs of the targets; /api/meta sends this so the page can disable a loss.
TARGET_RULES: dict[str, dict[str, Any]] = {
    "bce": {"min": 0.0, "max": 1.0, "one_hot": False, "needs": "targets between 0 and 1"},
    "cross_entropy": {"min": 0.0, "max": 1.0, "one_hot": True, "needs": "one-hot (class) targets"},
}


def encode_targets(labels: NDArray[Any], n_classes: int, output_activation: str) -> FloatArray:
    """Targets (N, n_outputs) float64 for the output: ±1, 0/1 or one-hot; regression values as given."""
    if output_activation not in OUTPUT_NAMES:
        raise EngineError(
            "output_activation",
            f"output_activation = {output_activation!r}: choose one of {', '.join(OUTPUT_NAMES)}",
        )
    labels = np.asarray(labels)
    if n_classes == 0:
        if output_activation == "softmax":
            raise EngineError(
                "output_activation", "regression needs a linear, tanh or sigmoid output, not softmax"
            )
        values = labels.astype(np.float64)
        return values.reshape(len(values), -1)
    if not 2 <= n_classes <= LIMITS.max_outputs:
        raise EngineError("n_classes", f"n_classes = {n_classes}: allowed 2..{LIMITS.max_outputs}")
    classes = labels.astype(np.int64)
    if labels.ndim != 1 or np.any(classes != labels) or np.any((classes < 0) | (classes >= n_classes)):
        raise EngineError("labels", f"labels must be class indices 0..{n_classes - 1}")
    if output_activation == "softmax" or n_classes > 2:
        if output_activation in ("tanh", "linear"):
            raise EngineError(
                "output_activation",
                f"output_activation = {output_activation!r}: {n_classes} classes need a softmax or "
                "sigmoid output (one unit per class)",
            )
        return np.eye(n_classes, dtype=np.float64)[classes]
    # two classes, one unit: class 1 is +1 (tanh, linear) or 1 (sigmoid), class 0 is −1 or 0
    one = classes.astype(np.float64)[:, None]
    return one if output_activation in ZERO_ONE_OUTPUTS else 2.0 * one - 1.0


def check_targets(loss: str, targets: NDArray[Any]) -> None:
    """EngineError(field="loss") when `loss` cannot fit these encoded targets (N, n_L) (TARGET_RULES)."""
    rule = TARGET_RULES.get(loss)
    values = np.asarray(targets, dtype=np.float64)
    if rule is None or values.size == 0:
        return
    lo, hi = float(values.min()), float(values.max())
    if lo < rule["min"] or hi > rule["max"]:
        raise EngineError(
            "loss",
            f"loss = {loss!r} needs {rule['needs']}, but the targets range from {lo:g} to {hi:g}: "
            "choose a squared or L1 loss for these data",
        )
    binary = bool(np.all((values == 0) | (values == 1)))
    if rule["one_hot"] and not (binary and bool(np.all(values.sum(axis=-1) == 1))):
        raise EngineError("loss", f"loss = {loss!r} needs {rule['needs']}: each target row one 1, the rest 0")


def predicted_class(output: NDArray[Any], output_activation: str) -> IntArray:
    """Class of each output row: sign (tanh/linear) or > 0.5 (sigmoid) for one unit, argmax for several."""
    out = np.asarray(output)
    if out.ndim == 1:
        out = out[:, None]
    if out.shape[1] > 1:
        classes: IntArray = out.argmax(axis=1).astype(np.int64)
        return classes
    threshold = 0.5 if output_activation in ZERO_ONE_OUTPUTS else 0.0
    return (out[:, 0] > threshold).astype(np.int64)
