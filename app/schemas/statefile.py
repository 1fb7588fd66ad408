"""The state file (app/sessions/persist.py): the sessions a server keeps across a restart, checked on start
like a request (every number finite, every count in range), one session at a time: a bad session is
skipped with the reason, the others are restored."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.state import Change, DivergenceReport, HistoryPoint

FORMAT = "backprop-lab sessions 2"
FORMAT_1 = "backprop-lab sessions 1"  # the loss curve as one object per point (read, converted)
Count = Annotated[int, Field(ge=0, le=2**62)]
Metric = float | None


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


class SavedSession(Saved):
    """One session: the engine's checkpoint (checked by the engine itself) and what the page shows of it."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{22}$")]
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


class StateFile(Saved):
    """The file: its format and the sessions (each checked on its own, so one bad entry loses only itself)."""

    format: Literal["backprop-lab sessions 2", "backprop-lab sessions 1"]
    sessions: list[Any]
