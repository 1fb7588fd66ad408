"""Share links: the request that opens one, the answer that makes one, and the settings a link holds."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from app.config import LIMITS, SHARE
from app.schemas.config import Coordinate, Index, Seed, SessionConfig, Value
from app.schemas.types import Outgoing, Strict

AddedPoint = tuple[Coordinate, Coordinate, Value]


class LinkSettings(SessionConfig):
    """The settings part of a link: a session's configuration with the points added by hand and, when the
    data set was built from another seed than the run's, that seed, and the training examples removed by
    hand (the parameters travel apart)."""

    added_points: Annotated[list[AddedPoint], Field(max_length=LIMITS.max_points)] = Field(
        default_factory=list
    )
    data_seed: Seed | None = None
    removed: Annotated[list[Index], Field(max_length=LIMITS.max_points)] = Field(default_factory=list)


class FromLinkRequest(Strict):
    """Open a share link: the full URL, its fragment (`#run=...`) or the `run` value alone."""

    link: Annotated[str, Field(min_length=1, max_length=SHARE.link_max_bytes)]


class LinkReply(Outgoing):
    """A share link: its URL (null when even the settings pass link_max_bytes), its size in bytes, whether
    the exact weights are in it, and what it holds or why not."""

    url: str | None
    bytes: int
    weights_included: bool
    message: str
