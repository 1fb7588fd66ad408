"""The way out of a dead end: back to the checkpoint before the loss began to blow up (a divergence) or
before the hidden units saturated, at a learning rate tried from there (app/sessions/keyframes.py), and on.

Taking it restores that keyframe exactly (Lab.restore), sets the suggested (or the given) rate as a live
change logged at that step, forgets the loss-curve points and changes after it, and sends every socket the
new state. Nothing to go back to (no divergence or saturation reported, or its keyframe no longer kept, e.g.
after a restart) is `NothingToRecover`, and the session is unchanged.
"""

from __future__ import annotations

import asyncio
from typing import Any

from app.engine.errors import DivergenceError
from app.engine.lab import Lab
from app.sessions.keyframes import way_back
from app.sessions.labs import divergence_report, engine_call
from app.sessions.publisher import Publisher
from app.sessions.session import Session
from app.wire.codec import to_wire


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


async def recover(hub: Publisher, session: Session, learning_rate: float | None) -> None:
    """Take the way out: back to its keyframe, at `learning_rate` (None: the suggested one), and on."""
    async with session.lock:
        plan = plan_of(session)
        step = int(plan["step"])
        frame = session.recovery.ring.get(step)
        if frame is None:
            raise NothingToRecover(
                f"nothing to recover: the checkpoint of step {step} is no longer kept "
                "(checkpoints do not survive a restart); reset, or lower the rate and step on"
            )
        rate = float(plan["learning_rate"]) if learning_rate is None else learning_rate
        lab = engine_call(Lab.restore, frame.saved)
        changed = engine_call(lab.set_hyper, learning_rate=rate)
        engine_call(lab.select, session.lab.config.selected)  # the traced example stays the one chosen
        session.playing = False
        session.lab = lab
        session.iteration_records = []
        session.diverged = None
        session.forget_from(step)
        session.recovery.adopt(lab, step)
        if changed:
            session.add_change(step, {name: [to_wire(a), to_wire(b)] for name, (a, b) in changed.items()})
        metrics = hub.record_point(session)
        hub.publish_state(session)
        hub.publish_frame(session, None, metrics)
