"""What the server sends: a session's state, step replies, gradient checks, and the socket's text messages."""

from __future__ import annotations

from typing import Any, Literal

from app.schemas.config import SessionConfig
from app.schemas.timeline import ParentRef, TimelineReply
from app.schemas.types import Outgoing, StepUnit


class Cursor(Outgoing):
    """The next phase the session will run."""

    step: int
    epoch: int
    batch_in_epoch: int
    batches_per_epoch: int
    phase: Literal["forward", "loss", "backward", "update"]
    layer: int | None


class Metrics(Outgoing):
    """Losses and accuracies over the whole training and test sets (null where undefined)."""

    train_loss: float | None
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None


class HistoryPoint(Metrics):
    """One point of the loss curve; `grad_norms`: ‖∂L/∂W^l‖_F (l = 1..L) of the batch gradient the step's
    last update used (null before the first update; a non-finite norm as null)."""

    step: int
    epoch: int
    grad_norms: list[float | None] | None = None


class Change(Outgoing):
    """A live hyperparameter change and the step it happened at (a mark on the loss curve)."""

    step: int
    changes: dict[str, list[Any]]


class DataView(Outgoing):
    """The examples: 2-D points (or custom input rows), labels, and the train/test split."""

    name: str
    kind: Literal["classification", "regression"]
    n_classes: int
    feature_names: list[str]
    feature_labels: list[str]
    class_names: list[str]
    points: list[list[float]] | None
    inputs: list[list[float]] | None
    labels: list[Any]
    train_indices: list[int]
    test_indices: list[int]
    domain: list[float]


class RecoverPlan(Outgoing):
    """The way out of a dead end: the step it goes back to, its training loss, and the rate to go on at."""

    step: int
    learning_rate: float
    loss: float | None


class DivergenceReport(Outgoing):
    """Where values stopped being finite, and what to do about it."""

    type: Literal["diverged"]
    step: int
    phase: str
    layer: int | None
    quantity: str
    message: str
    suggestion: str
    learning_rate: float
    recover: RecoverPlan | None


class SaturationReport(Outgoing):
    """Most hidden units saturated and the loss flat since `since`: a dead end, and the way back."""

    step: int
    since: int
    units: int
    counted: int
    loss: float | None
    learning_rate: float
    message: str
    suggestion: str
    recover: RecoverPlan | None


class SaturationMessage(Outgoing):
    """The run became saturated (the report) or is no longer (null)."""

    type: Literal["saturation"]
    saturated: SaturationReport | None


class SessionState(Outgoing):
    """Everything a page needs to draw a session from scratch."""

    id: str
    config: SessionConfig
    step: int
    epoch: int
    cursor: Cursor
    weights: list[list[list[float]]]
    biases: list[list[float]]
    metrics: Metrics
    history: list[HistoryPoint]
    changes: list[Change]
    data: DataView
    optimizer_state: dict[str, Any]
    diverged: DivergenceReport | None
    saturated: SaturationReport | None
    playing: bool
    speed: int
    fps: float
    clients: int
    parent: ParentRef | None
    timeline: TimelineReply


StepStop = Literal["time_limit", "cancelled"]


class StepReply(Outgoing):
    """A step's records, oldest first (the earliest `omitted` ones left out), how many of the `requested`
    units were `done` (`stopped` says why it stopped short: max_step_seconds, or the session was deleted or
    the client left; null when it did them all), and the new state."""

    unit: StepUnit
    count: int
    requested: int
    done: int
    stopped: StepStop | None
    records: list[dict[str, Any]]
    omitted: int
    state: SessionState


class SteppedMessage(Outgoing):
    """A socket step that stopped short: how many of the `requested` units were `done`, and why."""

    type: Literal["stepped"]
    unit: StepUnit
    requested: int
    done: int
    stopped: StepStop


class LayerCheck(Outgoing):
    """Central-difference check of one layer: relative error of every weight and bias, and the largest."""

    layer: int
    weights_rel_error: list[list[float]]
    biases_rel_error: list[float]
    max: float


class GradcheckReply(Outgoing):
    """The gradient check of every layer and the largest relative error overall."""

    layers: list[LayerCheck]
    max: float


class ErrorMessage(Outgoing):
    """A rejected socket message: what was wrong; the session is unchanged."""

    type: Literal["error"]
    code: str
    field: str | None
    message: str


class ChangedMessage(Outgoing):
    """Live hyperparameters changed at `step`: {field: [old, new]}."""

    type: Literal["changed"]
    step: int
    changes: dict[str, list[Any]]


class HistoryReply(Outgoing):
    """Loss-curve points answering a `history` request."""

    type: Literal["history"]
    since: int
    points: list[HistoryPoint]


class ErrorDetail(Outgoing):
    """One entry of a 422 answer: where (loc), what (msg names field, value and range), and the error type."""

    loc: list[str | int]
    msg: str
    type: str
    input: Any = None


class ValidationAnswer(Outgoing):
    """A 422 answer."""

    detail: list[ErrorDetail]


class MessageAnswer(Outgoing):
    """A 404, 413 or 503 answer."""

    detail: str


class NothingToRecoverAnswer(Outgoing):
    """A 409 answer to recover: there is no way out to take (the message says why)."""

    detail: str


class DivergedAnswer(Outgoing):
    """A 409 answer: the step diverged; the session is paused at its last finite state."""

    detail: DivergenceReport
