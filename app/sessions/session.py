"""Sessions: one network each (the engine's Lab) with its loss-curve history, and the store that holds them.

Ids are 128-bit random (secrets.token_urlsafe(16)). The store caps how many exist and evicts those idle
(no socket open and no request) for longer than session_idle_seconds.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.config import Settings
from app.engine.lab import Lab
from app.sessions.history import History
from app.sessions.keyframes import Recovery
from app.timeline.timeline import Bounds, Timeline
from app.wire.snapshot import Snapshot

ID_BYTES = 16  # 128 bits
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(ID_BYTES)


def bounds_of(settings: Settings) -> Bounds:
    """A timeline's bounds from the settings."""
    return Bounds(
        settings.timeline_keyframe_work,
        settings.timeline_max_spacing,
        settings.timeline_max_keyframes,
        settings.timeline_max_bytes,
        settings.timeline_max_events,
    )


class Outlet(Protocol):
    """Where a session's messages go: one open socket (app/live/connection.py) as the session sees it."""

    @property
    def frame_pending(self) -> bool:
        """A frame is waiting in the slot, not yet sent."""

    def send_text(self, text: str) -> None:
        """Queue a text message."""

    def send_frame(self, frame: bytes) -> None:
        """Put a frame in the newest-wins slot."""

    def close(self, code: int, reason: str = "") -> None:
        """Close the socket with `code`."""


class UnknownSession(KeyError):
    """No session has this id (never existed, deleted or evicted)."""

    def __init__(self, session_id: str) -> None:
        super().__init__(session_id)
        self.session_id = session_id

    def __str__(self) -> str:
        return f"no session {self.session_id!r} (it may have been deleted or evicted after being idle)"


class SessionLimit(RuntimeError):
    """The store is full."""


@dataclass(eq=False)
class Session:
    """One user's network and everything the page shows about its past."""

    id: str
    lab: Lab
    max_history: int
    fps: float
    bounds: Bounds = field(default_factory=lambda: bounds_of(Settings()))
    history: History = field(init=False)  # the loss curve, columnar (app/sessions/history.py)
    timeline: Timeline = field(init=False)  # every recorded step of the run (app/timeline/)
    unsent_points: list[dict[str, Any]] = field(default_factory=list)  # history points since the last frame
    changes: list[dict[str, Any]] = field(default_factory=list)
    iteration_records: list[dict[str, Any]] = field(default_factory=list)  # the current iteration's, so far
    playing: bool = False
    speed: int = 1
    seq: int = 0
    diverged: dict[str, Any] | None = None
    connections: set[Outlet] = field(default_factory=set)  # the open sockets
    last_used: float = field(default_factory=time.monotonic)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    play_task: asyncio.Task[None] | None = None
    snapshot: Snapshot = field(default_factory=Snapshot)  # frame parts at the current parameters
    recovery: Recovery = field(default_factory=Recovery)  # recent keyframes and dead ends
    busy: int = 0  # requests running on the session now (a session at work is not idle)
    deleted: bool = False  # taken out of the store: work still running on it stops at its next chunk

    def __post_init__(self) -> None:
        self.history = History(self.max_history)
        self.timeline = Timeline(self.bounds)

    @property
    def step(self) -> int:
        """The lab's step (iterations completed)."""
        return self.lab.step

    def timeline_payload(self) -> dict[str, Any]:
        """The run's timeline as the wire has it (marks and branches copied)."""
        return self.timeline.payload(self.step)

    def timeline_span(self) -> dict[str, int]:
        """{"first", "latest"}: the steps the run's timeline can reach."""
        return {"first": self.timeline.first, "latest": self.timeline.latest}

    @property
    def parent(self) -> dict[str, Any] | None:
        """The run this one branched from: {"id", "step"}, or None."""
        return self.timeline.parent

    @property
    def saturated(self) -> dict[str, Any] | None:
        """The saturation report while the run is saturated, else None."""
        return self.recovery.saturated

    def touch(self) -> None:
        """Mark the session as used now (idle eviction counts from here)."""
        self.last_used = time.monotonic()

    def add_point(self, point: dict[str, Any]) -> None:
        """Record a loss-curve point (thinned evenly past max_history, app/sessions/history.py); it goes out
        with the next frame when a socket is open (a socket that opens gets the whole curve in its state)."""
        if self.connections:
            self.unsent_points.append(point)
            if len(self.unsent_points) > self.max_history:
                del self.unsent_points[: len(self.unsent_points) - self.max_history]
        self.history.append(point)

    def curve(self) -> list[dict[str, Any]]:
        """The stored loss curve plus the newest point."""
        return self.history.curve()

    def clear_history(self) -> None:
        """Forget the loss curve and its marks (after a reset or a rebuild)."""
        self.history.clear()
        self.unsent_points.clear()
        self.changes.clear()

    def forget_from(self, step: int) -> None:
        """Forget the loss-curve points and changes at or after `step` (that part of the run was undone)."""
        self.history.forget_from(step)
        self.unsent_points = [p for p in self.unsent_points if p["step"] < step]
        self.changes = [c for c in self.changes if c["step"] < step]

    def add_change(self, step: int, changes: dict[str, list[Any]]) -> None:
        """Log a live hyperparameter change at `step` (the oldest go first past max_history)."""
        self.changes.append({"step": step, "changes": changes})
        if len(self.changes) > self.max_history:
            del self.changes[0]

    def history_since(self, step: int) -> list[dict[str, Any]]:
        """Loss-curve points at or after `step`."""
        return self.history.since(step)

    def take_unsent_points(self) -> list[dict[str, Any]]:
        """The points produced since the previous frame (and forget them)."""
        points, self.unsent_points = self.unsent_points, []
        return points

    def note_records(self, records: list[dict[str, Any]]) -> None:
        """Track the records of the iteration in progress: a forward pass of layer 1 starts a new one."""
        for record in records:
            if record["phase"] == "forward" and record["layer"] == 1:
                self.iteration_records = []
            self.iteration_records.append(record)

    def broadcast_text(self, text: str) -> None:
        """Queue a text message on every socket of the session."""
        for connection in self.connections:
            connection.send_text(text)

    def broadcast_frame(self, frame: bytes) -> None:
        """Put the same frame in every socket's slot."""
        for connection in self.connections:
            connection.send_frame(frame)


