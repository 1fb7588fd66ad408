"""The play loop: per playing session, `speed` training iterations per frame at min(fps, max_fps) frames/s.

Training speed is set by `speed` alone (iterations per frame), never by how fast clients read: a frame
is built once per tick (metrics, maps, encoding) and dropped into every socket's newest-wins slot. Training
runs in chunks of compute_chunk_iterations with a yield to the event loop between them, so a
fast-forwarding session cannot starve the others or the sockets; each chunk and each frame is a turn of the
hub's FairShare, which serves the session that has used the least compute first.
"""

from __future__ import annotations

import asyncio

from app.engine.errors import DivergenceError
from app.live.hub import Hub
from app.sessions import travel
from app.sessions.session import Session
from app.sessions.stepping import diverge
from app.timeline.replay import at_iteration_start


def play(hub: Hub, session: Session, speed: int, fps: float | None) -> None:
    """Start (or retune) playing: `speed` iterations per frame, at most `fps` frames per second."""
    session.speed = speed
    session.fps = min(fps if fps is not None else hub.settings.max_fps, hub.settings.max_fps)
    session.diverged = None
    session.playing = True
    if session.play_task is None or session.play_task.done():
        session.play_task = asyncio.create_task(_loop(hub, session))


def pause(hub: Hub, session: Session) -> None:
    """Stop playing after the current tick; the sockets get a frame saying so."""
    if session.playing:
        session.playing = False
        hub.publish_frame(session)


def _train_chunk(session: Session, iterations: int, first: bool) -> None:
    """Train `iterations` iterations; the first chunk of a tick finishes a half-stepped iteration first."""
    lab = session.lab
    if first:
        if not at_iteration_start(lab):
            session.note_records(lab.step_iteration())
            travel.arrived(session)
        session.iteration_records = []
    travel.advance(session, iterations)


def _publish(hub: Hub, session: Session) -> None:
    """Record the loss-curve point and publish a frame, unless every socket still holds an unsent frame: a
    new one would only replace it, so the tick trains without measuring or drawing (frames follow what
    clients can take, training does not)."""
    if not all(c.frame_pending for c in session.connections):
        metrics = hub.record_point(session)
        hub.publish_frame(session, None, metrics)


async def _tick(hub: Hub, session: Session) -> None:
    """One tick in fair turns (app/live/fairshare.py): `speed` iterations in chunks, then the frame; a tick
    of one chunk or less is a single frame turn (one wait, so a slow session's frames are not held up); a
    room's frames, while anyone follows, go first."""
    chunk = hub.settings.compute_chunk_iterations
    room = hub.rooms.by_session(session.id)
    watched = room is not None and room.followers > 0
    if session.speed <= chunk:  # a frame with a little training: as urgent as a frame
        async with hub.fair.turn(session, frame=True, watched=watched):
            _train_chunk(session, session.speed, first=True)
            _publish(hub, session)
        return
    left, first = session.speed, True
    while left > 0:
        n = min(left, chunk)
        async with hub.fair.turn(session):
            _train_chunk(session, n, first)
        left, first = left - n, False
    async with hub.fair.turn(session, frame=True, watched=watched):
        _publish(hub, session)


async def _loop(hub: Hub, session: Session) -> None:
    """Tick until paused: train, record the loss-curve point, build and publish one frame, wait."""
    loop = asyncio.get_running_loop()
    deadline = loop.time()
    try:
        while True:
            async with session.lock:
                if not session.playing:
                    break
                try:
                    await _tick(hub, session)
                    await hub.settle(session)
                except DivergenceError as error:
                    await diverge(hub, session, error)
                    break
            period = 1.0 / min(session.fps, hub.settings.max_fps)
            deadline += period
            now = loop.time()
            if deadline < now - period:
                deadline = now  # fell behind: carry on from now rather than bursting to catch up
            await asyncio.sleep(max(0.0, deadline - now))
    finally:
        if session.play_task is asyncio.current_task():
            session.play_task = None
