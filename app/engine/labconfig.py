"""LabConfig: everything that defines a Lab, with its checks against LIMITS.

Every check raises EngineError(field, "<field> must be ..., got <value>") naming the allowed range, before
anything is built or changed. Data fields (dataset, points, noise, train_fraction, features) are checked by
`data.build_dataset`, explicit parameters by `Network.set_parameters`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.config import DEFAULTS, LIMITS
from app.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from app.engine.data import CsvData, CustomData
from app.engine.dropout import check_rates
from app.engine.errors import EngineError
from app.engine.init import INIT_SCHEMES
from app.engine.losses import REGULARIZATIONS, check_pair
from app.engine.optimizers import OPTIMIZERS


@dataclass(frozen=True)
class LabConfig:
    """A Lab's configuration; every field defaults to DEFAULTS' value (names match the REST API)."""

    dataset: str | CustomData | CsvData = DEFAULTS.dataset
    points: int = DEFAULTS.points
    noise: float = DEFAULTS.noise
    train_fraction: float = DEFAULTS.train_fraction
    features: Sequence[str] = DEFAULTS.features
    hidden_layers: Sequence[int] = DEFAULTS.hidden_layers
    activation: str = DEFAULTS.activation
    layer_activations: Sequence[str | None] | None = None  # per hidden layer; None = `activation`
    output_activation: str = DEFAULTS.output_activation
    loss: str = DEFAULTS.loss
    learning_rate: float = DEFAULTS.learning_rate
    batch_size: int = DEFAULTS.batch_size
    optimizer: str = DEFAULTS.optimizer
    momentum: float = DEFAULTS.momentum
    regularization: str = DEFAULTS.regularization
    regularization_rate: float = DEFAULTS.regularization_rate
    init: str = DEFAULTS.init
    bias_init: float = DEFAULTS.bias_init
    seed: int = DEFAULTS.seed
    shuffle: bool = DEFAULTS.shuffle
    drop_last: bool = DEFAULTS.drop_last
    train_biases: bool = DEFAULTS.train_biases
    dropout: Sequence[float] = ()  # p_l per hidden layer (app/engine/dropout.py); () = no dropout
    weights: Sequence[Any] | None = None  # explicit initial W^1..W^L (instead of `init`)
    biases: Sequence[Any] | None = None  # explicit initial b^1..b^L (instead of `bias_init`)
    selected: int = 0  # the traced example: an index into the training set
    # points added by clicking the plane, (x1, x2, class or value) in order: a rebuild of the same data set
    # (noise, split, features, ...) adds them again, so changing the noise never loses them
    added_points: Sequence[tuple[float, float, float]] = ()


def check_number(field: str, value: Any, lo: float, hi: float) -> float:
    """A finite real in [lo, hi]."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not lo <= value <= hi
    ):
        raise EngineError(field, f"{field} must be a number between {lo:g} and {hi:g}, got {value!r}")
    return float(value)


def check_int(field: str, value: Any, lo: int, hi: int) -> int:
    """An integer in [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise EngineError(field, f"{field} must be an integer between {lo} and {hi}, got {value!r}")
    return int(value)


def check_choice(field: str, value: Any, choices: Sequence[str]) -> str:
    """One of `choices`."""
    if not isinstance(value, str) or value not in choices:
        raise EngineError(field, f"{field} must be one of {', '.join(choices)}, got {value!r}")
    return value


def check_bool(field: str, value: Any) -> bool:
    """true or false."""
    if not isinstance(value, bool):
        raise EngineError(field, f"{field} must be true or false, got {value!r}")
    return value


# The live hyperparameters: each field's check (they may change between steps without a reset).
LIVE_CHECKS: dict[str, Callable[[Any], Any]] = {
    "learning_rate": lambda v: check_number(
        "learning_rate", v, LIMITS.learning_rate_min, LIMITS.learning_rate_max
    ),
    "batch_size": lambda v: check_int("batch_size", v, 1, LIMITS.max_points),
    "optimizer": lambda v: check_choice("optimizer", v, tuple(OPTIMIZERS)),
    "momentum": lambda v: check_number("momentum", v, 0.0, LIMITS.momentum_max),
    "regularization": lambda v: check_choice("regularization", v, REGULARIZATIONS),
    "regularization_rate": lambda v: check_number(
        "regularization_rate", v, 0.0, LIMITS.regularization_rate_max
    ),
    "train_biases": lambda v: check_bool("train_biases", v),
    "shuffle": lambda v: check_bool("shuffle", v),
    "drop_last": lambda v: check_bool("drop_last", v),
    "dropout": check_rates,  # its length is checked against the hidden layers by check_config, Lab.set_hyper
}


def check_live(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes, checked (EngineError for an unknown field or a value out of range)."""
    checked = {}
    for field, value in changes.items():
        check = LIVE_CHECKS.get(field)
        if check is None:
            raise EngineError(
                field, f"{field} cannot change live: choose among {', '.join(LIVE_CHECKS)} (or rebuild)"
            )
        checked[field] = check(value)
    return checked


def hidden_activations(config: LabConfig) -> list[str]:
    """The activation of each hidden layer: its override, or `activation`."""
    hidden = list(config.hidden_layers)
    overrides = config.layer_activations
    if overrides is None:
        return [config.activation] * len(hidden)
    return [config.activation if name is None else name for name in overrides]


def check_config(config: LabConfig) -> None:
    """EngineError naming the first field of `config` outside LIMITS (data fields are checked when built)."""
    hidden = config.hidden_layers
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
        raise EngineError("hidden_layers", f"hidden_layers must be a list of layer sizes, got {hidden!r}")
    if len(hidden) > LIMITS.max_hidden_layers:
        raise EngineError(
            "hidden_layers",
            f"hidden_layers must have between 0 and {LIMITS.max_hidden_layers} layers, got {len(hidden)}",
        )
    for i, size in enumerate(hidden):
        check_int(f"hidden_layers[{i}]", size, 1, LIMITS.max_neurons)
    names = tuple(HIDDEN_ACTIVATIONS)
    check_choice("activation", config.activation, names)
    overrides = config.layer_activations
    if overrides is not None:
        if isinstance(overrides, (str, bytes)) or not isinstance(overrides, Sequence):
            raise EngineError("layer_activations", f"layer_activations must be a list, got {overrides!r}")
        if len(overrides) != len(hidden):
            raise EngineError(
                "layer_activations",
                f"layer_activations must have {len(hidden)} entries (one per hidden layer), "
                f"got {len(overrides)}",
            )
        for i, name in enumerate(overrides):
            if name is not None:
                check_choice(f"layer_activations[{i}]", name, names)
    check_choice("output_activation", config.output_activation, tuple(OUTPUT_ACTIVATIONS))
    check_pair(config.output_activation, config.loss)
    check_live({field: getattr(config, field) for field in LIVE_CHECKS})
    check_rates(config.dropout, hidden)
    check_choice("init", config.init, tuple(INIT_SCHEMES))
    check_number("bias_init", config.bias_init, -LIMITS.max_abs_input, LIMITS.max_abs_input)
    check_int("seed", config.seed, 0, LIMITS.max_seed)
    if (config.weights is None) != (config.biases is None):
        raise EngineError("weights", "weights and biases must be given together (or neither)")
    check_int("selected", config.selected, 0, LIMITS.max_points - 1)  # below the training set's size: Lab


def finite(value: float) -> float | None:
    """The value, or None when it is not finite (NaN and ±∞ never leave the engine as numbers)."""
    return value if math.isfinite(value) else None
