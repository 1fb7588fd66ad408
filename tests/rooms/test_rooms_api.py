"""Rooms over REST and the room socket, in process: codes, tokens, lock, fork, close, read-only followers."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.netaddr import primary_address
from app.rooms.codes import BadCode, normalize
from tests.support.helpers import connect_headers, new_session, open_socket, receive_until

LOOK_ALIKES = set("0O1IL")


def open_room(client: TestClient, sid: str) -> dict[str, Any]:
    """A new room around the session."""
    response = client.post("/api/rooms", json={"session": sid})
    assert response.status_code == 201, response.text
    return dict(response.json())


def auth(token: str) -> dict[str, str]:
    """The teacher's header."""
    return {"authorization": f"Bearer {token}"}


def test_a_room_has_a_code_a_token_a_join_url_and_a_qr_code(client: TestClient) -> None:
    sid = new_session(client)
    room = open_room(client, sid)
    code = room["code"]
    assert len(code) == 6 and not set(code) & LOOK_ALIKES
    assert len(room["teacher_token"]) >= 22  # 128 bits, URL-safe base64
    assert room["join_url"].endswith(f"/r/{code}")
    info = client.get(f"/api/rooms/{code.lower()}").json()
    assert info == {"code": code, "session_step": 0, "followers": 0, "forks": 0, "locked": False}
    qr = client.get(room["qr_url"])
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in qr.content and b"xmlns" in qr.content
    assert client.post("/api/rooms", json={"session": sid}).status_code == 409
    assert client.post("/api/rooms", json={"session": "x" * 22}).status_code == 404


@pytest.mark.parametrize(
    ("host", "public_url", "reached", "expected"),
    [
        ("0.0.0.0", "http://lab.example.edu:8000/", "http://127.0.0.1:8000", "http://lab.example.edu:8000"),
        ("0.0.0.0", "", "http://localhost:8000", "primary"),
        ("0.0.0.0", "", "http://127.0.0.1:8000", "primary"),
        ("127.0.0.1", "", "http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("0.0.0.0", "", "http://lab.local:8000", "http://lab.local:8000"),
    ],
)
def test_the_join_url_is_one_a_student_can_open(
    settings: Settings, host: str, public_url: str, reached: str, expected: str
) -> None:
    chosen = dataclasses.replace(settings, host=host, public_url=public_url, allowed_hosts=("lab.local",))
    primary = primary_address()
    if expected == "primary":
        expected = f"http://{primary}:8000" if primary is not None else reached
    with TestClient(create_app(chosen), base_url=reached) as client:
        room = open_room(client, new_session(client))
    assert room["join_url"] == f"{expected}/r/{room['code']}"


def test_codes_are_read_case_insensitively_and_bad_ones_are_named() -> None:
    settings = Settings()
    assert normalize(" abc-def ", settings) == "ABCDEF"
    for bad in ["ABC", "ABCDE0", "ABCDEFG", "ABCDEI"]:
        with pytest.raises(BadCode, match="6 characters"):
            normalize(bad, settings)


def test_unknown_and_malformed_codes_answer_404_and_422_then_429(settings: Settings) -> None:
    with TestClient(create_app(dataclasses.replace(settings, room_guess_burst=3))) as client:
        assert client.get("/api/rooms/ABCDEF").status_code == 404
        bad = client.get("/api/rooms/not-a-code")
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["path", "code"]
        assert client.get("/api/rooms/ABCDEG").status_code == 404
        assert client.get("/api/rooms/ABCDEH").status_code == 404
        limited = client.get("/api/rooms/ABCDEJ")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


def test_teacher_calls_need_the_token_and_a_refusal_changes_nothing(client: TestClient) -> None:
    sid = new_session(client)
    room = open_room(client, sid)
    code, token = room["code"], room["teacher_token"]
    for headers in ({}, auth("wrong"), {"authorization": token}):
        assert client.patch(f"/api/rooms/{code}", json={"locked": True}, headers=headers).status_code == 403
        assert client.delete(f"/api/rooms/{code}", headers=headers).status_code == 403
        assert client.get(f"/api/rooms/{code}/roster", headers=headers).status_code == 403
    assert client.get(f"/api/rooms/{code}").json()["locked"] is False
    locked = client.patch(f"/api/rooms/{code}", json={"locked": True}, headers=auth(token))
    assert locked.status_code == 200 and locked.json()["locked"] is True
    assert client.post(f"/api/rooms/{code}/fork", json={}).status_code == 423
    client.patch(f"/api/rooms/{code}", json={"locked": False}, headers=auth(token))
    assert client.post(f"/api/rooms/{code}/fork", json={}).status_code == 201


def test_a_rooms_session_is_changed_only_with_the_token(client: TestClient) -> None:
    sid = new_session(client)
    token = open_room(client, sid)["teacher_token"]
    before = client.get(f"/api/sessions/{sid}").json()
    refused = client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 3})
    assert refused.status_code == 403 and "teacher token" in refused.json()["detail"]
    assert client.delete(f"/api/sessions/{sid}").status_code == 403
    assert client.get(f"/api/sessions/{sid}").json()["weights"] == before["weights"]
    stepped = client.post(
        f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 3}, headers=auth(token)
    )
    assert stepped.status_code == 200
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 3


