"""The binary frame's JSON header (docs/protocol.md, "Binary frame").

The server writes frames from pre-encoded parts for speed (app/wire/frames.py, snapshot.py, maps.py);
this model is the contract those bytes keep, and the tests validate every frame they read against it.
"""

from __future__ import annotations

from typing import Any, Literal

from app.schemas.state import Cursor, HistoryPoint, Metrics
from app.schemas.types import Outgoing


class MapInfo(Outgoing):
    """One neuron's map in the payload: res × res uint8, value = lo + (hi − lo) · byte / 255."""

    layer: int
    neuron: int
    res: int
    lo: float
    hi: float
    offset: int
    length: int


class OutputMapInfo(Outgoing):
    """The output over the plane: one map (binary, regression), or class then probability (multiclass)."""

    res: int
    kind: Literal["binary", "regression", "multiclass"]
    lo: float
    hi: float
    offset: int
    length: int
    classes: int | None = None


class FrameExample(Outgoing):
    """The traced training example's forward pass at the frame's parameters: a⁰..a^L, z¹..z^L."""

    index: int
    a: list[list[float]]
    z: list[list[float] | None]


class FrameOutputs(Outgoing):
    """Data without a plane: every example's output a^L and loss ℓ (null where not finite)."""

    train: list[list[float | None]]
    train_loss: list[float | None]
    test: list[list[float | None]]
    test_loss: list[float | None]


class FrameTimeline(Outgoing):
    """The steps the run's timeline can reach: first..latest (the frame's step before latest: the past)."""

    first: int
    latest: int


class FrameHeader(Outgoing):
    """Everything a frame says besides the payload's map bytes."""

    type: Literal["frame"]
    seq: int
    t: float
    step: int
    epoch: int
    cursor: Cursor
    playing: bool
    speed: int
    selected: int
    timeline: FrameTimeline
    metrics: Metrics
    history: list[HistoryPoint]
    weights: list[list[list[float]]]
    biases: list[list[float]]
    grad_weights: list[list[list[float]] | None] | None
    grad_biases: list[list[float] | None] | None
    example: FrameExample
    outputs: FrameOutputs | None
    records: list[dict[str, Any]] | None
    maps: list[MapInfo]
    output_map: OutputMapInfo | None
