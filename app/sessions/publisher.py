"""Publishing: every change a session's sockets must see goes out through a Publisher (the live hub is one).

Sessions reach their sockets only as outlets (app/sessions/session.py), so stepping and operations publish
without knowing anything of the live transport above them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from app.config import Settings
from app.sessions.session import Session
from app.wire.codec import dumps
from app.wire.frames import build_frame, history_point, metrics_of, state_payload


class Publisher:
    """Builds what a session's outlets are sent: frames, text messages, the full state."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def record_point(self, session: Session, changed: bool = False) -> dict[str, Any]:
        """Compute the metrics, append them to the loss curve at a step past its newest point (a replay
        of the past finds its points there already), or at the same step when `changed` (an edit, a new
        run), and return them."""
        metrics = metrics_of(session)
        last = session.history.last_step()
        if last is None or session.step > last or (changed and session.step == last):
            session.add_point(history_point(session, metrics))
        news = session.recovery.note(session.lab, metrics, self.settings)  # keyframe, saturation
        if news is not None:
            self.publish_text(session, news)
        return metrics

    async def settle(self, session: Session) -> None:
        """Report a saturation the last point found: its way back is tried in a worker thread (training
        copies of the run), so other sessions' frames go on meanwhile; then every socket is told."""
        pending = session.recovery.take_pending()
        if pending is None:
            return
        report = await asyncio.to_thread(pending.report)
        message = session.recovery.settle(pending, report)
        if message is not None:
            self.publish_text(session, message)

    def publish_frame(
        self,
        session: Session,
        records: list[dict[str, Any]] | None = None,
        metrics: dict[str, Any] | None = None,
    ) -> None:
        """Build one frame (only if someone is connected) and put it in every socket's slot."""
        if records:
            self.records_computed(session, records)
        if not session.connections:
            return
        metrics = metrics if metrics is not None else metrics_of(session)
        session.broadcast_frame(build_frame(session, self.settings, metrics, records))

    def records_computed(self, session: Session, records: list[dict[str, Any]]) -> None:
        """Told of the records a frame carries, before it is built (the live hub's questions read them)."""

    def publish_text(self, session: Session, message: dict[str, Any]) -> None:
        """Send a text message to every socket of the session."""
        if session.connections:
            session.broadcast_text(dumps(message))

    def publish_state(self, session: Session) -> None:
        """Send the full state to every socket of the session."""
        if session.connections:
            session.unsent_points.clear()  # the state carries the whole history
            session.broadcast_text(dumps({"type": "state", **state_payload(session)}))
