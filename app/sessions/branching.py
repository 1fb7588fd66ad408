"""Branching a run: a new session from a recorded step of another, with changed live hyperparameters.

The branch shares the parent's history up to the branch point (its keyframes, marks, loss curve and logged
changes, the same initialisation) and goes its own way from there; the parent is unchanged but for a
`branch` mark and an entry in its timeline's branches. A branch from step 0 with another setting is the
"same init, other setting" sibling.
"""

from __future__ import annotations

import asyncio
from typing import Any

from app.engine.errors import EngineError
from app.sessions import travel
from app.sessions.labs import OperationError
from app.sessions.publisher import Publisher
from app.sessions.session import Session, SessionStore
from app.timeline import replay
from app.wire.codec import to_wire

REASONS = ("branch", "recover", "sibling")


def descend(store: SessionStore, session: Session, reached: replay.Reached, step: int) -> Session:
    """A new session around `reached` (the run at `step`) sharing `session`'s history up to there: its
    keyframes and marks, its loss curve, its logged changes, and the records shown at that position."""
    child = store.add(reached.lab, timeline=session.timeline.fork(step, session.id))
    for point in session.history.window(session.timeline.first, step):
        child.history.append(point)
    child.changes = [dict(c) for c in session.changes if int(c["step"]) <= step]
    child.iteration_records = list(reached.records)
    return child


async def branch(
    hub: Publisher,
    store: SessionStore,
    session: Session,
    step: int,
    changes: dict[str, Any],
    reason: str = "branch",
) -> Session:
    """The new session branched from `session` at `step` with `changes` (OperationError naming `step` or
    `changes.<field>`; SessionLimit when the store is full). Nothing changes on a refusal."""
    async with session.lock:
        travel.check_step(session, step)
        most = hub.settings.max_branches_per_session
        if len(session.timeline.branches) >= most:
            raise OperationError(
                "step",
                f"this run has {most} branches already, the most a run may have; branch from one of them",
            )
        selected = int(session.lab.config.selected)
        reached = await asyncio.to_thread(replay.position, session.timeline, step, 0, selected)
        lab = reached.lab
        try:
            changed = lab.set_hyper(**changes)
        except EngineError as error:
            name = f"changes.{error.field}"
            raise OperationError(name, f"{name}: {error.message}") from None
        child = descend(store, session, reached, step)
        diff = {name: [to_wire(old), to_wire(new)] for name, (old, new) in changed.items()}
        mark = {"kind": "branch", "reason": reason, "parent": session.id, "changes": diff}
        child.timeline.event(lab, mark)
        if diff:
            child.add_change(step, diff)
        entry = {"id": child.id, "step": step, "changes": diff, "reason": reason}
        session.timeline.branches.append(entry)
        session.timeline.add_mark({"step": step, "kind": "branch", **entry})
        travel.publish_timeline(hub, session)
        if child.history.last_step() != step:  # the parent's curve had no point at the branch step
            hub.record_point(child)
        return child
