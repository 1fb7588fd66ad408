"""Stepping a session by phase, iteration or epoch: in chunks that yield to the event loop, the fast path
(same numbers, no records) for iterations whose records would not be kept, and one frame at the end."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from typing import Any

from app.engine.errors import DivergenceError
from app.engine.lab import Lab
from app.sessions import recovery
from app.sessions.labs import Diverged
from app.sessions.publisher import Publisher
from app.sessions.session import Session
from app.wire.codec import to_wire


def phases_per_iteration(lab: Lab) -> int:
    """Forward and backward per layer, plus loss and update: 2L + 2."""
    return 2 * len(lab.weights) + 2


def at_iteration_start(lab: Lab) -> bool:
    """The cursor stands before the first forward phase of an iteration."""
    cursor = lab.cursor
    return bool(cursor["phase"] == "forward" and cursor["layer"] == 1)


class Stepper:
    """Runs a step request in chunks (yielding to the event loop), keeping only the newest records."""

    def __init__(self, hub: Publisher, session: Session) -> None:
        self.hub = hub
        self.session = session
        self.lab = session.lab
        self.limit = hub.settings.max_records_per_reply
        self.keep: deque[dict[str, Any]] = deque(maxlen=self.limit)
        self.produced = 0
        self.chunk = hub.settings.compute_chunk_iterations

    def _add(self, records: Sequence[dict[str, Any]]) -> None:
        self.session.note_records(list(records))
        self.keep.extend(records)
        self.produced += len(records)

    async def phases(self, count: int) -> None:
        """`count` single phases."""
        per = phases_per_iteration(self.lab)
        for i in range(count):
            self._add([self.lab.step_phase()])
            if (i + 1) % (self.chunk * per) == 0:
                await asyncio.sleep(0)

    async def iterations(self, count: int) -> None:
        """`count` iterations: the first finishes the current one; the middle ones take the fast path
        (same numbers, no records) when their records would not be kept anyway."""
        if count > 0 and not at_iteration_start(self.lab):
            self._add(self.lab.step_iteration())
            count -= 1
        per = phases_per_iteration(self.lab)
        # the last ceil(limit / per) iterations are the ones whose records are kept
        recorded = min(count, -(-self.limit // per))
        fast = count - recorded
        while fast > 0:
            n = min(fast, self.chunk)
            self.lab.train(iterations=n)
            self.session.iteration_records = []
            self.produced += n * per
            fast -= n
            await asyncio.sleep(0)
        for i in range(recorded):
            self._add(self.lab.step_iteration())
            if (i + 1) % self.chunk == 0:
                await asyncio.sleep(0)

    async def epochs(self, count: int) -> None:
        """`count` epochs: the rest of the current one, then whole ones, ending at an epoch boundary."""
        target = int(self.lab.cursor["epoch"]) + count
        if count > 0 and not at_iteration_start(self.lab):
            self._add(self.lab.step_iteration())
        cursor = self.lab.cursor
        if int(cursor["epoch"]) < target:
            per_epoch = int(cursor["batches_per_epoch"])
            left = per_epoch - int(cursor["batch_in_epoch"]) + (target - 1 - int(cursor["epoch"])) * per_epoch
            await self.iterations(left)
        while int(self.lab.cursor["epoch"]) < target:  # never stop short of the boundary
            self._add(self.lab.step_iteration())

    @property
    def omitted(self) -> int:
        """Records produced but not kept for the reply."""
        return self.produced - len(self.keep)


async def step(hub: Publisher, session: Session, unit: str, count: int) -> tuple[list[dict[str, Any]], int]:
    """Advance by `count` units; the newest records (wire-ready) and how many earlier ones were left out.
    A playing session is paused first (its play loop stops at its next tick): the step is the user's alone."""
    async with session.lock:
        session.playing = False
        lab = session.lab
        before = int(lab.cursor["step"])
        stepper = Stepper(hub, session)
        try:
            if unit == "phase":
                await stepper.phases(count)
            elif unit == "iteration":
                await stepper.iterations(count)
            else:
                await stepper.epochs(count)
        except DivergenceError as error:
            session.iteration_records = []
            raise Diverged(await diverge(hub, session, error)) from None
        session.diverged = None
        metrics = hub.record_point(session) if int(lab.cursor["step"]) != before else None
        hub.publish_frame(session, session.iteration_records, metrics)
        return to_wire(list(stepper.keep), "records"), stepper.omitted


async def diverge(hub: Publisher, session: Session, error: DivergenceError) -> dict[str, Any]:
    """Pause the session, keep the report (with its way out), tell its sockets; the report."""
    report = await recovery.divergence(session, error)
    session.playing = False
    session.diverged = report
    hub.publish_text(session, report)
    hub.publish_frame(session)
    return report
