"""The room socket /ws/rooms/{code}: a student follows the teacher's session, read-only.

The follower gets a `room` message (the room's code, the student's member id and display name, whether
forking is locked), the session's full state (the whole loss curve at once), the teacher's `view` when set,
the question to the class when one is asked (with the student's own answer), the newest frame, then every
message and frame the session's own sockets get, in the same format. It may send `sync`, `history` and
`answer`; anything else is answered `read_only` and changes nothing. Query: `name` (a display name, cut to
max_display_name_chars; none: an anonymous one), `member` (the id a `room` message gave, to be the same
student again after a reconnect).

Close codes: 4003 origin not allowed, 4004 no such room (or its session went), 4010 the room closed, 4029
the room is full or this address looked up too many unknown codes, 1001 server shutdown.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, WebSocket

from app.live.connection import Connection
from app.live.endpoint import CLOSE_TOO_MANY, admitted, finish, receive_loop, refuse
from app.live.hub import CLOSE_SESSION_GONE, Hub
from app.rooms.codes import BadCode, normalize
from app.rooms.registry import UnknownRoom, clean_name
from app.sessions.session import UnknownSession
from app.wire.codec import dumps

router = APIRouter()


@router.websocket("/ws/rooms/{code}")
async def room_socket(websocket: WebSocket, code: str) -> None:
    """One student's socket following a room."""
    hub: Hub = websocket.app.state.hub
    settings = hub.settings
    if not await admitted(websocket, hub):
        return
    address = websocket.client.host if websocket.client else "unknown"
    if hub.guesses.blocked(address):
        await refuse(websocket, CLOSE_TOO_MANY, "too many unknown room codes from here: wait a minute")
        return
    try:
        room = hub.rooms.get(normalize(code, settings))
        session = hub.store.get(room.session_id)
    except (BadCode, UnknownRoom, UnknownSession) as exc:
        hub.guesses.missed(address)
        await refuse(websocket, CLOSE_SESSION_GONE, str(exc))
        return
    if room.followers >= settings.max_room_followers:
        await refuse(websocket, CLOSE_TOO_MANY, f"room {room.code} is full ({settings.max_room_followers})")
        return
    member_id = websocket.query_params.get("member")
    name = clean_name(websocket.query_params.get("name"), settings)
    member = room.member(member_id, name, settings.max_room_members)
    connection = Connection(websocket, settings)
    fanout = room.fanout
    fanout.followers[connection] = member.id  # counted before the accept's await (the room's cap)
    hub.connections.add(connection)
    sender: asyncio.Task[None] | None = None
    receiver: asyncio.Task[None] | None = None
    try:
        await websocket.accept()
        attached = fanout in session.connections
        if not attached:
            fanout.last_frame = None  # frames went on without the room: the next one is built afresh
            if not session.connections:
                session.unsent_points.clear()  # the state below carries the whole history
            session.connections.add(fanout)
        session.touch()
        connection.send_text(dumps(room.message(member)))
        connection.send_text(hub.state_text(session))
        if room.view is not None:
            connection.send_text(dumps(room.view))
        for message in hub.asking.joined(room, member.id, teacher=False):
            connection.send_text(dumps(message))
        if fanout.last_frame is not None:
            connection.send_frame(fanout.last_frame)  # the newest frame, already encoded
        else:
            hub.publish_frame(session, session.iteration_records or None)
        sender = asyncio.create_task(connection.run())
        receiver = asyncio.create_task(receive_loop(websocket, connection, hub, session, follower=True))
        await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        fanout.followers.pop(connection, None)
        if not fanout.followers:
            session.connections.discard(fanout)
            fanout.last_frame = None
        hub.connections.discard(connection)
        await finish(connection, sender, receiver, settings.send_timeout_seconds)
