"""One room: its session, its teacher token's hash, whether forking is locked, its followers and its forks.

The room reaches its followers as one outlet of its session (`Fanout`, in the session's `connections` while
anyone follows): every text message and every frame the session's own sockets get goes to every follower,
the very same bytes: a frame is encoded once per tick, however many follow, and each follower's socket keeps
it in its own newest-wins slot (a slow follower skips frames; nobody waits for it).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.rooms.questions import Question
from app.sessions.session import Outlet

CLOSE_ROOM_CLOSED = 4010
MEMBER_BYTES = 9  # a follower's id: 72 random bits, per room


class Follower(Outlet, Protocol):
    """A follower's socket (app/live/connection.py) as the room sees it."""

    def close_after(self, code: int, reason: str = "") -> None:
        """Close with `code` once what is queued has gone out."""


class Fanout:
    """The room's followers as one outlet of its session; counts the frames it hands on."""

    frame_pending = False  # followers drop stale frames themselves: the room always takes a new one

    def __init__(self) -> None:
        self.followers: dict[Follower, str] = {}  # socket -> member id
        self.last_frame: bytes | None = None
        self.frames_encoded = 0  # frames the session built while anyone followed (each encoded once)
        self.frames_delivered = 0  # frames handed to followers' slots

    def send_text(self, text: str) -> None:
        """Queue a text message on every follower's socket."""
        for follower in self.followers:
            follower.send_text(text)

    def send_frame(self, frame: bytes) -> None:
        """Hand the same frame bytes to every follower's newest-wins slot."""
        self.last_frame = frame
        self.frames_encoded += 1
        self.frames_delivered += len(self.followers)
        for follower in self.followers:
            follower.send_frame(frame)

    def close(self, code: int, reason: str = "") -> None:
        """Close every follower's socket once what is queued for it has gone out (the session went)."""
        for follower in list(self.followers):
            follower.close_after(code, reason)


@dataclass(eq=False)
class Member:
    """A student of the room: an id and a display name (their forks are the room's `forks` naming them)."""

    id: str
    name: str


@dataclass(eq=False)
class Room:
    """A classroom room around one session."""

    code: str
    session_id: str
    token_hash: str
    created: float = field(default_factory=time.time)
    locked: bool = False
    fanout: Fanout = field(default_factory=Fanout)
    members: dict[str, Member] = field(default_factory=dict)
    forks: dict[str, str] = field(default_factory=dict)  # fork session id -> member id
    view: dict[str, Any] | None = None  # the teacher's page view (selection, notation, ...), relayed
    anonymous: int = 0  # anonymous names handed out so far
    question: Question | None = None  # the question to the class now (app/rooms/questions.py)

    @property
    def followers(self) -> int:
        """Sockets following the room now."""
        return len(self.fanout.followers)

    def member(self, member_id: str | None, name: str | None, max_members: int) -> Member:
        """The member with this id (renamed when `name` is given), else a new one with `name` or an
        anonymous one ("Student 7")."""
        if member_id is not None and member_id in self.members:
            found = self.members[member_id]
            if name:
                found.name = name
            return found
        if len(self.members) >= max_members:  # forget one who is not following now
            following = set(self.fanout.followers.values())
            for old in list(self.members):
                if old not in following:
                    del self.members[old]
                    break
        if not name:
            self.anonymous += 1
            name = f"Student {self.anonymous}"
        member = Member(secrets.token_urlsafe(MEMBER_BYTES), name)
        self.members[member.id] = member
        return member

    def message(self, member: Member | None = None) -> dict[str, Any]:
        """The `room` message: the room as a follower sees it (and who they are in it)."""
        message: dict[str, Any] = {"type": "room", "code": self.code, "locked": self.locked}
        if member is not None:
            message.update({"member": member.id, "name": member.name})
        return message

    def info(self, session_step: int) -> dict[str, Any]:
        """What GET /api/rooms/{code} answers."""
        return {
            "code": self.code,
            "session_step": session_step,
            "followers": self.followers,
            "forks": len(self.forks),
            "locked": self.locked,
        }
