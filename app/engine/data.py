"""A data set ready for training: features, encoded targets and a seeded train/test split.

Two sources: a named 2-D data set (`datasets.DATASETS`) whose points become the chosen input features, or
`CustomData`, explicit input rows and target rows (lecture 004's example: one row of 3 inputs). Custom rows
are all training examples (there is no test set). Custom rows of two inputs that all lie on the plane
[-6, 6]² are drawn on it (`points` = the inputs, features x1, x2); other custom rows have no plane
(`Dataset.points is None`).
Targets are encoded for the output activation by `targets.encode_targets`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS
from app.engine.csvdata import CsvData, check_output, parse_csv
from app.engine.custom import CustomData, Kind, parse_custom
from app.engine.datasets import DATASETS
from app.engine.errors import EngineError
from app.engine.features import feature_labels, feature_matrix, validate_features
from app.engine.targets import encode_targets, predicted_class

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
__all__ = ["CsvData", "CustomData", "Dataset", "build_dataset", "encode_targets", "predicted_class"]


def _readonly(array: NDArray[Any]) -> NDArray[Any]:
    """The array, made read-only (a Dataset never changes; edits return a new one)."""
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Dataset:
    """Examples as rows: `inputs` (N, F) and `targets` (N, n_outputs), split into a training and a test set.

    `labels` holds class indices 0..n_classes−1 (int64, (N,)) for classification, the raw values for
    regression ((N,) with one output, (N, n_outputs) with several). Example i of the training set is row
    `train_indices[i]`; `x_train`, `y_train`, `x_test`, `y_test` are those rows. All arrays are read-only.
    """

    name: str  # the data set's name, or "custom"
    kind: Kind
    n_classes: int  # 0 for regression
    output_activation: str
    feature_names: tuple[str, ...]
    feature_labels: tuple[str, ...]
    class_names: tuple[str, ...]
    points: FloatArray | None  # (N, 2) positions on the plane; None for custom rows off the plane
    inputs: FloatArray
    labels: NDArray[Any]
    targets: FloatArray
    train_indices: IntArray
    test_indices: IntArray
    noise: float = 0.0
    seed: int = 0
    domain: tuple[float, float] = (-LIMITS.domain_half_width, LIMITS.domain_half_width)
    train: NDArray[np.bool_] = field(init=False)
    x_train: FloatArray = field(init=False)
    y_train: FloatArray = field(init=False)
    x_test: FloatArray = field(init=False)
    y_test: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        """Derive the split's rows and mask, and make every array read-only."""
        mask = np.zeros(len(self.inputs), dtype=bool)
        mask[self.train_indices] = True
        derived = {
            "train": mask,
            "x_train": self.inputs[self.train_indices],
            "y_train": self.targets[self.train_indices],
            "x_test": self.inputs[self.test_indices],
            "y_test": self.targets[self.test_indices],
        }
        for name, value in derived.items():
            object.__setattr__(self, name, _readonly(value))
        for name in ("points", "inputs", "labels", "targets", "train_indices", "test_indices"):
            value = getattr(self, name)
            if value is not None:
                _readonly(value)

    @property
    def n_outputs(self) -> int:
        """Units of the output layer the targets are encoded for."""
        return int(self.targets.shape[1])

    @property
    def n_inputs(self) -> int:
        """Width of a feature row."""
        return int(self.inputs.shape[1])

    @property
    def n_train(self) -> int:
        """Examples in the training set."""
        return len(self.train_indices)

    @property
    def n_test(self) -> int:
        """Examples in the test set."""
        return len(self.test_indices)

    def with_point_added(self, x1: float, x2: float, label: float) -> Dataset:
        """A new Dataset with the point (x1, x2) of class (or value) `label` appended to the training set."""
        self._require_plane("add")
        lo, hi = self.domain
        for name, value in (("x1", x1), ("x2", x2)):
            number = not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))
            if not (number and math.isfinite(value) and lo <= value <= hi):
                raise EngineError("x", f"{name} = {value}: a point must lie on the plane [{lo:g}, {hi:g}]")
        if len(self.inputs) + 1 > LIMITS.max_points:
            raise EngineError("points", f"a data set holds at most {LIMITS.max_points} points")
        new_label = _check_label(label, self.n_classes)
        point = np.array([[x1, x2]], dtype=np.float64)
        n = len(self.inputs)
        labels = np.append(self.labels, np.asarray([new_label], dtype=self.labels.dtype))
        return replace(
            self,
            points=np.concatenate([_plane(self.points), point]),
            inputs=np.concatenate([self.inputs, feature_matrix(point, self.feature_names)]),
            labels=labels,
            targets=np.concatenate(
                [self.targets, encode_targets(labels[-1:], self.n_classes, self.output_activation)]
            ),
            train_indices=np.append(self.train_indices, n),
            test_indices=self.test_indices.copy(),
        )

    def with_points_added(self, points: Any) -> Dataset:
        """With the clicked points (x1, x2, label) added again; EngineError naming added_points[i] for one
        that no longer fits (another data set, the points limit)."""
        if isinstance(points, (str, bytes)) or not isinstance(points, (list, tuple)):
            raise EngineError("added_points", f"added_points must be a list of (x1, x2, label): {points!r}")
        data = self
        for i, point in enumerate(points):
            try:
                x1, x2, label = point
                data = data.with_point_added(x1, x2, label)
            except (EngineError, TypeError, ValueError) as error:
                reason = error.message if isinstance(error, EngineError) else "expected (x1, x2, label)"
                message = f"added point {i + 1} no longer fits: {reason}"
                raise EngineError(f"added_points[{i}]", message) from None
        return data

    def with_point_removed(self, train_index: int) -> Dataset:
        """A new Dataset without example `train_index` of the training set (later ones shift down by one)."""
        self._require_plane("remove")
        if isinstance(train_index, bool) or not isinstance(train_index, (int, np.integer)):
            raise EngineError("index", f"index = {train_index!r}: expected an integer")
        if not 0 <= train_index < self.n_train:
            raise EngineError(
                "index", f"index = {train_index}: choose a training example 0..{self.n_train - 1}"
            )
        if len(self.inputs) - 1 < LIMITS.min_points:
            raise EngineError("points", f"a data set needs at least {LIMITS.min_points} points")
        if self.n_train == 1:
            raise EngineError("index", "the training set needs at least one example")
        row = int(self.train_indices[train_index])
        keep = np.arange(len(self.inputs)) != row

        def shift(indices: IntArray) -> IntArray:
            kept: IntArray = indices[indices != row]
            return kept - (kept > row).astype(np.int64)

        return replace(
            self,
            points=_plane(self.points)[keep],
            inputs=self.inputs[keep],
            labels=self.labels[keep],
            targets=self.targets[keep],
            train_indices=shift(self.train_indices),
            test_indices=shift(self.test_indices),
        )

    def _require_plane(self, verb: str) -> None:
        """Refuse point edits on custom rows that have no plane."""
        if self.points is None:
            raise EngineError(
                "dataset", f"these custom rows have no plane: points can be {verb}ed only on 2-D data"
            )


