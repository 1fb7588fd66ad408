"""Fair turns of compute between play loops: each piece of a tick (a chunk of training, a frame) runs in a
turn; frames go first, and among training turns the session that has used the least compute goes next.

Without it the event loop serves ready tasks first come, first served: a session at speed 1 whose tick is
due waits behind a chunk or a frame of every fast session (ten sessions at speed 1000 on 6×16 networks
held another session's frames to 19 per second). With it, it waits for at most the one turn in progress.
A turn holds no await, so everything else (sockets, requests, steps) runs between turns as before.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.sessions.session import Session

CREDIT_SECONDS = 0.1  # how far ahead of the others a light session may be served


class FairShare:
    """Hands out turns to play loops, least compute used first. A turn is granted from a callback queued
    behind the tasks already ready to run, so every session that wants one by then is in the running."""

    def __init__(self) -> None:
        self._held = False
        self._grant_queued = False
        self._waiting: list[tuple[int, float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._used: weakref.WeakKeyDictionary[Session, float] = weakref.WeakKeyDictionary()

    def used(self, session: Session) -> float:
        """Seconds of compute the session's turns have taken."""
        return self._used.get(session, 0.0)

    def _queue_grant(self) -> None:
        """Grant the next turn once the tasks ready now have run (and asked)."""
        if not self._held and not self._grant_queued and self._waiting:
            self._grant_queued = True
            asyncio.get_running_loop().call_soon(self._grant)

    def _grant(self) -> None:
        """Give the turn to the waiting session that has used the least."""
        self._grant_queued = False
        while not self._held and self._waiting:
            *_, future = heapq.heappop(self._waiting)
            if not future.done():
                future.set_result(None)
                self._held = True

    def _release(self) -> None:
        self._held = False
        self._queue_grant()

    @asynccontextmanager
    async def turn(self, session: Session, frame: bool = False, watched: bool = False) -> AsyncIterator[None]:
        """Wait for a turn (always yielding to the event loop first), run the body (which must not await),
        account its time to `session`. A `frame` turn (drawing what a session shows, at most one per tick)
        goes before every training turn and is not accounted: training is what is shared fairly, frames
        are what users see. A `watched` frame (a classroom room's, seen by a hall of students at once)
        goes before the other frames: when the server cannot draw every session at its rate, private
        sessions slow down before the lecture does."""
        # a session back from a pause starts at most CREDIT_SECONDS below the least-served of those waiting,
        # not far below them (it would then hold every turn until it caught up)
        floor = min((used for rank, used, _, _ in self._waiting if rank > 0), default=0.0) - CREDIT_SECONDS
        self._used[session] = max(self.used(session), floor)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        rank = (-1 if watched else 0) if frame else 1
        heapq.heappush(self._waiting, (rank, self.used(session), next(self._order), future))
        self._queue_grant()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._release()  # it was granted the turn as it was cancelled: pass it on
            raise
        start = time.perf_counter()
        try:
            yield
        finally:
            if not frame:
                self._used[session] = self.used(session) + time.perf_counter() - start
            self._release()
