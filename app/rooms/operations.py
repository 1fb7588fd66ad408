"""What a room does to sessions: fork the room's run into a student's own session, close a room.

A fork is a new session in the room's session's exact state at that moment (step, phases of the iteration in
progress, parameters, optimizer state, data, settings): it is reached again from the run's timeline, as a
branch is, so its numbers are bit-identical, and it shares the run's history up to there (the student can
scrub back through the lecture's run). Unlike a branch it leaves no mark on the teacher's run: a hall of
students may fork it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from app.rooms.registry import Rooms
from app.rooms.room import CLOSE_ROOM_CLOSED, Room
from app.sessions.branching import descend
from app.sessions.publisher import Publisher
from app.sessions.session import Session, SessionStore
from app.timeline import replay
from app.wire.codec import dumps


class ForkLocked(RuntimeError):
    """The teacher has locked forking."""


async def fork(hub: Publisher, store: SessionStore, room: Room, session: Session, member: str) -> Session:
    """A new session in the room's session's current state, counted as `member`'s fork; ForkLocked while
    forking is locked, SessionLimit when the store is full."""
    if room.locked:
        raise ForkLocked(f"room {room.code}: the teacher has locked exploring on your own for now")
    async with session.lock:
        step, phases = session.step, session.lab.phases_done
        selected = int(session.lab.config.selected)
        reached = await asyncio.to_thread(replay.position, session.timeline, step, phases, selected)
        child = descend(store, session, reached, step)
        if child.history.last_step() != step:
            hub.record_point(child)
    room.forks[child.id] = member
    return child


def close(hub: Publisher, rooms: Rooms, room: Room, session: Session | None) -> None:
    """Close the room: every follower is told and its socket closed (4010); forks become ordinary sessions;
    the teacher's session goes on as an ordinary session."""
    message = {
        "type": "room_closed",
        "code": room.code,
        "message": f"room {room.code} has closed: the class is over. Your own explorations stay yours.",
    }
    room.fanout.send_text(dumps(message))
    room.fanout.close(CLOSE_ROOM_CLOSED, "room closed")
    if session is not None:
        session.connections.discard(room.fanout)
        hub.publish_text(session, message)
    rooms.close(room)


def announce(room: Room) -> None:
    """Tell every follower what changed about the room (its lock)."""
    room.fanout.send_text(dumps(room.message()))


def roster(room: Room, store: SessionStore) -> dict[str, Any]:
    """Who is in the room: followers (room sockets open), explorers (a fork with a socket open), by name."""
    following = set(room.fanout.followers.values())
    exploring = {
        member for fork, member in room.forks.items() if fork in store and store.get(fork).connections
    }
    members: list[dict[str, str]] = []
    explorers = 0
    for member in room.members.values():
        status = "following" if member.id in following else "exploring" if member.id in exploring else "away"
        explorers += status == "exploring"
        members.append({"name": member.name, "status": status})
    return {
        "code": room.code,
        "followers": room.followers,
        "explorers": explorers,
        "forks": len(room.forks),
        "locked": room.locked,
        "members": members,
        "frames_encoded": room.fanout.frames_encoded,
        "frames_delivered": room.fanout.frames_delivered,
    }
