"""No client takes more than its share, against a real `python -m app` process: bursts are answered (not
closed), repeated syncs coalesce, a flooding client that stops reading holds bounded memory, and a step is
bounded by time and stops when its session is deleted or its client leaves."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from app.config import LIMITS
from app.schemas import SteppedMessage, StepReply
from tests.live.test_live_server import WAIT, _handshake, _text_frame, create_session, open_ws
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.server


async def texts_until(ws: ClientConnection, done: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    """Every text message up to and including the first for which `done` is true (frames skipped)."""
    out: list[dict[str, Any]] = []
    while True:
        message = await asyncio.wait_for(ws.recv(), WAIT)
        if isinstance(message, str):
            out.append(json.loads(message))
            if done(out[-1]):
                return out


def is_history(message: dict[str, Any]) -> bool:
    """The reply to a `history` request (used as a marker after what was sent before it)."""
    return bool(message["type"] == "history")


def largest_custom() -> dict[str, Any]:
    """The largest custom data set there is: max_custom_rows rows of max_inputs inputs."""
    rows, cols = LIMITS.max_custom_rows, LIMITS.max_inputs
    inputs = [[((i * 7 + j * 13) % 97) / 97.0 - 0.123456789 for j in range(cols)] for i in range(rows)]
    return {"dataset": {"inputs": inputs, "targets": [[(i % 89) / 89.0] for i in range(rows)]}}


def rss_mb(pid: int) -> float:
    """Resident memory of a process (MB)."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_a_reader_that_bursts_is_answered_rate_limited_not_closed(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    server = live_server_factory()
    sid = create_session(server)

    async def run() -> list[dict[str, Any]]:
        ws = await open_ws(server, sid)
        for _ in range(600):
            await ws.send('{"type":"pause"}')
        await asyncio.sleep(1.5)  # tokens come back
        await ws.send('{"type":"history","since":0}')
        try:
            return await texts_until(ws, is_history)
        finally:
            await ws.close()

    try:
        replies = asyncio.run(run())
    except ConnectionClosed as closed:
        pytest.fail(f"a client reading every reply was closed: {closed}")
    limited = [r for r in replies if r.get("code") == "rate_limited"]
    assert len(limited) >= 600 - 2 * 120  # a burst of 120, then at most 120 more refilled meanwhile
    assert "more than 120 messages in 1 s" in limited[0]["message"]


def test_repeated_syncs_coalesce_into_the_newest_state(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    server = live_server_factory()
    sid = create_session(server)

    async def run() -> list[dict[str, Any]]:
        ws = await open_ws(server, sid)
        await texts_until(ws, lambda m: m["type"] == "state")
        await ws.send(json.dumps({"type": "step", "unit": "iteration", "count": 3}))
        for _ in range(50):
            await ws.send('{"type":"sync"}')
        await ws.send('{"type":"history","since":0}')
        replies = await texts_until(ws, is_history)
        await ws.close()
        return replies

    replies = asyncio.run(run())
    states = [r for r in replies if r["type"] == "state"]
    assert 1 <= len(states) <= 10  # 50 asked, built once per min_state_interval_seconds at most
    assert states[-1]["step"] == 3 and states[-1]["history"][-1]["step"] == 3


def test_non_readers_flooding_syncs_hold_bounded_memory_and_others_are_served(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    server = live_server_factory(SEND_TIMEOUT_SECONDS="2")
    big = create_session(server, **largest_custom())
    before = peak = rss_mb(server.process.pid)
    sockets: list[socket.socket] = []
    for _ in range(8):
        sock = _handshake(server, f"/ws/sessions/{big}", 4096)
        sock.sendall(_text_frame('{"type":"sync"}') * 110)  # within the rate limit, never reading a reply
        sockets.append(sock)
    for _ in range(30):  # a bounded watch over the flood
        peak = max(peak, rss_mb(server.process.pid))
        time.sleep(0.1)
    meta = httpx.get(f"{server.url}/api/meta", timeout=WAIT)  # another user is answered meanwhile
    assert meta.status_code == 200
    for sock in sockets:
        sock.close()
    other = create_session(server)  # and once they have gone
    assert httpx.get(f"{server.url}/api/sessions/{other}", timeout=WAIT).status_code == 200
    # one state of this session is ~0.65 MB: the 880 asked for would be ~570 MB
    assert peak - before < 150, f"RSS grew from {before:.0f} MB to {peak:.0f} MB"


def test_a_long_step_stops_at_the_time_limit_and_says_how_far_it_got(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    server = live_server_factory(MAX_STEP_SECONDS="0.5")
    sid = create_session(server)
    response = httpx.post(
        f"{server.url}/api/sessions/{sid}/step", json={"unit": "epoch", "count": 10000}, timeout=WAIT
    )
    assert response.status_code == 200, response.text
    reply = StepReply.model_validate(response.json())
    assert reply.stopped == "time_limit" and reply.requested == 10000 and 0 < reply.done < 10000
    assert reply.state.epoch == reply.done
    assert reply.state.history[-1].step == reply.state.step  # the curve has a point where it stopped

    async def on_the_socket() -> dict[str, Any]:
        ws = await open_ws(server, sid)
        await ws.send(json.dumps({"type": "step", "unit": "epoch", "count": 10000}))
        replies = await texts_until(ws, lambda m: m["type"] == "stepped")
        await ws.close()
        return replies[-1]

    stepped = SteppedMessage.model_validate(asyncio.run(on_the_socket()))
    assert stepped.stopped == "time_limit" and stepped.requested == 10000 and 0 < stepped.done < 10000


def test_deleting_a_session_or_leaving_stops_its_step(live_server_factory: Callable[..., LiveServer]) -> None:
    server = live_server_factory(MAX_STEP_SECONDS="600")
    deleted, left, left_socket = (create_session(server) for _ in range(3))
    many = {"unit": "epoch", "count": 10000}

    async def run() -> tuple[httpx.Response, int, int]:
        async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
            step = asyncio.create_task(client.post(f"/api/sessions/{deleted}/step", json=many))
            await asyncio.sleep(0.5)
            assert (await client.delete(f"/api/sessions/{deleted}")).status_code == 204
            stepped = await step
            with pytest.raises(httpx.ReadTimeout):  # a client that gives up and goes
                await client.post(f"/api/sessions/{left}/step", json=many, timeout=0.5)
            ws = await open_ws(server, left_socket)
            await ws.send(json.dumps({"type": "step", **many}))
            await asyncio.sleep(0.5)
            await ws.close()
            one = {"unit": "iteration", "count": 1}  # each session takes a new step at once
            after_rest = await client.post(f"/api/sessions/{left}/step", json=one)
            after_socket = await client.post(f"/api/sessions/{left_socket}/step", json=one)
            return stepped, after_rest.status_code, after_socket.status_code

    stepped, after_rest, after_socket = asyncio.run(run())
    assert stepped.status_code == 200 and stepped.json()["stopped"] == "cancelled"
    assert after_rest == 200 and after_socket == 200
