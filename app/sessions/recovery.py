"""The way out of a dead end: back to the checkpoint before the loss began to blow up (a divergence) or
before the hidden units saturated, at a learning rate tried from there (app/sessions/keyframes.py), and on.

Taking it is a jump back on the run's timeline plus a branch (app/sessions/branching.py): a new session
from that step at the suggested (or the given) rate, sharing the run's history up to there; the run that
diverged or saturated stays as it was, its timeline marking the branch. Nothing to go back to (no
divergence or saturation reported, or its step no longer on the timeline) is `NothingToRecover`, and the
session is unchanged.
"""

from __future__ import annotations

import asyncio
from typing import Any

from app.engine.errors import DivergenceError
from app.sessions import branching
from app.sessions.keyframes import way_back
from app.sessions.labs import divergence_report
from app.sessions.publisher import Publisher
from app.sessions.session import Session, SessionStore


class NothingToRecover(Exception):
    """No way out to take: the message says why."""


async def divergence(session: Session, error: DivergenceError) -> dict[str, Any]:
    """The diverged report, with the way back from the newest keyframe before the blow-up. The rates are
    tried on copies in a worker thread (up to ~0.1 s on the default network), so other sessions' frames
    go on meanwhile."""
    rate = float(session.lab.config.learning_rate)
    plan = await asyncio.to_thread(way_back, session.recovery.before_blowup(), rate, False)
    return divergence_report(error, rate, plan)


def plan_of(session: Session) -> dict[str, Any]:
    """The way out on offer (the divergence's, else the saturation's); NothingToRecover if none."""
    for report in (session.diverged, session.recovery.saturated):
        if report is not None and report.get("recover") is not None:
            plan: dict[str, Any] = report["recover"]
            return plan
    raise NothingToRecover(
        "nothing to recover: the session has not diverged or saturated (or its way back was not kept)"
    )


async def recover(
    hub: Publisher, store: SessionStore, session: Session, learning_rate: float | None
) -> Session:
    """Take the way out: a branch of the run from its keyframe's step at `learning_rate` (None: the
    suggested one); the diverged or saturated run stays as it is, its timeline marking the branch."""
    plan = plan_of(session)
    step = int(plan["step"])
    if not session.timeline.first <= step <= session.timeline.latest:
        raise NothingToRecover(
            f"nothing to recover: step {step} is no longer on the run's timeline "
            f"({session.timeline.first}..{session.timeline.latest}); reset, or lower the rate and step on"
        )
    rate = float(plan["learning_rate"]) if learning_rate is None else learning_rate
    session.playing = False
    return await branching.branch(hub, store, session, step, {"learning_rate": rate}, "recover")