def test_a_fork_is_bit_identical_mid_iteration_and_counted(client: TestClient) -> None:
    sid = new_session(client, seed=7)
    room = open_room(client, sid)
    code, token = room["code"], room["teacher_token"]
    client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 17}, headers=auth(token))
    client.post(f"/api/sessions/{sid}/step", json={"unit": "phase", "count": 3}, headers=auth(token))
    teacher = client.get(f"/api/sessions/{sid}").json()
    fork = client.post(f"/api/rooms/{code}/fork", json={"name": "Ada"})
    assert fork.status_code == 201
    state = fork.json()
    assert state["id"] != sid and state["step"] == teacher["step"] == 17
    for key in ("weights", "biases"):
        assert np.array_equal(np.array(state[key], dtype=object), np.array(teacher[key], dtype=object))
    assert client.get(f"/api/rooms/{code}").json()["forks"] == 1
    # the fork is the student's own: it steps without a token, and the teacher's run is untouched
    fid = state["id"]
    assert client.post(f"/api/sessions/{fid}/step", json={"unit": "iteration", "count": 2}).status_code == 200
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 17
    # the same numbers onward: the fork and the teacher's run stepped alike agree bit for bit
    client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 2}, headers=auth(token))
    assert (
        client.get(f"/api/sessions/{fid}").json()["weights"]
        == client.get(f"/api/sessions/{sid}").json()["weights"]
    )
    roster = client.get(f"/api/rooms/{code}/roster", headers=auth(token)).json()
    assert roster["forks"] == 1 and roster["members"] == [{"name": "Ada", "status": "away"}]
    assert client.delete(f"/api/sessions/{fid}").status_code == 204  # the student's own: no token
    assert client.get(f"/api/rooms/{code}").json()["forks"] == 0  # a fork that went is not counted


def test_followers_see_the_teachers_steps_and_cannot_change_anything(client: TestClient) -> None:
    sid = new_session(client)
    room = open_room(client, sid)
    code, token = room["code"], room["teacher_token"]
    with (
        open_socket(client, sid) as teacher,
        client.websocket_connect(
            f"/ws/rooms/{code}?name=%3Cb%3EBob%3C/b%3E%07%E2%80%AE", headers=connect_headers()
        ) as follower,
    ):
        hello = receive_until(follower, "room")
        assert hello["code"] == code and hello["name"] == "<b>Bob</b>" and hello["member"]
        assert receive_until(follower, "state")["id"] == sid
        receive_until(follower, "frame")
        receive_until(teacher, "state")
        teacher.send_json({"type": "step", "unit": "iteration", "count": 1})
        refused = receive_until(teacher, "error")
        assert refused["code"] == "read_only"
        teacher.send_json({"type": "auth", "token": "nope"})
        assert receive_until(teacher, "error")["code"] == "forbidden"
        teacher.send_json({"type": "auth", "token": token})
        assert receive_until(teacher, "authorized")["room"] == code
        for message in (
            {"type": "step", "unit": "iteration", "count": 5},
            {"type": "set", "changes": {"learning_rate": 0.3}},
            {"type": "reset"},
            {"type": "auth", "token": token},
            {"type": "view", "notation": "columns"},
        ):
            follower.send_json(message)
            assert receive_until(follower, "error")["code"] == "read_only"
        assert client.get(f"/api/sessions/{sid}").json()["step"] == 0
        teacher.send_json({"type": "view", "selection": {"kind": "neuron", "layer": 2, "row": 1}})
        view = receive_until(follower, "view")
        assert view["selection"] == {"kind": "neuron", "layer": 2, "row": 1, "col": None}
        for expected in (1, 2, 3):
            teacher.send_json({"type": "step", "unit": "iteration", "count": 1})
            frame = receive_until(follower, "frame")
            while frame["cursor"]["step"] < expected:
                frame = receive_until(follower, "frame")
            assert frame["cursor"]["step"] == expected
        assert client.get(f"/api/rooms/{code}").json()["followers"] == 1


