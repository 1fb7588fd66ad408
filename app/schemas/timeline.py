"""Time travel's bodies and messages (docs/protocol.md, "Timeline"): seek, step back, continue, branch,
the timeline itself and a run's decision boundary at a recorded step."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from app.schemas.config import HyperChanges
from app.schemas.types import Integer, Outgoing, Strict

Step = Annotated[Integer, Field(ge=0, le=2**62)]
BackUnit = Literal["phase", "iteration"]
BranchReason = Literal["branch", "sibling"]


class SeekRequest(Strict):
    """Go to recorded step `step` (first..latest of the run's timeline)."""

    step: Step


class BackRequest(Strict):
    """One phase back, or back to the previous iteration boundary."""

    unit: BackUnit = "phase"


class BranchRequest(Strict):
    """A new run from recorded step `step` with these live hyperparameters changed (omitted ones stay)."""

    step: Step
    changes: HyperChanges = Field(default_factory=HyperChanges)
    reason: BranchReason = "branch"


class ParentRef(Outgoing):
    """The run a branch started from, and the step it started at."""

    id: str
    step: int


class TimelineBranch(Outgoing):
    """A run branched from this one: its id, the step, what it changed, and why it was made."""

    id: str
    step: int
    changes: dict[str, list[Any]]
    reason: Literal["branch", "recover", "sibling"]


class TimelineMark(Outgoing):
    """Something that happened at `step`: kind start, change, edit, data, diverged, branch or discarded
    (with the fields of its kind: seed; changes; what, layer, row, col; message; id, reason; from, to)."""

    model_config = ConfigDict(extra="allow")

    step: int
    kind: Literal["start", "change", "edit", "data", "diverged", "saturated", "branch", "discarded"]


class TimelineReply(Outgoing):
    """A run's timeline: the steps that can be reached (first..latest), the current step, its marks, the
    runs branched from it and the run it branched from."""

    first: int
    latest: int
    step: int
    marks: list[TimelineMark]
    branches: list[TimelineBranch]
    parent: ParentRef | None


class TimelineMessage(TimelineReply):
    """The timeline, sent to every socket of the session when its marks, branches or bounds change."""

    type: Literal["timeline"]


class BackReply(Outgoing):
    """After a step back: the records of the iteration so far (as a step shows them) and the new state."""

    unit: BackUnit
    records: list[dict[str, Any]]
    state: Any


class BoundaryReply(Outgoing):
    """A run's output over the plane at a recorded step (the run does not move): res × res values, row-major
    from the top-left (x1 from domain[0] to domain[1], x2 from domain[1] down to domain[0]), as the frame's
    output map; `classes`: per pixel the predicted class (several outputs), else null."""

    step: int
    res: int
    domain: list[float]
    kind: Literal["binary", "regression", "multiclass"]
    values: list[float]
    classes: list[int] | None
    metrics: dict[str, float | None]
    config: dict[str, Any]


class SeekMessage(SeekRequest):
    """Socket: go to a recorded step."""

    type: Literal["seek"]


class BackMessage(BackRequest):
    """Socket: one phase or one iteration back."""

    type: Literal["back"]


class ContinueMessage(Strict):
    """Socket: continue from here, discarding the recorded history after the current step."""

    type: Literal["continue"]


class BranchMessage(BranchRequest):
    """Socket: branch a new run; answered to the sender alone by `branched`."""

    type: Literal["branch"]


class BranchedMessage(Outgoing):
    """The run a `branch` (or a `recover`) made: open its socket to follow it."""

    type: Literal["branched"]
    id: str
    parent: ParentRef
    reason: Literal["branch", "recover", "sibling"]
