"""Socket messages of time travel: seek, back, continue, branch (docs/protocol.md, "Timeline")."""

from __future__ import annotations

from typing import Any

from app.live.hub import Hub
from app.schemas import timeline as t
from app.sessions import branching, recovery, travel
from app.sessions.session import Session

TravelMessage = t.SeekMessage | t.BackMessage | t.ContinueMessage | t.BranchMessage
TRAVEL_MESSAGES = (t.SeekMessage, t.BackMessage, t.ContinueMessage, t.BranchMessage)


def branched(child: Session, reason: str) -> dict[str, Any]:
    """The reply naming the run a branch or a recover made."""
    return {"type": "branched", "id": child.id, "parent": child.parent, "reason": reason}


async def dispatch(hub: Hub, session: Session, message: TravelMessage) -> list[dict[str, Any]]:
    """Apply a validated time-travel message; the replies for the sender alone."""
    if isinstance(message, t.SeekMessage):
        await travel.seek(hub, session, message.step)
    elif isinstance(message, t.BackMessage):
        await travel.back(hub, session, message.unit)
    elif isinstance(message, t.ContinueMessage):
        await travel.discard_later(hub, session)
    else:
        changes = message.changes.model_dump(exclude_none=True)
        child = await branching.branch(hub, hub.store, session, message.step, changes, message.reason)
        return [branched(child, message.reason)]
    return []


async def recover(hub: Hub, session: Session, learning_rate: float | None) -> list[dict[str, Any]]:
    """Take the way out as a branch; the `branched` reply."""
    child = await recovery.recover(hub, hub.store, session, learning_rate)
    return [branched(child, "recover")]