def test_closing_the_room_tells_followers_and_frees_the_session(client: TestClient) -> None:
    sid = new_session(client)
    room = open_room(client, sid)
    code, token = room["code"], room["teacher_token"]
    fork = client.post(f"/api/rooms/{code}/fork", json={}).json()["id"]
    with client.websocket_connect(f"/ws/rooms/{code}", headers=connect_headers()) as follower:
        receive_until(follower, "frame")
        assert client.delete(f"/api/rooms/{code}", headers=auth(token)).status_code == 204
        closed = receive_until(follower, "room_closed")
        assert closed["code"] == code
        assert receive_until(follower, "_closed")["code"] == 4010
    gone = client.get(f"/api/rooms/{code}")
    assert gone.status_code == 404 and "closed" in gone.json()["detail"]
    assert client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 1}).status_code == 200
    assert client.get(f"/api/sessions/{fork}").status_code == 200
    again = open_room(client, sid)
    assert again["code"] != code  # a closed room's code stays out of use


def test_deleting_the_session_closes_its_room(client: TestClient) -> None:
    sid = new_session(client)
    room = open_room(client, sid)
    client.delete(f"/api/sessions/{sid}", headers=auth(room["teacher_token"]))
    assert client.get(f"/api/rooms/{room['code']}").status_code == 404


def test_an_unknown_room_socket_is_closed_4004(client: TestClient) -> None:
    with client.websocket_connect("/ws/rooms/ABCDEF", headers=connect_headers()) as ws:
        message = ws.receive()
        assert message["type"] == "websocket.close" and message["code"] == 4004
        assert re.search("no room", message["reason"])


def test_a_fork_of_a_diverged_run_is_its_last_finite_state(client: TestClient) -> None:
    from app.api.presets import PRESETS

    sid = new_session(client, **PRESETS["diverging_lr"]["config"])
    room = open_room(client, sid)
    token = room["teacher_token"]
    stepped = client.post(
        f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 200}, headers=auth(token)
    )
    assert stepped.status_code == 409 and stepped.json()["detail"]["type"] == "diverged"
    teacher = client.get(f"/api/sessions/{sid}").json()
    assert teacher["diverged"] is not None  # the run blew up, and kept its last finite parameters
    fork = client.post(f"/api/rooms/{room['code']}/fork", json={})
    assert fork.status_code == 201
    state = fork.json()
    assert state["step"] == teacher["step"] and state["weights"] == teacher["weights"]
    flat = np.concatenate([np.ravel(w) for w in state["weights"]] + [np.ravel(b) for b in state["biases"]])
    assert np.isfinite(flat.astype(float)).all()


def test_a_flooding_follower_is_rate_limited_and_the_room_goes_on(settings: Settings) -> None:
    limited = dataclasses.replace(settings, rate_limit_messages=20, rate_limit_window_seconds=60.0)
    with TestClient(create_app(limited)) as client:
        sid = new_session(client)
        room = open_room(client, sid)
        code, token = room["code"], room["teacher_token"]
        with (
            open_socket(client, sid) as teacher,
            client.websocket_connect(f"/ws/rooms/{code}", headers=connect_headers()) as flooder,
            client.websocket_connect(f"/ws/rooms/{code}", headers=connect_headers()) as calm,
        ):
            receive_until(calm, "frame")
            for _ in range(60):
                flooder.send_json({"type": "sync"})
            assert receive_until(flooder, "error", limit=500)["code"] == "rate_limited"
            teacher.send_json({"type": "auth", "token": token})
            receive_until(teacher, "authorized")
            for expected in (1, 2):
                teacher.send_json({"type": "step", "unit": "iteration", "count": 1})
                frame = receive_until(calm, "frame")
                while frame["cursor"]["step"] < expected:
                    frame = receive_until(calm, "frame")
        assert client.get(f"/api/sessions/{sid}").json()["step"] == 2
