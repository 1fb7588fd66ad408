"""Turns of compute between play loops: the session that has used the least goes next, and turns never
run back to back without the event loop running the rest."""

from __future__ import annotations

import asyncio
import time

from app.live.fairshare import FairShare
from app.sessions.labs import build_lab
from app.sessions.session import Session

LAB = build_lab({"points": 20})


def busy(seconds: float) -> None:
    """Compute for `seconds` (a turn's body never awaits)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_a_light_session_waits_for_at_most_the_turn_in_progress() -> None:
    fair = FairShare()
    heavy = [Session(f"h{i}", LAB, 10, 60.0) for i in range(5)]
    light = Session("light", LAB, 10, 60.0)
    order: list[str] = []

    async def hog(session: Session) -> None:
        for _ in range(40):
            async with fair.turn(session):
                order.append(session.id)
                busy(0.002)

    waited: list[int] = []  # hog turns that started while the light session was asking for one

    async def tick() -> None:
        for _ in range(10):
            await asyncio.sleep(0.01)
            asked = len(order)
            async with fair.turn(light):
                waited.append(len(order) - asked)
                order.append("light")

    async def run() -> None:
        await asyncio.gather(*(hog(s) for s in heavy), tick())

    asyncio.run(run())
    assert len(waited) == 10 and order.index("light") > 0  # the hogs were at work before it came
    # first come, first served would put all five hogs' turns first; here the turn in progress and at
    # most one handed on before the light session had joined the queue
    assert max(waited) <= 2, waited
    assert fair.used(light) < min(fair.used(s) for s in heavy)


def test_the_event_loop_runs_between_turns() -> None:
    fair = FairShare()
    session = Session("s", LAB, 10, 60.0)
    ticks: list[int] = []

    async def other() -> None:
        for i in range(500):
            ticks.append(i)
            await asyncio.sleep(0)

    async def turns() -> int:
        seen = []
        for _ in range(50):
            async with fair.turn(session):
                seen.append(len(ticks))
        return len(set(seen))

    async def run() -> int:
        task = asyncio.create_task(other())
        distinct = await turns()
        task.cancel()
        return distinct

    assert asyncio.run(run()) == 50  # the other task ran between every two turns


def test_a_watched_frame_goes_before_the_other_frames() -> None:
    fair = FairShare()
    private = [Session(f"p{i}", LAB, 10, 60.0) for i in range(6)]
    room = Session("room", LAB, 10, 60.0)
    order: list[str] = []

    async def frame(session: Session, watched: bool) -> None:
        async with fair.turn(session, frame=True, watched=watched):
            order.append(session.id)
            busy(0.001)

    async def run() -> None:
        async with fair.turn(private[0]):  # a turn in progress: every frame below queues behind it
            tasks = [asyncio.create_task(frame(s, False)) for s in private[1:]]
            tasks.append(asyncio.create_task(frame(room, True)))
            await asyncio.sleep(0)
        await asyncio.gather(*tasks)

    asyncio.run(run())
    assert order[0] == "room" and sorted(order[1:]) == sorted(s.id for s in private[1:])
