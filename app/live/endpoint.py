"""The socket endpoint /ws/sessions/{id}: origin check, a receive loop, one sender task per socket.

Close codes: 4003 origin not allowed, 4004 unknown (or deleted) session, 4029 too many sockets on the session,
1009 a message over max_message_bytes, 1008 a client that lets more than max_pending_bytes pile up, 1001
server shutdown. Messages are run one at a time with a yield to the event loop in between; while more than
half of max_pending_bytes wait to be sent the next message is not read, and once the socket is closing or its
peer has gone, nothing more it sent is run. A request without an Origin header (a script, not a browser:
browsers always send one) is allowed.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket

from app.config import Settings
from app.live import protocol
from app.live.connection import CLOSE_GOING_AWAY, CLOSE_TOO_BIG, Connection
from app.live.hub import CLOSE_SESSION_GONE, Hub
from app.live.ratelimit import TokenBucket
from app.sessions.session import Session, UnknownSession
from app.wire.codec import dumps
from app.wire.frames import state_payload

CLOSE_BAD_ORIGIN = 4003
CLOSE_TOO_MANY = 4029
_REASON_CHARS = 120  # close reasons must fit in a control frame (123 bytes)

router = APIRouter()


def origin_allowed(origin: str | None, host: str | None, settings: Settings) -> bool:
    """No Origin (not a browser), the page's own host, or one of settings.allowed_origins."""
    if origin is None:
        return True
    if origin in settings.allowed_origins:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and host is not None and parts.netloc.lower() == host.lower()


async def refuse(websocket: WebSocket, code: int, reason: str) -> None:
    """Accept only to close with a code the page can read."""
    await websocket.accept()
    await websocket.close(code, reason[:_REASON_CHARS])


async def receive_loop(
    websocket: WebSocket, connection: Connection, hub: Hub, session: Session, follower: bool = False
) -> None:
    """Read messages until the client leaves or must be closed; every bad one gets an error reply (a room's
    `follower` may only read)."""
    settings = hub.settings
    bucket = TokenBucket(settings.rate_limit_messages, settings.rate_limit_window_seconds)
    limit = settings.max_message_bytes
    while True:
        await connection.room()  # a client that does not read its replies is not read either
        if connection.gone:
            return  # what it sent before leaving is not worth running
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        text: str | None = message.get("text")
        data: bytes | None = message.get("bytes")
        size = len(text.encode("utf-8")) if text is not None else len(data or b"")
        if size > limit:
            connection.close(CLOSE_TOO_BIG, f"message of {size} bytes; max_message_bytes is {limit}")
            return
        if not bucket.take():
            connection.send_text(
                dumps(
                    protocol.error(
                        "rate_limited",
                        None,
                        f"more than {settings.rate_limit_messages} messages in "
                        f"{settings.rate_limit_window_seconds:g} s: this one was ignored, slow down",
                    )
                )
            )
            continue
        if text is None:
            connection.send_text(
                dumps(
                    protocol.error("binary_frame", None, "binary messages are not accepted: send JSON text")
                )
            )
            continue
        for reply in await protocol.handle(hub, session, text, connection, follower):
            connection.send_text(dumps(reply))
        await asyncio.sleep(0)  # one message at a time: the other sockets and sessions run in between


async def admitted(websocket: WebSocket, hub: Hub) -> bool:
    """Whether a socket may open at all: an allowed origin (else 4003), a server not shutting down (else
    1001); a refused socket is closed here."""
    origin = websocket.headers.get("origin")
    if not origin_allowed(origin, websocket.headers.get("host"), hub.settings):
        await refuse(websocket, CLOSE_BAD_ORIGIN, f"origin {origin} is not allowed")
        return False
    if hub.closing:
        await refuse(websocket, CLOSE_GOING_AWAY, "server shutting down")
        return False
    return True


@router.websocket("/ws/sessions/{session_id}")
async def session_socket(websocket: WebSocket, session_id: str) -> None:
    """One page's socket on one session: its state, then frames; messages in, replies out."""
    hub: Hub = websocket.app.state.hub
    settings = hub.settings
    if not await admitted(websocket, hub):
        return
    try:
        session = hub.store.get(session_id)
    except UnknownSession as exc:
        await refuse(websocket, CLOSE_SESSION_GONE, str(exc))
        return
    if len(session.connections) >= settings.max_sockets_per_session:
        await refuse(
            websocket, CLOSE_TOO_MANY, f"at most {settings.max_sockets_per_session} sockets per session"
        )
        return
    # counted before the accept's await, so concurrent connects cannot pass the limit together
    connection = Connection(websocket, settings)
    session.connections.add(connection)
    hub.connections.add(connection)
    sender: asyncio.Task[None] | None = None
    receiver: asyncio.Task[None] | None = None
    try:
        await websocket.accept()
        session.touch()
        if len(session.connections) == 1:
            session.unsent_points.clear()  # the state below carries the whole history
        connection.send_text(dumps({"type": "state", **state_payload(session)}))
        hub.publish_frame(session, session.iteration_records or None)
        sender = asyncio.create_task(connection.run())
        receiver = asyncio.create_task(receive_loop(websocket, connection, hub, session))
        await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        session.connections.discard(connection)
        hub.connections.discard(connection)
        session.touch()
        if not session.connections:
            session.playing = False  # nobody is watching
        await finish(connection, sender, receiver, settings.send_timeout_seconds)


async def finish(
    connection: Connection,
    sender: asyncio.Task[None] | None,
    receiver: asyncio.Task[None] | None,
    grace: float,
) -> None:
    """Stop the receive loop; let a requested close go out (up to `grace` seconds), else stop the sender."""
    if receiver is not None:
        receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await receiver
    if sender is None:
        return
    if connection.closing:
        await connection.finish(sender, grace)
    else:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
