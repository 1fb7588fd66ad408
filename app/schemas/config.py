"""Request bodies that configure a session: configuration, live hyperparameters, parameters, steps."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from app.config import DEFAULTS, LIMITS, VIEWS
from app.schemas.types import (
    Activation,
    DatasetName,
    FeatureName,
    InitName,
    Integer,
    LossName,
    OptimizerName,
    OutputActivation,
    RegularizationName,
    StepUnit,
    Strict,
    Within,
    WithinSetting,
)

# Numbers a user may type: explicit parameters, custom inputs and targets.
Value = Annotated[float, Within(-LIMITS.max_abs_input, LIMITS.max_abs_input)]
Neurons = Annotated[Integer, Within(1, LIMITS.max_neurons)]
Index = Annotated[Integer, Within(0, LIMITS.max_points - 1)]
Seed = Annotated[Integer, Within(0, LIMITS.max_seed)]
LearningRate = Annotated[float, Within(LIMITS.learning_rate_min, LIMITS.learning_rate_max)]
BatchSize = Annotated[Integer, Within(1, LIMITS.max_points)]
Momentum = Annotated[float, Within(0.0, LIMITS.momentum_max)]
RegularizationRate = Annotated[float, Within(0.0, LIMITS.regularization_rate_max)]
DropoutRate = Annotated[float, Within(0.0, VIEWS.dropout_max)]
# p_l per hidden layer ([] = no dropout); its length is checked against hidden_layers by the engine
DropoutRates = Annotated[list[DropoutRate], Field(max_length=LIMITS.max_hidden_layers)]
Coordinate = Annotated[float, Within(-LIMITS.domain_half_width, LIMITS.domain_half_width)]

MAX_LAYERS = LIMITS.max_hidden_layers + 1
MAX_ROWS = max(LIMITS.max_neurons, LIMITS.max_outputs)  # neurons in a layer, outputs included
MAX_COLS = max(LIMITS.max_neurons, LIMITS.max_inputs)  # inputs to a layer, features included
Row = Annotated[Integer, Within(0, MAX_ROWS - 1)]
Col = Annotated[Integer, Within(0, MAX_COLS - 1)]
Layer = Annotated[Integer, Within(1, MAX_LAYERS)]
WeightRows = list[Annotated[list[Value], Field(min_length=1, max_length=MAX_COLS)]]
Weights = Annotated[
    list[Annotated[WeightRows, Field(min_length=1, max_length=MAX_ROWS)]], Field(max_length=MAX_LAYERS)
]
Biases = Annotated[
    list[Annotated[list[Value], Field(min_length=1, max_length=MAX_ROWS)]], Field(max_length=MAX_LAYERS)
]


class CustomDataIn(Strict):
    """Explicit examples: input rows and target rows (class index, one-hot row, or regression values)."""

    inputs: Annotated[
        list[Annotated[list[Value], Field(min_length=1, max_length=LIMITS.max_inputs)]],
        Field(min_length=1, max_length=LIMITS.max_custom_rows),
    ]
    targets: Annotated[
        list[Annotated[list[Value], Field(min_length=1, max_length=LIMITS.max_outputs)]],
        Field(min_length=1, max_length=LIMITS.max_custom_rows),
    ]
    kind: Literal["classification", "regression"] | None = None


class CsvDataIn(Strict):
    """A CSV file: a header row, one example per row; `label` names the column of class names, class
    indices or values (every other column is an input). Read by app/engine/csvdata.py."""

    csv: Annotated[str, Field(min_length=1, max_length=LIMITS.max_csv_bytes)]
    label: Annotated[str, Field(min_length=1, max_length=LIMITS.max_csv_name)]


def _dataset_kind(value: Any) -> str:
    """Which form a `dataset` value takes: a name, explicit rows or a CSV file."""
    if isinstance(value, CsvDataIn) or (isinstance(value, dict) and "csv" in value):
        return "~csv"
    return "~rows" if isinstance(value, (dict, CustomDataIn)) else "~name"


DatasetField = Annotated[
    Annotated[DatasetName, Tag("~name")]
    | Annotated[CustomDataIn, Tag("~rows")]
    | Annotated[CsvDataIn, Tag("~csv")],
    Discriminator(_dataset_kind),
]


class HyperChanges(Strict):
    """Hyperparameters that change live, between steps, without a reset (omitted fields stay)."""

    learning_rate: LearningRate | None = None
    batch_size: BatchSize | None = None
    optimizer: OptimizerName | None = None
    momentum: Momentum | None = None
    regularization: RegularizationName | None = None
    regularization_rate: RegularizationRate | None = None
    train_biases: bool | None = None
    shuffle: bool | None = None
    drop_last: bool | None = None
    dropout: DropoutRates | None = None


LIVE_FIELDS: frozenset[str] = frozenset(HyperChanges.model_fields)


class SessionConfig(Strict):
    """A session's configuration; every field optional (TF Playground's defaults). PATCH sends any subset."""

    hidden_layers: Annotated[list[Neurons], Field(max_length=LIMITS.max_hidden_layers)] = Field(
        default_factory=lambda: list(DEFAULTS.hidden_layers)
    )
    activation: Activation = DEFAULTS.activation  # type: ignore[assignment]
    layer_activations: (
        Annotated[list[Activation | None], Field(max_length=LIMITS.max_hidden_layers)] | None
    ) = None
    output_activation: OutputActivation = DEFAULTS.output_activation  # type: ignore[assignment]
    loss: LossName = DEFAULTS.loss  # type: ignore[assignment]
    learning_rate: LearningRate = DEFAULTS.learning_rate
    batch_size: BatchSize = DEFAULTS.batch_size
    optimizer: OptimizerName = DEFAULTS.optimizer  # type: ignore[assignment]
    momentum: Momentum = DEFAULTS.momentum
    regularization: RegularizationName = DEFAULTS.regularization  # type: ignore[assignment]
    regularization_rate: RegularizationRate = DEFAULTS.regularization_rate
    init: InitName = DEFAULTS.init  # type: ignore[assignment]
    bias_init: Value = DEFAULTS.bias_init
    seed: Seed = DEFAULTS.seed
    dataset: DatasetField = DEFAULTS.dataset  # type: ignore[assignment]
    points: Annotated[Integer, Within(LIMITS.min_points, LIMITS.max_points)] = DEFAULTS.points
    noise: Annotated[float, Within(0.0, LIMITS.noise_max)] = DEFAULTS.noise
    train_fraction: Annotated[float, Within(LIMITS.train_fraction_min, LIMITS.train_fraction_max)] = (
        DEFAULTS.train_fraction
    )
    features: Annotated[list[FeatureName], Field(min_length=1, max_length=LIMITS.max_inputs)] = Field(
        default_factory=lambda: list(DEFAULTS.features)  # type: ignore[arg-type]
    )
    shuffle: bool = DEFAULTS.shuffle
    drop_last: bool = DEFAULTS.drop_last
    train_biases: bool = DEFAULTS.train_biases
    dropout: DropoutRates = Field(default_factory=list)
    weights: Weights | None = None
    biases: Biases | None = None
    selected: Index = 0


class Parameters(Strict):
    """Exact parameters: weights[l][j][k] from neuron k of layer l to neuron j of layer l+1; biases[l][j]."""

    weights: Weights
    biases: Biases


class StepRequest(Strict):
    """Advance by `count` phases, iterations or epochs."""

    unit: StepUnit
    count: Annotated[Integer, WithinSetting(1, "max_step_count")] = 1


class ResetRequest(Strict):
    """Reset: null seed keeps the same initialisation, an integer re-randomises."""

    seed: Seed | None = None


class RecoverRequest(Strict):
    """Take the way out of a divergence or a saturation, at the suggested rate or at `learning_rate`."""

    learning_rate: LearningRate | None = None


class SelectRequest(Strict):
    """The traced example: an index into the training set."""

    example: Index
