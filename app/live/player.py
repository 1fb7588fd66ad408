"""The play loop: per playing session, `speed` training iterations per frame at min(fps, max_fps) frames/s.

Training speed is set by `speed` alone (iterations per frame), never by how fast clients read: a frame
is built once per tick (metrics, maps, encoding) and dropped into every socket's newest-wins slot. Training
runs in chunks of compute_chunk_iterations with a yield to the event loop between them, so a
fast-forwarding session cannot starve the others or the sockets.
"""

from __future__ import annotations

import asyncio

from app.engine.errors import DivergenceError
from app.live.hub import Hub
from app.sessions.session import Session
from app.sessions.stepping import at_iteration_start, diverge


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


async def _train(hub: Hub, session: Session) -> None:
    """One tick's training: finish a half-stepped iteration, then `speed` iterations in chunks."""
    lab = session.lab
    if not at_iteration_start(lab):
        session.note_records(lab.step_iteration())
    session.iteration_records = []
    left = session.speed
    chunk = hub.settings.compute_chunk_iterations
    while left > 0:
        n = min(left, chunk)
        lab.train(iterations=n)
        left -= n
        if left > 0:
            await asyncio.sleep(0)


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
                    await _train(hub, session)
                except DivergenceError as error:
                    await diverge(hub, session, error)
                    break
                # every socket still holds an unsent frame: a new one would only replace it, so this tick
                # trains without measuring or drawing (frames follow what clients can take, training does not)
                if not all(c.frame_pending for c in session.connections):
                    metrics = hub.record_point(session)
                    hub.publish_frame(session, None, metrics)
            period = 1.0 / min(session.fps, hub.settings.max_fps)
            deadline += period
            now = loop.time()
            if deadline < now - period:
                deadline = now  # fell behind: carry on from now rather than bursting to catch up
            await asyncio.sleep(max(0.0, deadline - now))
    finally:
        if session.play_task is asyncio.current_task():
            session.play_task = None
