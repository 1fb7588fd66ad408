"""Stepping a session by phase, iteration or epoch: in chunks that yield to the event loop, the fast path
(same numbers, no records) for iterations whose records would not be kept, and one frame at the end.

A step's work is bounded by count (max_step_count) and by time (max_step_seconds): past the time limit, or
when its session is deleted or its client leaves, it stops between two chunks (never inside an iteration's
update) and reports how far it got."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from app.engine.errors import DivergenceError
from app.engine.lab import Lab
from app.sessions import recovery, travel
from app.sessions.labs import Diverged
from app.sessions.publisher import Publisher
from app.sessions.session import Session
from app.timeline.replay import at_iteration_start, phases_per_iteration
from app.wire.codec import to_wire

Stop = Callable[[], Awaitable[bool]]  # true when the one who asked has gone (a step then stops early)


@dataclass
class StepResult:
    """What a step did: the newest records (wire-ready), how many earlier ones were left out, how many units
    of the `requested` were `done`, and why it stopped short (None: it did them all)."""

    records: list[dict[str, Any]]
    omitted: int
    requested: int
    done: int
    stopped: Literal["time_limit", "cancelled"] | None

    def reply(self) -> dict[str, Any]:
        """The fields REST and the socket report a step with (requested, done, stopped)."""
        return {"requested": self.requested, "done": self.done, "stopped": self.stopped}


class Stepper:
    """Runs a step request in chunks (yielding to the event loop between them), keeping only the newest
    records; stops between chunks past max_step_seconds, when the session is deleted or its client left."""

    def __init__(self, hub: Publisher, session: Session, gone: Stop | None = None) -> None:
        self.hub = hub
        self.session = session
        self.limit = hub.settings.max_records_per_reply
        self.keep: deque[dict[str, Any]] = deque(maxlen=self.limit)
        self.produced = 0
        self.chunk = hub.settings.compute_chunk_iterations
        self.deadline = time.monotonic() + hub.settings.max_step_seconds
        self.gone = gone
        self.stopped: Literal["time_limit", "cancelled"] | None = None

    @property
    def lab(self) -> Lab:
        """The session's lab (replaying the past may replace it at a recorded change)."""
        return self.session.lab

    def _add(self, records: Sequence[dict[str, Any]]) -> None:
        self.session.note_records(list(records))
        self.keep.extend(records)
        self.produced += len(records)
        if records and records[-1]["phase"] == "update":
            travel.arrived(self.session)

    async def _yield(self) -> bool:
        """Let the event loop run others; True when the step must stop here (and why, in `stopped`)."""
        await asyncio.sleep(0)
        if self.session.deleted or (self.gone is not None and await self.gone()):
            self.stopped = "cancelled"
        elif time.monotonic() >= self.deadline:
            self.stopped = "time_limit"
        return self.stopped is not None

    async def phases(self, count: int) -> int:
        """Up to `count` single phases; how many ran."""
        per = phases_per_iteration(self.lab)
        for i in range(count):
            self._add([self.lab.step_phase()])
            if (i + 1) % (self.chunk * per) == 0 and i + 1 < count and await self._yield():
                return i + 1
        return count

    async def iterations(self, count: int) -> int:
        """Up to `count` iterations: the first finishes the current one; the middle ones take the fast path
        (same numbers, no records) when their records would not be kept anyway; how many ran."""
        done = 0
        if count > 0 and not at_iteration_start(self.lab):
            self._add(self.lab.step_iteration())
            done = 1
        per = phases_per_iteration(self.lab)
        # the last ceil(limit / per) iterations are the ones whose records are kept
        recorded = min(count - done, -(-self.limit // per))
        fast = count - done - recorded
        while fast > 0:
            n = min(fast, self.chunk)
            travel.advance(self.session, n)
            self.session.iteration_records = []
            self.produced += n * per
            fast -= n
            done += n
            if await self._yield():
                return done
        for i in range(recorded):
            self._add(self.lab.step_iteration())
            done += 1
            if (i + 1) % self.chunk == 0 and i + 1 < recorded and await self._yield():
                return done
        return done

    async def epochs(self, count: int) -> int:
        """Up to `count` epochs: the rest of the current one, then whole ones, ending at an epoch boundary
        (or between two iterations when stopped early); how many epoch boundaries were passed."""
        start = int(self.lab.cursor["epoch"])
        target = start + count
        if count > 0 and not at_iteration_start(self.lab):
            self._add(self.lab.step_iteration())
        cursor = self.lab.cursor
        if int(cursor["epoch"]) < target:
            per_epoch = int(cursor["batches_per_epoch"])
            left = per_epoch - int(cursor["batch_in_epoch"]) + (target - 1 - int(cursor["epoch"])) * per_epoch
            await self.iterations(left)
        while self.stopped is None and int(self.lab.cursor["epoch"]) < target:  # never stop short otherwise
            self._add(self.lab.step_iteration())
        return int(self.lab.cursor["epoch"]) - start

    @property
    def omitted(self) -> int:
        """Records produced but not kept for the reply."""
        return self.produced - len(self.keep)


async def step(
    hub: Publisher, session: Session, unit: str, count: int, gone: Stop | None = None
) -> StepResult:
    """Advance by up to `count` units, within max_step_seconds, until the session is deleted or `gone()`
    says the client left. A playing session is paused first (its play loop stops at its next tick): the
    step is the user's alone. The session counts as busy (never idle) meanwhile."""
    session.busy += 1
    try:
        async with session.lock:
            session.playing = False
            before = session.step
            stepper = Stepper(hub, session, gone)
            try:
                if unit == "phase":
                    done = await stepper.phases(count)
                elif unit == "iteration":
                    done = await stepper.iterations(count)
                else:
                    done = await stepper.epochs(count)
            except DivergenceError as error:
                session.iteration_records = []
                raise Diverged(await diverge(hub, session, error)) from None
            session.diverged = None
            metrics = hub.record_point(session) if session.step != before else None
            hub.publish_frame(session, session.iteration_records, metrics)
            await hub.settle(session)
            records = to_wire(list(stepper.keep), "records")
            return StepResult(records, stepper.omitted, count, done, stepper.stopped)
    finally:
        session.busy -= 1
        session.touch()


async def diverge(hub: Publisher, session: Session, error: DivergenceError) -> dict[str, Any]:
    """Pause the session, keep the report (with its way out), tell its sockets; the report. The timeline's
    head moves to the step kept (a divergence inside iterations run without records, which record their
    steps only as a stretch ends, would leave it behind: then no branch, seek or fork could reach it)."""
    session.timeline.observe(session.lab)
    report = await recovery.divergence(session, error)
    session.playing = False
    session.diverged = report
    mark = {"step": int(error.step), "kind": "diverged", "message": report["message"]}
    session.timeline.add_mark(mark)
    travel.publish_timeline(hub, session)
    hub.publish_text(session, report)
    hub.publish_frame(session)
    return report
