"""The loss-surface slice and the activation explorer (docs/protocol.md, "Loss surface", "Activations"):
the slice's request and reply, the engine's activation curves, and a layer's pre-activations."""

from __future__ import annotations

from typing import Annotated, Literal

from app.config import LIMITS, VIEWS
from app.schemas.types import Integer, Outgoing, Strict, Within

Span = Annotated[float, Within(VIEWS.surface_span_min, VIEWS.surface_span_max)]
Resolution = Annotated[Integer, Within(VIEWS.surface_resolution_min, VIEWS.surface_resolution_max)]
MAX_LAYER = LIMITS.max_hidden_layers + 1
MAX_UNITS = max(LIMITS.max_neurons, LIMITS.max_inputs, LIMITS.max_outputs)
Region = list[float | None]  # [lo, hi]; null: open beyond the window


class ParameterRef(Strict):
    """A weight W^layer[row][col] (from neuron col of layer−1 to neuron row of layer) or a bias
    b^layer[row] (col null): 0-based, in the engine's rows layout whatever notation the page writes."""

    kind: Literal["weight", "bias"]
    layer: Annotated[Integer, Within(1, MAX_LAYER)]
    row: Annotated[Integer, Within(0, MAX_UNITS - 1)]
    col: Annotated[Integer, Within(0, MAX_UNITS - 1)] | None = None


class SurfaceRequest(Strict):
    """Two parameters, the half-width of the box around their current values, and the grid's points a side
    (resolution² × training examples × parameters at most surface_max_work)."""

    first: ParameterRef
    second: ParameterRef
    span: Span = VIEWS.surface_span
    resolution: Resolution = VIEWS.surface_resolution


class ParameterValue(ParameterRef):
    """A parameter of the slice and its current value."""

    value: float


class SurfaceCurrent(Outgoing):
    """The training loss at the current parameters: data loss (the session's train_loss) + R."""

    loss: float | None
    data_loss: float | None
    penalty: float


class SurfacePath(Outgoing):
    """The two parameters' values at recorded steps of the run (the current step last)."""

    steps: list[int]
    first: list[float]
    second: list[float]
    replayed: int


class SurfaceObjective(Outgoing):
    """What the slice's loss is: the session's loss and regularisation over its training set."""

    loss: str
    regularization: str
    regularization_rate: float
    examples: int


class SurfaceReply(Outgoing):
    """loss[b][a]: the training loss at first = first_values[a], second = second_values[b] (null where not
    finite); min and max over its finite values."""

    step: int
    first: ParameterValue
    second: ParameterValue
    span: float
    resolution: int
    first_values: list[float]
    second_values: list[float]
    loss: list[list[float | None]]
    min: float | None
    max: float | None
    current: SurfaceCurrent
    path: SurfacePath
    objective: SurfaceObjective
    work: int


class ActivationCurve(Outgoing):
    """One activation: its formulas, g and g′ at the reply's z (null for softmax, which is not
    elementwise), the saturation threshold on |g′| and its saturated and dead intervals."""

    name: str
    formula: str
    derivative_formula: str
    elementwise: bool
    hidden: bool
    output: bool
    max_slope: float | None
    threshold: float | None
    g: list[float | None] | None
    dg: list[float | None] | None
    saturated: list[Region]
    dead: list[Region]


class ActivationsReply(Outgoing):
    """Every activation of the engine sampled at z (points values of [−half_width, half_width])."""

    half_width: float
    points: int
    saturation_slope: float
    saturation_examples: float
    z: list[float]
    activations: list[ActivationCurve]


class PreactivationsReply(Outgoing):
    """Layer `layer`'s z over the training set (evaluation mode), binned per unit: counts[j][i] examples of
    unit j in [edges[i], edges[i+1]); below / above the window; per unit the dead and saturated counts
    (null for softmax) and the units dead on every example or saturated on most."""

    step: int
    layer: int
    activation: str
    examples: int
    units: int
    half_width: float
    bins: int
    edges: list[float]
    counts: list[list[int]]
    below: list[int]
    above: list[int]
    min: list[float | None]
    max: list[float | None]
    dead: list[int] | None
    saturated: list[int] | None
    dead_units: int | None
    saturated_units: int | None
