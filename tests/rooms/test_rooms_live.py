"""Rooms through a real `python -m app` process and real sockets: one teacher, many followers, in order;
followers cannot change the run; rooms, tokens and forks survive a clean restart."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from app.wire.codec import unpack_frame
from tests.support.live_server import LiveServer

WAIT = 20.0
FOLLOWERS = 40


async def next_message(ws: ClientConnection) -> dict[str, Any]:
    """The next message: text parsed, a frame as its header (type "frame")."""
    raw = await asyncio.wait_for(ws.recv(), WAIT)
    if isinstance(raw, str):
        return dict(json.loads(raw))
    header, _ = unpack_frame(raw)
    return dict(header)


async def until(ws: ClientConnection, kind: str, limit: int = 500) -> dict[str, Any]:
    """The next message of type `kind` (fails after `limit` others)."""
    for _ in range(limit):
        message = await next_message(ws)
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind} message in {limit}")


def teacher_setup(server: LiveServer, http: httpx.Client) -> tuple[str, str, str]:
    """A session with a room: (session id, code, token)."""
    sid = http.post(f"{server.url}/api/sessions", json={"seed": 3}).json()["id"]
    room = http.post(f"{server.url}/api/rooms", json={"session": sid}).json()
    return sid, room["code"], room["teacher_token"]


def test_many_followers_see_every_teacher_step_in_order_and_cannot_change_it(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    server = live_server_factory()
    with httpx.Client() as http:
        sid, code, token = teacher_setup(server, http)

        async def run() -> None:
            origin = {"origin": server.url}
            teacher = await connect(f"{server.ws_url}/ws/sessions/{sid}", additional_headers=origin)
            followers = [
                await connect(f"{server.ws_url}/ws/rooms/{code}?name=s{i}", additional_headers=origin)
                for i in range(FOLLOWERS)
            ]
            for ws in followers:
                await until(ws, "frame")
            await teacher.send(json.dumps({"type": "auth", "token": token}))
            await until(teacher, "authorized")
            steps = 6
            for _ in range(steps):
                await teacher.send(json.dumps({"type": "step", "unit": "iteration", "count": 1}))
                await until(teacher, "frame")
                await asyncio.sleep(0.05)
            for ws in followers:
                seen: list[int] = []
                while not seen or seen[-1] < steps:
                    frame = await until(ws, "frame")
                    seen.append(frame["cursor"]["step"])
                assert seen == sorted(seen) and seen[-1] == steps
            await followers[0].send(json.dumps({"type": "reset", "seed": 9}))
            assert (await until(followers[0], "error"))["code"] == "read_only"
            info = http.get(f"{server.url}/api/rooms/{code}").json()
            assert info["followers"] == FOLLOWERS and info["session_step"] == steps
            roster = http.get(
                f"{server.url}/api/rooms/{code}/roster", headers={"authorization": f"Bearer {token}"}
            )
            body = roster.json()
            assert body["followers"] == FOLLOWERS and body["frames_delivered"] >= FOLLOWERS * steps
            assert body["frames_encoded"] * FOLLOWERS >= body["frames_delivered"]  # one encode per frame
            for ws in [teacher, *followers]:
                await ws.close()

        asyncio.run(run())
        assert http.get(f"{server.url}/api/sessions/{sid}").json()["step"] == 6


def test_rooms_and_forks_survive_a_clean_restart(
    live_server_factory: Callable[..., LiveServer], tmp_path: Path
) -> None:
    state = str(tmp_path / "sessions.json")
    server = live_server_factory(state_file=state)
    with httpx.Client() as http:
        sid, code, token = teacher_setup(server, http)
        bearer = {"authorization": f"Bearer {token}"}
        http.post(
            f"{server.url}/api/sessions/{sid}/step", json={"unit": "iteration", "count": 4}, headers=bearer
        )
        http.patch(f"{server.url}/api/rooms/{code}", json={"locked": False}, headers=bearer)
        fork = http.post(f"{server.url}/api/rooms/{code}/fork", json={"name": "Ada"}).json()
        server.stop(signal.SIGTERM)
        again = live_server_factory(state_file=state)
        info = http.get(f"{again.url}/api/rooms/{code}").json()
        assert info["session_step"] == 4 and info["forks"] == 1
        refused = http.post(f"{again.url}/api/sessions/{sid}/step", json={"unit": "iteration", "count": 1})
        assert refused.status_code == 403
        roster = http.get(f"{again.url}/api/rooms/{code}/roster", headers=bearer).json()
        assert roster["members"] == [{"name": "Ada", "status": "away"}]
        restored = http.get(f"{again.url}/api/sessions/{fork['id']}").json()
        assert restored["weights"] == fork["weights"] and restored["step"] == 4
        assert Path(state + ".rooms.json").read_text().count(token) == 0  # only the token's hash is kept