def _plane(points: FloatArray | None) -> FloatArray:
    """The points of a 2-D data set (callers checked they exist)."""
    assert points is not None
    return points


def _check_label(label: float, n_classes: int) -> float:
    """A class index 0..n_classes−1 for classification, a finite value within LIMITS for regression."""
    if isinstance(label, bool) or not isinstance(label, (int, float, np.integer, np.floating)):
        raise EngineError("label", f"label = {label!r}: expected a number")
    if n_classes == 0:
        if not (math.isfinite(label) and abs(label) <= LIMITS.max_abs_input):
            raise EngineError(
                "label", f"label = {label}: a value must be finite, within ±{LIMITS.max_abs_input:g}"
            )
        return float(label)
    if not (math.isfinite(label) and float(label).is_integer() and 0 <= label < n_classes):
        raise EngineError("label", f"label = {label}: choose a class 0..{n_classes - 1}")
    return float(label)


def _check_range(name: str, value: float, lo: float, hi: float, integer: bool = False) -> None:
    """EngineError naming `name`, its value and [lo, hi] unless lo ≤ value ≤ hi (and an integer if asked)."""
    ok_type = isinstance(value, (int, np.integer)) if integer else isinstance(value, (int, float, np.number))
    if isinstance(value, bool) or not ok_type or not (math.isfinite(value) and lo <= value <= hi):
        kind = "an integer" if integer else "a number"
        raise EngineError(name, f"{name} = {value!r}: expected {kind} in [{lo:g}, {hi:g}]")


