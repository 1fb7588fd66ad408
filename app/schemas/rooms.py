"""Classroom rooms' bodies, answers and socket messages (docs/protocol.md, "Rooms")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from app.schemas.types import Integer, Outgoing, Strict

SessionId = Annotated[str, Field(min_length=1, max_length=64)]
DisplayName = Annotated[str, Field(max_length=200)]  # cut to max_display_name_chars once cleaned
MemberId = Annotated[str, Field(min_length=1, max_length=32)]
Small = Annotated[Integer, Field(ge=0, le=10_000)]


class RoomCreate(Strict):
    """Open a room around a session: the teacher's."""

    session: SessionId


class RoomPatch(Strict):
    """Lock or unlock forking ("eyes on me")."""

    locked: bool


class ForkRequest(Strict):
    """Explore on my own: a private session from the room's current state."""

    name: DisplayName | None = None
    member: MemberId | None = None


class RoomCreated(Outgoing):
    """A new room: its code, the teacher's token (kept in the teacher's tab only), the join URL and its QR
    code's address."""

    code: str
    teacher_token: str
    join_url: str
    qr_url: str
    session: str


class RoomInfo(Outgoing):
    """A room as anyone with its code sees it."""

    code: str
    session_step: int
    followers: int
    forks: int
    locked: bool


class RosterMember(Outgoing):
    """One student: their display name and whether they follow, explore their fork, or are away."""

    name: str
    status: Literal["following", "exploring", "away"]


class Roster(Outgoing):
    """Who is in the room (the teacher's view), and how its frames went out."""

    code: str
    followers: int
    explorers: int
    forks: int
    locked: bool
    members: list[RosterMember]
    frames_encoded: int
    frames_delivered: int


class AuthMessage(Strict):
    """The teacher's tab proves it holds the room's teacher token (every control message of a room's
    session needs it)."""

    type: Literal["auth"]
    token: Annotated[str, Field(min_length=1, max_length=100)]


class Selection(Strict):
    """What the teacher's formula panel shows: a neuron, a weight W^l[row][col] or a bias b^l[row]."""

    kind: Literal["neuron", "weight", "bias"]
    layer: Annotated[Integer, Field(ge=1, le=64)]
    row: Small
    col: Small | None = None


class ViewMessage(Strict):
    """The teacher's page view, mirrored on every follower's page."""

    type: Literal["view"]
    selection: Selection | None = None
    notation: Literal["rows", "columns"] = "rows"
    show_test: bool = False