class SessionStore:
    """Sessions by id, capped at max_sessions, idle ones evicted."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sessions: dict[str, Session] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._sessions

    def __iter__(self) -> Iterator[Session]:
        return iter(list(self._sessions.values()))

    def add(self, lab: Lab, session_id: str | None = None, timeline: Timeline | None = None) -> Session:
        """A new session around `lab` under a fresh unguessable id (or `session_id`, one such id kept
        across a restart: ValueError if it is not one or is taken), its run's timeline starting at the lab's
        state (or `timeline`, a branch's); SessionLimit when full."""
        if len(self._sessions) >= self.settings.max_sessions:
            raise SessionLimit(
                f"the server holds its maximum of {self.settings.max_sessions} sessions; "
                "try again later or delete a session you no longer use"
            )
        if session_id is not None:
            if not ID_PATTERN.fullmatch(session_id) or session_id in self._sessions:
                raise ValueError(f"session id {session_id[:40]!r} is not a free 128-bit id")
        else:
            session_id = secrets.token_urlsafe(ID_BYTES)
            while session_id in self._sessions:
                session_id = secrets.token_urlsafe(ID_BYTES)
        s = self.settings
        session = Session(session_id, lab, s.max_history, s.max_fps, bounds_of(s))
        if timeline is not None:
            session.timeline = timeline
        else:
            session.timeline.start(lab, {"kind": "start", "seed": int(lab.config.seed)})
        self._sessions[session_id] = session
        return session

    def get(self, session_id: str) -> Session:
        """The session with this id; UnknownSession otherwise."""
        try:
            return self._sessions[session_id]
        except KeyError:
            raise UnknownSession(session_id) from None

    def remove(self, session_id: str) -> Session:
        """Take the session out of the store (the caller closes its sockets); UnknownSession if absent."""
        try:
            return self._sessions.pop(session_id)
        except KeyError:
            raise UnknownSession(session_id) from None

    def idle(self) -> list[Session]:
        """Sessions with no socket open, no request at work, unused for longer than session_idle_seconds."""
        cutoff = time.monotonic() - self.settings.session_idle_seconds
        return [
            s
            for s in self._sessions.values()
            if not s.connections and not s.busy and not s.lock.locked() and s.last_used < cutoff
        ]