def build_dataset(
    source: str | CustomData | CsvData,
    points: int,
    noise: float,
    train_fraction: float,
    features: Sequence[str],
    output_activation: str,
    seed: int,
) -> Dataset:
    """Generate (or read) the examples, compute features, encode targets and split them, seeded by `seed`."""
    _check_range("points", points, LIMITS.min_points, LIMITS.max_points, integer=True)
    _check_range("noise", noise, 0.0, LIMITS.noise_max)
    _check_range("train_fraction", train_fraction, LIMITS.train_fraction_min, LIMITS.train_fraction_max)
    _check_range("seed", seed, 0, LIMITS.max_seed, integer=True)
    if isinstance(source, CustomData):
        return _custom_dataset(source, output_activation, seed)
    if isinstance(source, CsvData):
        return _csv_dataset(source, output_activation, seed, train_fraction)
    if source not in DATASETS:
        raise EngineError("dataset", f"dataset = {source!r}: choose one of {', '.join(DATASETS)}")
    names = validate_features(features)
    spec = DATASETS[source]
    rng = np.random.default_rng(seed)
    xy, labels = spec.generate(points, noise, rng)
    order = rng.permutation(points)  # TF Playground shuffles, then the first part is the training set
    xy, labels = xy[order], labels[order]
    n_train = min(max(math.floor(points * train_fraction), 1), points - 1)
    return Dataset(
        name=source,
        kind=spec.kind,
        n_classes=spec.n_classes,
        output_activation=output_activation,
        feature_names=names,
        feature_labels=feature_labels(names),
        class_names=tuple(f"class {k}" for k in range(spec.n_classes)),
        points=xy,
        inputs=feature_matrix(xy, names),
        labels=labels,
        targets=encode_targets(labels, spec.n_classes, output_activation),
        train_indices=np.arange(n_train, dtype=np.int64),
        test_indices=np.arange(n_train, points, dtype=np.int64),
        noise=float(noise),
        seed=int(seed),
    )


def _custom_dataset(source: CustomData, output_activation: str, seed: int) -> Dataset:
    """Custom rows: every row is a training example; kind and classes from `source.kind` or inferred."""
    parsed = parse_custom(source)
    n, width = parsed.inputs.shape
    on_plane = width == 2 and bool(np.all(np.abs(parsed.inputs) <= LIMITS.domain_half_width))
    names = tuple(f"x{k + 1}" for k in range(width))
    return Dataset(
        name="custom",
        kind=parsed.kind,
        n_classes=parsed.n_classes,
        output_activation=output_activation,
        feature_names=names,
        feature_labels=tuple(name.translate(_SUBSCRIPTS) for name in names),
        class_names=tuple(f"class {k}" for k in range(parsed.n_classes)),
        points=parsed.inputs.copy() if on_plane else None,
        inputs=parsed.inputs,
        labels=parsed.labels,
        targets=encode_targets(parsed.labels, parsed.n_classes, output_activation),
        train_indices=np.arange(n, dtype=np.int64),
        test_indices=np.arange(0, dtype=np.int64),
        seed=int(seed),
    )


def _csv_dataset(source: CsvData, output_activation: str, seed: int, train_fraction: float) -> Dataset:
    """A CSV file's rows, split like a named data set: a seeded shuffle, the first part for training (each
    part kept in the file's order)."""
    parsed = parse_csv(source)
    check_output(parsed, output_activation, source.label)
    n, width = parsed.inputs.shape
    on_plane = width == 2 and bool(np.all(np.abs(parsed.inputs) <= LIMITS.domain_half_width))
    names = tuple(f"x{k + 1}" for k in range(width))  # the engine's names (the grids compute them)
    order = np.random.default_rng(seed).permutation(n)
    n_train = min(max(math.floor(n * train_fraction), 1), n - 1)
    kind: Kind = "classification" if parsed.n_classes else "regression"
    return Dataset(
        name="csv",
        kind=kind,
        n_classes=parsed.n_classes,
        output_activation=output_activation,
        feature_names=names,
        feature_labels=parsed.feature_labels,
        class_names=parsed.class_names,
        points=parsed.inputs.copy() if on_plane else None,
        inputs=parsed.inputs,
        labels=parsed.labels,
        targets=encode_targets(parsed.labels, parsed.n_classes, output_activation),
        train_indices=np.sort(order[:n_train]).astype(np.int64),
        test_indices=np.sort(order[n_train:]).astype(np.int64),
        seed=int(seed),
    )


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
