"""Bad input on the session socket, and its limits: every bad message gets an error naming the problem
while the socket stays open and the session unchanged; oversize, origin, unknown session and too many
sockets close with their codes."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.support.helpers import (
    connect_headers,
    diverging,
    error_reply,
    new_session,
    open_socket,
    play,
    playing,
    receive,
    receive_until,
    settle,
    still_works,
)


@pytest.mark.parametrize(
    ("text", "code", "field", "fragment"),
    [
        ("{nope", "bad_json", None, "malformed JSON"),
        ('{"type": "play", "speed": NaN}', "bad_json", None, "NaN"),
        ('{"type": "play", "speed": Infinity}', "bad_json", None, "Infinity"),
        ('{"type": "set", "changes": {"learning_rate": 1e999}}', "bad_json", None, "1e999"),
        ("[1, 2]", "not_an_object", None, "JSON object"),
        ('{"speed": 3}', "missing_type", "type", '"type"'),
        ('{"type": "teleport"}', "unknown_type", "type", "'teleport'"),
        ('{"type": "step"}', "invalid", "unit", "unit: is required"),
        ('{"type": "play", "speed": 51}', "invalid", "speed", "speed: must be between 1 and 50, got 51"),
        ('{"type": "play", "speed": 0.5}', "invalid", "speed", "speed"),
        ('{"type": "set", "changes": {"learning_rate": -1}}', "invalid", "changes.learning_rate", "between"),
        ('{"type": "set", "changes": {}}', "invalid", "changes", "at least one"),
        ('{"type": "pause", "extra": 1}', "invalid", "extra", "not a known field"),
        (
            '{"type": "select", "example": 300}',
            "rejected",
            "example",
            "example must be an integer between 0 and 249",
        ),
        ('{"type": "set_weight", "layer": 1, "row": 9, "col": 0, "value": 1}', "rejected", None, ""),
        ('{"type": "rebuild", "config": {"loss": "cross_entropy"}}', "rejected", None, "cross_entropy"),
    ],
)
def test_bad_messages_get_errors_and_change_nothing(
    client: TestClient, text: str, code: str, field: str | None, fragment: str
) -> None:
    sid = new_session(client)
    before = client.get(f"/api/sessions/{sid}").json()
    with open_socket(client, sid) as ws:
        settle(ws)
        ws.send_text(text)
        reply = error_reply(ws)
        assert reply["code"] == code, reply
        if field is not None:
            assert reply["field"] == field, reply
        assert fragment in reply["message"], reply
        still_works(ws)
    after = client.get(f"/api/sessions/{sid}").json()
    for key in ("weights", "biases", "config", "step", "history", "changes", "data"):
        assert after[key] == before[key], key


def test_binary_frames_are_refused(client: TestClient) -> None:
    with open_socket(client, new_session(client)) as ws:
        settle(ws)
        ws.send_bytes(b'{"type": "sync"}')
        assert error_reply(ws)["code"] == "binary_frame"
        still_works(ws)


def test_oversized_message_closes_with_1009(client: TestClient, settings: Settings) -> None:
    with open_socket(client, new_session(client)) as ws:
        settle(ws)
        ws.send_text(json.dumps({"type": "sync", "pad": "x" * settings.max_message_bytes}))
        closed = receive_until(ws, "_closed")
        assert closed["code"] == 1009


def test_a_flood_is_rate_limited_and_the_socket_recovers(client: TestClient) -> None:
    # a burst of 5, then 1/s
    settings = Settings(allowed_hosts=("testserver",), rate_limit_messages=5, rate_limit_window_seconds=5.0)
    with TestClient(create_app(settings)) as local, open_socket(local, new_session(local)) as ws:
        settle(ws)
        for _ in range(20):
            ws.send_text(json.dumps({"type": "history", "since": 0}))
        replies = [receive(ws) for _ in range(20)]
        kinds = [r["type"] if r["type"] != "error" else r["code"] for r in replies]
        assert set(kinds) == {"history", "rate_limited"} and kinds[:5] == ["history"] * 5
        assert kinds.count("rate_limited") >= 10  # at most a few tokens refill while 20 messages arrive
        limited = next(r for r in replies if r.get("code") == "rate_limited")
        assert "more than 5 messages in 5 s" in limited["message"]
        time.sleep(1.1)  # a token comes back
        still_works(ws)


def test_unknown_session_closes_with_4004(client: TestClient) -> None:
    with client.websocket_connect("/ws/sessions/nope", headers=connect_headers()) as ws:
        message = ws.receive()
        assert message["type"] == "websocket.close" and message["code"] == 4004
        assert "nope" in message["reason"]


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://testserver.evil.example"])
def test_foreign_origin_closes_with_4003(client: TestClient, origin: str) -> None:
    sid = new_session(client)
    with client.websocket_connect(f"/ws/sessions/{sid}", headers={"origin": origin}) as ws:
        message = ws.receive()
        assert message["type"] == "websocket.close" and message["code"] == 4003


def test_missing_origin_and_allowlisted_origins_are_accepted(settings: Settings) -> None:
    app = create_app(replace(settings, allowed_origins=("http://projector.local:8080",)))
    with TestClient(app) as local:
        sid = new_session(local)
        with local.websocket_connect(f"/ws/sessions/{sid}") as ws:
            assert receive(ws)["type"] == "state"
        headers = {"origin": "http://projector.local:8080"}
        with local.websocket_connect(f"/ws/sessions/{sid}", headers=headers) as ws:
            assert receive(ws)["type"] == "state"


def test_deleting_a_session_closes_its_sockets_with_4004(client: TestClient) -> None:
    sid = new_session(client)
    with open_socket(client, sid) as ws:
        settle(ws)
        client.delete(f"/api/sessions/{sid}")
        assert receive_until(ws, "_closed")["code"] == 4004


def test_too_many_sockets_on_one_session(client: TestClient, settings: Settings) -> None:
    sid = new_session(client)
    sockets = [open_socket(client, sid) for _ in range(settings.max_sockets_per_session)]
    for ws in sockets:
        ws.__enter__()
    try:
        with open_socket(client, sid) as extra:
            assert extra.receive()["code"] == 4029
    finally:
        for ws in sockets:
            ws.__exit__(None, None, None)


def test_divergence_pauses_and_names_where(client: TestClient) -> None:
    sid = new_session(client, **diverging(10.0))
    with open_socket(client, sid) as ws:
        settle(ws)
        play(ws, 50)
        report = receive_until(ws, "diverged", limit=2000)
        assert report["phase"] in ("forward", "loss", "backward", "update")
        assert isinstance(report["step"], int) and "(now 10)" in report["suggestion"]
        state = client.get(f"/api/sessions/{sid}").json()
        assert state["playing"] is False and state["diverged"]["step"] == report["step"]
        still_works(ws)


def test_closing_the_last_tab_pauses(client: TestClient) -> None:
    with playing(client, 1) as (sid, _):
        pass  # the only socket on the session closes
    assert client.get(f"/api/sessions/{sid}").json()["playing"] is False
