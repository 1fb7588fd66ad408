"""What the export endpoints answer in JSON (docs/protocol.md, "Share and export")."""

from __future__ import annotations

from typing import Any

from app.schemas.types import Outgoing


class ExportedWeights(Outgoing):
    """W^1..W^L (each n_l × n_(l−1)) and b^1..b^L at `step`, exactly; what they belong to."""

    weights: list[list[list[float]]]
    biases: list[list[float]]
    step: int
    sizes: list[int]
    activations: list[str]
    loss: str
    seed: int
    session: str


class LoggedChange(Outgoing):
    """A change made at `step`: its kind, a line of words, and the timeline's mark itself."""

    step: int
    kind: str
    text: str
    mark: dict[str, Any]


class RunLog(Outgoing):
    """The recorded loss curve as rows of `columns` (step, epoch, train/test loss and accuracy, the gradient
    norm per layer; null where undefined), every `stride`-th step kept; and the changes, by step."""

    session: str
    step: int
    columns: list[str]
    rows: list[list[float | int | None]]
    stride: int
    changes: list[LoggedChange]


class ExportedRecords(Outgoing):
    """The current phase records (the iteration in progress, or the one that led to `step`)."""

    session: str
    step: int
    phases_done: int
    cursor: dict[str, Any]
    records: list[dict[str, Any]]
