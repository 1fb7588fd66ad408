"""Against a real `python -m app` uvicorn process: streaming, several tabs, a client that stops reading,
limits enforced by the server, and shutdown closing every socket with 1001."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app.schemas import FrameHeader
from app.wire.codec import unpack_frame
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.server

WAIT = 20.0  # upper bound on any wait here; tests fail (never hang) past it


def create_session(server: LiveServer, **config: Any) -> str:
    """POST /api/sessions on the live server; the id."""
    response = httpx.post(f"{server.url}/api/sessions", json=config, timeout=WAIT)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def session_state(server: LiveServer, sid: str) -> dict[str, Any]:
    """GET the session's state."""
    return dict(httpx.get(f"{server.url}/api/sessions/{sid}", timeout=WAIT).json())


async def open_ws(server: LiveServer, sid: str, **kwargs: Any) -> ClientConnection:
    """A socket as the page opens it: Origin of the page's own host, no compression offered unless asked."""
    kwargs.setdefault("origin", server.url)
    kwargs.setdefault("compression", None)
    return await connect(f"{server.ws_url}/ws/sessions/{sid}", open_timeout=WAIT, max_size=None, **kwargs)


async def next_frame(ws: ClientConnection) -> dict[str, Any]:
    """The next binary frame's header (text messages skipped)."""
    while True:
        message = await asyncio.wait_for(ws.recv(), WAIT)
        if isinstance(message, bytes):
            header = unpack_frame(message)[0]
            FrameHeader.model_validate(header)  # the real server's frames keep the documented header
            return header


async def close_code(ws: ClientConnection) -> int | None:
    """Read until the server closes; the close code it sent."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), WAIT)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else None


def test_frames_stream_to_every_tab_without_compression(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    server = live_server_factory()
    sid = create_session(server)

    async def run() -> None:
        offered = await open_ws(server, sid, compression="deflate")  # a client offering permessage-deflate
        assert offered.response is not None
        assert offered.response.headers.get("Sec-WebSocket-Extensions") is None
        other = await open_ws(server, sid)
        await offered.send(json.dumps({"type": "play", "speed": 2}))
        a = [await next_frame(offered) for _ in range(30)]
        b = [await next_frame(other) for _ in range(30)]
        for frames in (a, b):
            seqs = [f["seq"] for f in frames]
            assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
            assert all(abs(time.time() * 1000 - f["t"]) < 60_000 for f in frames)
        assert {f["seq"] for f in a} & {f["seq"] for f in b}  # the same frames, shared
        await offered.close()
        await other.close()

    asyncio.run(run())


def _handshake(server: LiveServer, path: str, receive_buffer: int) -> socket.socket:
    """A raw socket with a tiny receive buffer that completes the upgrade and then reads nothing more."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(WAIT)
    sock.connect((server.host, server.port))
    key = "dGhlIHNhbXBsZSBub25jZQ=="
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: {server.url}\r\n\r\n"
    )
    sock.sendall(request.encode())
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)  # byte by byte: nothing past the headers is consumed
    assert response.startswith(b"HTTP/1.1 101"), response
    return sock


def _text_frame(text: str) -> bytes:
    """A masked client text frame."""
    payload = text.encode()
    mask = os.urandom(4)
    n = len(payload)
    length = bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big")
    return bytes([0x81]) + length + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def test_a_client_that_stops_reading_is_closed_and_slows_no_one(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    server = live_server_factory()
    shared = create_session(server)
    other = create_session(server)

    async def run() -> tuple[float, int, int]:
        reader_same = await open_ws(server, shared)
        reader_other = await open_ws(server, other)
        await reader_other.send(json.dumps({"type": "play", "speed": 1}))
        stalled = _handshake(server, f"/ws/sessions/{shared}", 4096)
        stalled.sendall(_text_frame(json.dumps({"type": "play", "speed": 1})))
        started = time.monotonic()
        counts = {"same": 0, "other": 0}

        async def count(name: str, ws: ClientConnection) -> None:
            while True:
                await next_frame(ws)
                counts[name] += 1

        readers = [
            asyncio.create_task(count("same", reader_same)),
            asyncio.create_task(count("other", reader_other)),
        ]
        closed_after = None
        while time.monotonic() - started < WAIT:
            await asyncio.sleep(0.25)
            state = await asyncio.to_thread(session_state, server, shared)
            if state["clients"] == 1:
                closed_after = time.monotonic() - started
                break
        for task in readers:
            task.cancel()
        stalled.close()
        await reader_same.close()
        await reader_other.close()
        assert closed_after is not None, "the stalled client was never closed"
        return closed_after, counts["same"], counts["other"]

    closed_after, same, other_count = asyncio.run(run())
    assert closed_after < 10.0
    # while the stalled socket waited out its send timeout, the readers kept getting frames at the play rate
    assert same >= 10 and other_count >= 10


def test_shutdown_closes_every_socket_with_1001(live_server_factory: Callable[..., LiveServer]) -> None:
    server = live_server_factory(SHUTDOWN_CLOSE_SECONDS="2")
    sid = create_session(server)

    async def run() -> tuple[list[int | None], float]:
        one = await open_ws(server, sid)
        two = await open_ws(server, create_session(server))
        await one.send(json.dumps({"type": "play", "speed": 3}))
        await next_frame(one)
        stalled = _handshake(server, f"/ws/sessions/{sid}", 4096)  # must not hold the shutdown up
        await asyncio.sleep(1.0)
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        codes = await asyncio.gather(close_code(one), close_code(two))
        elapsed = time.monotonic() - started
        stalled.close()
        return list(codes), elapsed

    codes, elapsed = asyncio.run(run())
    assert codes == [1001, 1001]
    assert elapsed < 5.0
    server.process.wait(WAIT)


def test_the_server_enforces_size_and_origin(live_server_factory: Callable[..., LiveServer]) -> None:
    server = live_server_factory(MAX_MESSAGE_BYTES="2048", ALLOWED_ORIGINS="http://projector.local:9000")
    sid = create_session(server)

    async def run() -> None:
        ws = await open_ws(server, sid)
        await ws.send(json.dumps({"type": "sync", "pad": "x" * 4096}))
        assert await close_code(ws) == 1009
        foreign = await open_ws(server, sid, origin="http://evil.example")
        assert await close_code(foreign) == 4003
        allowed = await open_ws(server, sid, origin="http://projector.local:9000")
        assert json.loads(await asyncio.wait_for(allowed.recv(), WAIT))["type"] == "state"
        await allowed.close()
        host = urlsplit(server.url).netloc
        scripted = await connect(f"ws://{host}/ws/sessions/{sid}", open_timeout=WAIT, max_size=None)
        assert json.loads(await asyncio.wait_for(scripted.recv(), WAIT))["type"] == "state"
        await scripted.close()
        unknown = await open_ws(server, "no-such-session")
        assert await close_code(unknown) == 4004

    asyncio.run(run())
