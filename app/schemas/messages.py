"""Socket messages from the page to the server (JSON text), one model per `type`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from app.schemas.config import (
    Biases,
    Col,
    Coordinate,
    HyperChanges,
    Index,
    Layer,
    LearningRate,
    Row,
    Seed,
    SessionConfig,
    Value,
    Weights,
)
from app.schemas.rooms import (
    AnswerMessage,
    AskMessage,
    AuthMessage,
    DismissMessage,
    RevealMessage,
    ViewMessage,
)
from app.schemas.timeline import BackMessage, BranchMessage, ContinueMessage, SeekMessage
from app.schemas.types import Integer, StepUnit, Strict, WithinSetting


class StepMessage(Strict):
    """Advance by `count` phases, iterations or epochs; answered by one frame with the iteration's records."""

    type: Literal["step"]
    unit: StepUnit
    count: Annotated[Integer, WithinSetting(1, "max_step_count")] = 1


class PlayMessage(Strict):
    """Train continuously: `speed` iterations per frame, at most `fps` (≤ max_fps) frames per second."""

    type: Literal["play"]
    speed: Annotated[Integer, WithinSetting(1, "max_speed")] = 1
    fps: Annotated[float, WithinSetting(1, "max_fps")] | None = None


class PauseMessage(Strict):
    """Stop playing."""

    type: Literal["pause"]


class SetMessage(Strict):
    """Change live hyperparameters (no reset)."""

    type: Literal["set"]
    changes: HyperChanges


class RebuildMessage(Strict):
    """Rebuild the network and data with these configuration fields (the others stay)."""

    type: Literal["rebuild"]
    config: SessionConfig


class SetParametersMessage(Strict):
    """Set every weight and bias exactly."""

    type: Literal["set_parameters"]
    weights: Weights
    biases: Biases


class SetWeightMessage(Strict):
    """Set one weight W^layer[row][col]."""

    type: Literal["set_weight"]
    layer: Layer
    row: Row
    col: Col
    value: Value


class SetBiasMessage(Strict):
    """Set one bias b^layer[row]."""

    type: Literal["set_bias"]
    layer: Layer
    row: Row
    value: Value


class ResetMessage(Strict):
    """Reset: null seed keeps the same initialisation, an integer re-randomises."""

    type: Literal["reset"]
    seed: Seed | None = None


class RecoverMessage(Strict):
    """Take the way out of a divergence or a saturation: back to its step, at its rate or `learning_rate`."""

    type: Literal["recover"]
    learning_rate: LearningRate | None = None


class SelectMessage(Strict):
    """Trace this training example (index into the training set)."""

    type: Literal["select"]
    example: Index


class AddPointMessage(Strict):
    """Add a training point on the plane with a class (or regression value)."""

    type: Literal["add_point"]
    x: Annotated[list[Coordinate], Field(min_length=2, max_length=2)]
    label: Value


class RemovePointMessage(Strict):
    """Remove a training point (index into the training set)."""

    type: Literal["remove_point"]
    index: Index


class HistoryMessage(Strict):
    """Ask for the loss-curve points from step `since` on."""

    type: Literal["history"]
    since: Annotated[Integer, Field(ge=0)] = 0


class SyncMessage(Strict):
    """Ask for a full state message."""

    type: Literal["sync"]


ClientMessage = Annotated[
    StepMessage
    | PlayMessage
    | PauseMessage
    | SetMessage
    | RebuildMessage
    | SetParametersMessage
    | SetWeightMessage
    | SetBiasMessage
    | ResetMessage
    | RecoverMessage
    | SelectMessage
    | AddPointMessage
    | RemovePointMessage
    | HistoryMessage
    | SyncMessage
    | SeekMessage
    | BackMessage
    | ContinueMessage
    | BranchMessage
    | AuthMessage
    | ViewMessage
    | AskMessage
    | AnswerMessage
    | RevealMessage
    | DismissMessage,
    Field(discriminator="type"),
]
CLIENT_MESSAGE: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)
MESSAGE_TYPES: tuple[str, ...] = (
    "step",
    "play",
    "pause",
    "set",
    "rebuild",
    "set_parameters",
    "set_weight",
    "set_bias",
    "reset",
    "recover",
    "select",
    "add_point",
    "remove_point",
    "history",
    "sync",
    "seek",
    "back",
    "continue",
    "branch",
    "auth",
    "view",
    "ask",
    "answer",
    "reveal",
    "dismiss",
)
