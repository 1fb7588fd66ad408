"""The state file (app/sessions/persist.py): the sessions a server keeps across a restart, checked on start
like a request (every number finite, every count in range), one session at a time: a bad session is
skipped with the reason, the others are restored. A session's timeline (app/timeline/columns.py) is checked
on its own: a bad one is refused and the session kept with a fresh timeline."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.state import Change, DivergenceReport, HistoryPoint
from app.schemas.timeline import ParentRef, TimelineBranch, TimelineMark
from app.schemas.types import Strict

FORMAT = "backprop-lab sessions 3"
FORMAT_2 = "backprop-lab sessions 2"  # no timelines (read: each session starts a fresh one)
FORMAT_1 = "backprop-lab sessions 1"  # the loss curve as one object per point (read, converted)
Count = Annotated[int, Field(ge=0, le=2**62)]
Metric = float | None
SessionId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{22}$")]


class Saved(BaseModel):
    """Every saved object: no unknown fields, no NaN or Infinity."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SavedHistory(Saved):
    """A loss curve, one list per field of a history point (a metric is null where undefined)."""

    step: list[Count]
    epoch: list[Count]
    train_loss: list[Metric]
    test_loss: list[Metric]
    train_accuracy: list[Metric]
    test_accuracy: list[Metric]
    grad_norms: list[list[Metric] | None] | None = None  # absent in files written before it was kept


STRICT = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)  # a timeline: JSON's own types


class SavedMark(TimelineMark):
    """A mark on the timeline: its step, its kind and the fields of its kind (docs/protocol.md)."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False, strict=True)
    step: Count


class SavedBranch(TimelineBranch):
    """A run branched from this one."""

    model_config = STRICT
    id: SessionId
    step: Count


class SavedParent(ParentRef):
    """The run this one branched from, and the step."""

    model_config = STRICT
    id: SessionId
    step: Count


class SavedTimeline(Strict):
    """A run's timeline as columns, one entry per keyframe in each list (app/timeline/columns.py, which
    checks that they agree, that the blobs hold what they say and that the tables' entries are readable)."""

    steps: list[Count]
    events: list[bool]
    configs: list[dict[str, Any]]
    datasets: list[dict[str, Any]]
    hypers: list[dict[str, Any]]
    pendings: list[dict[str, Any]]
    config: list[Count]
    data: list[Count]
    hyper: list[Count]
    pending: list[Count]
    n_params: Annotated[int, Field(ge=1, le=2**31)]
    theta: str
    optimizer: list[str]
    t: list[Count]
    slots: dict[str, str]
    epoch: list[Count]
    batch_in_epoch: list[Count]
    position: list[Count]
    order_lengths: list[Count | None]
    orders: str
    rng: dict[str, list[int | str]]
    marks: list[SavedMark]
    branches: list[SavedBranch]
    parent: SavedParent | None
    latest: Count
    applied: Count
    spacing: Annotated[int, Field(ge=1, le=2**40)]


class SavedSession(Saved):
    """One session: the engine's checkpoint (checked by the engine itself) and what the page shows of it."""

    id: SessionId
    lab: dict[str, Any]
    history: SavedHistory
    stride: Annotated[int, Field(ge=1, le=2**62)]
    offered: Count
    tail: HistoryPoint | None
    changes: list[Change]
    speed: Annotated[int, Field(ge=1)]
    fps: Annotated[float, Field(gt=0)]
    seq: Count
    diverged: DivergenceReport | None
    timeline: Any = None  # a SavedTimeline, checked apart (a bad one loses the timeline, not the session)


class StateFile(Saved):
    """The file: its format and the sessions (each checked on its own, so one bad entry loses only itself)."""

    format: Literal["backprop-lab sessions 3", "backprop-lab sessions 2", "backprop-lab sessions 1"]
    sessions: list[Any]
