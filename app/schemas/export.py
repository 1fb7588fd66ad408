"""What the export endpoints answer in JSON (docs/protocol.md, "Share and export")."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from app.config import LIMITS
from app.schemas.types import Outgoing, Strict


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


class LinkReply(Outgoing):
    """A share link: the URL (its fragment holds the run), its length, the step it was taken at, whether
    the weights are in it, and why not."""

    url: str
    chars: int
    step: int
    weights_included: bool
    message: str | None


class LinkRequest(Strict):
    """A share link to open: its fragment (run=...) or the whole URL."""

    link: Annotated[str, Field(min_length=1, max_length=LIMITS.link_max_chars + 2048)]
