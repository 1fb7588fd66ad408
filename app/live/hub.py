"""The server's sessions and what connects them to sockets: publishing state and frames, idle eviction,
closing sockets (deleted session, shutdown)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from pathlib import Path
from typing import Any

from app.config import Settings
from app.live.asking import Asking
from app.live.connection import CLOSE_GOING_AWAY, Connection
from app.live.fairshare import FairShare
from app.rooms import operations as room_operations
from app.rooms.guesses import GuessLimiter
from app.rooms.registry import Rooms, rooms_path
from app.sessions import persist
from app.sessions.publisher import Publisher
from app.sessions.session import Session, SessionStore
from app.wire.codec import dumps
from app.wire.frames import state_payload

CLOSE_SESSION_GONE = 4004
log = logging.getLogger("backprop.hub")


class Hub(Publisher):
    """Holds the session store and publishes to its sessions' sockets (Publisher); evicts idle sessions and
    closes sockets (deleted session, shutdown)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.store = SessionStore(settings)
        self._eviction: asyncio.Task[None] | None = None
        self.connections: set[Connection] = set()  # every open socket, for shutdown
        # the newest `sync` reply of each session, with what it was built at (see state_text)
        self._states: weakref.WeakKeyDictionary[Session, tuple[tuple[Any, ...], str]] = (
            weakref.WeakKeyDictionary()
        )
        self.closing = False
        self.fair = FairShare()  # turns of compute between play loops
        self.rooms = Rooms(settings)  # classroom rooms around some of the sessions (app/rooms/)
        self.guesses = GuessLimiter(settings)  # unknown room codes looked up, per client address
        self.asking = Asking(self, self.store)  # the rooms' questions to the class (app/live/asking.py)

    def records_computed(self, session: Session, records: list[dict[str, Any]]) -> None:
        """A room's question takes its value from the records of a frame (app/live/asking.py)."""
        room = self.rooms.by_session(session.id)
        if room is not None:
            self.asking.captured(session, room, records)

    def state_text(self, session: Session) -> str:
        """The session's state message as sent, built again only when the session has changed since: every
        change publishes a frame (a new `seq`), or is in its play settings, its divergence or its sockets;
        so the syncs of several sockets on an unchanged session share one build."""
        key = (
            session.lab,
            session.seq,
            len(session.connections),
            session.playing,
            session.speed,
            session.fps,
            id(session.diverged),
        )
        cached = self._states.get(session)
        if cached is not None and cached[0] == key:
            return cached[1]
        text = dumps({"type": "state", **state_payload(session)})
        self._states[session] = (key, text)
        return text

    # lifecycle

    def drop(self, session: Session, code: int = CLOSE_SESSION_GONE, reason: str = "session deleted") -> None:
        """Remove a session: stop playing and any step running on it, close its sockets with `code`."""
        session.playing = False
        session.deleted = True
        room = self.rooms.by_session(session.id)
        if room is not None:
            room_operations.close(self, self.rooms, room, session)
        self.rooms.forget_fork(session.id)
        if session.play_task is not None:
            session.play_task.cancel()
        for connection in list(session.connections):
            connection.close(code, reason)
        with contextlib.suppress(KeyError):
            self.store.remove(session.id)

    async def _evict_forever(self) -> None:
        """Every eviction_interval_seconds, drop sessions idle for longer than session_idle_seconds."""
        while True:
            await asyncio.sleep(self.settings.eviction_interval_seconds)
            for session in self.store.idle():
                self.drop(session, reason="session evicted after being idle")

    async def start(self) -> None:
        """Read back the sessions kept by the last shutdown, start the idle eviction task."""
        if self.settings.state_file:
            path = Path(self.settings.state_file)
            problem = persist.check(path)
            if problem is not None:
                log.error(
                    "state_file %s cannot be used: %s; sessions will not be kept across a restart",
                    path,
                    problem,
                )
            restored = persist.load(self.store, path)
            if restored:
                log.info("%d session(s) restored from %s", restored, path)
            kept = rooms_path(self.settings.state_file)
            if kept is not None and self.rooms.load(kept, {s.id for s in self.store}):
                log.info("%d room(s) restored from %s", len(self.rooms), kept)
        self._eviction = asyncio.create_task(self._evict_forever())

    async def close_all(self, grace: float) -> None:
        """Close every socket with 1001 (going away) and wait up to `grace` seconds for them to finish."""
        self.closing = True
        for session in self.store:
            session.playing = False
        for connection in list(self.connections):
            connection.close(CLOSE_GOING_AWAY, "server shutting down")
        deadline = asyncio.get_running_loop().time() + grace
        while self.connections and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.02)
        for connection in list(self.connections):
            connection.abort()

    async def stop(self) -> None:
        """Close every socket, stop every play loop and the eviction task, keep the sessions (state_file)."""
        await self.close_all(self.settings.shutdown_close_seconds)
        tasks = [s.play_task for s in self.store if s.play_task is not None]
        if self._eviction is not None:
            tasks.append(self._eviction)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for session in self.store:
            self._close_curve(session)
        if self.settings.state_file:
            path = Path(self.settings.state_file)
            try:
                saved = persist.save(self.store, path)
            except OSError as exc:
                log.error("%d session(s) lost: %s could not be written (%s)", len(self.store), path, exc)
            else:
                log.info("%d session(s) kept in %s for the next start", saved, path)
            self._save_rooms()

    def _save_rooms(self) -> None:
        """Write the open rooms beside the state file (their sessions were just kept)."""
        kept = rooms_path(self.settings.state_file)
        if kept is None:
            return
        try:
            count = self.rooms.save(kept)
        except OSError as exc:
            log.error("%d room(s) lost: %s could not be written (%s)", len(self.rooms), kept, exc)
        else:
            log.info("%d room(s) kept in %s for the next start", count, kept)

    def _close_curve(self, session: Session) -> None:
        """Give the loss curve a point at the session's last step (a tick stopped by the shutdown, or one
        that trained while every socket still held a frame, recorded none)."""
        step = int(session.lab.cursor["step"])
        if session.history.last_step() != step:
            self.record_point(session)
