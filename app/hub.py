"""The server's sessions and what connects them to sockets: publishing state and frames, idle eviction,
closing sockets (deleted session, shutdown)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from app import persist
from app.codec import dumps
from app.config import Settings
from app.connection import CLOSE_GOING_AWAY, Connection
from app.frames import build_frame, history_point, metrics_of, state_payload
from app.sessions import Session, SessionStore

CLOSE_SESSION_GONE = 4004
log = logging.getLogger("backprop.hub")


class Hub:
    """Holds the session store; every change a session's sockets must see goes out through here."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = SessionStore(settings)
        self._eviction: asyncio.Task[None] | None = None
        self.connections: set[Connection] = set()  # every open socket, for shutdown
        self.closing = False

    # publishing

    def record_point(self, session: Session) -> dict[str, Any]:
        """Compute the metrics, append them to the loss curve, and return them."""
        metrics = metrics_of(session)
        session.add_point(history_point(session, metrics))
        return metrics

    def publish_frame(
        self,
        session: Session,
        records: list[dict[str, Any]] | None = None,
        metrics: dict[str, Any] | None = None,
    ) -> None:
        """Build one frame (only if someone is connected) and put it in every socket's slot."""
        if not session.connections:
            return
        metrics = metrics if metrics is not None else metrics_of(session)
        session.broadcast_frame(build_frame(session, self.settings, metrics, records))

    def publish_text(self, session: Session, message: dict[str, Any]) -> None:
        """Send a text message to every socket of the session."""
        if session.connections:
            session.broadcast_text(dumps(message))

    def publish_state(self, session: Session) -> None:
        """Send the full state to every socket of the session."""
        if session.connections:
            session.unsent_points.clear()  # the state carries the whole history
            session.broadcast_text(dumps({"type": "state", **state_payload(session)}))

    # lifecycle

    def drop(self, session: Session, code: int = CLOSE_SESSION_GONE, reason: str = "session deleted") -> None:
        """Remove a session: stop playing, close its sockets with `code`."""
        session.playing = False
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
            restored = persist.load(self.store, Path(self.settings.state_file))
            if restored:
                log.info("%d session(s) restored from %s", restored, self.settings.state_file)
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
        if self.settings.state_file:
            saved = persist.save(self.store, Path(self.settings.state_file))
            log.info("%d session(s) kept in %s for the next start", saved, self.settings.state_file)
