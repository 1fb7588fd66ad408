"""Time travel over the socket: seek, back, continue and branch messages move the run (every socket sees
the frame and the timeline), a branch is answered to its sender alone, every frame carries the timeline's
span, and bad messages are refused naming the field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from app.schemas.timeline import BranchedMessage, TimelineMessage
from tests.support.helpers import (
    error_reply,
    new_session,
    open_socket,
    receive,
    receive_until,
    settle,
    still_works,
)
from tests.timeline.test_replay import parameters, state, step


def send(ws: Any, **message: Any) -> None:
    """A JSON message on the socket."""
    ws.send_text(json.dumps(message))


@contextmanager
def two_sockets(client: TestClient, sid: str) -> Iterator[tuple[Any, Any]]:
    """Two settled sockets on the session (the page open in two tabs)."""
    with open_socket(client, sid) as ws, open_socket(client, sid) as other:
        settle(ws)
        settle(other)
        yield ws, other


def frame_at(ws: Any, at: int) -> dict[str, Any]:
    """The next frame whose cursor stands at step `at` (frames before it skipped)."""
    for _ in range(200):
        frame = receive_until(ws, "frame")
        if frame["cursor"]["step"] == at:
            return frame
    raise AssertionError(f"no frame at step {at}")


def test_seek_and_back_move_every_socket_and_frames_carry_the_span(client: TestClient) -> None:
    sid = new_session(client)
    at_seven = step(client, sid, "iteration", 7)["state"]
    step(client, sid, "iteration", 13)
    with two_sockets(client, sid) as (ws, other):
        send(ws, type="seek", step=8)
        for socket in (ws, other):
            frame = frame_at(socket, 8)
            assert frame["timeline"] == {"first": 0, "latest": 20}
        send(ws, type="back", unit="iteration")
        for socket in (ws, other):
            assert frame_at(socket, 7)["timeline"] == {"first": 0, "latest": 20}
        assert parameters(state(client, sid)) == parameters(at_seven)
        send(ws, type="back", unit="phase")  # into iteration 7: its update not yet made
        frame = frame_at(ws, 6)
        assert frame["cursor"]["phase"] == "update"
        assert state(client, sid)["timeline"]["latest"] == 20  # stepping back keeps the history


def test_continue_tells_every_socket_the_shortened_timeline(client: TestClient) -> None:
    sid = new_session(client)
    step(client, sid, "iteration", 20)
    with two_sockets(client, sid) as (ws, other):
        send(ws, type="seek", step=5)
        send(ws, type="continue")
        for socket in (ws, other):
            timeline = TimelineMessage.model_validate(receive_until(socket, "timeline")).model_dump()
            assert timeline["latest"] == 5 and timeline["step"] == 5
            assert timeline["marks"][-1] == {"step": 5, "kind": "discarded", "from": 6, "to": 20}
        send(ws, type="step", unit="iteration", count=1)
        assert frame_at(ws, 6)["timeline"] == {"first": 0, "latest": 6}


def test_a_branch_is_answered_to_its_sender_and_shown_to_every_socket(client: TestClient) -> None:
    sid = new_session(client)
    step(client, sid, "iteration", 12)
    with two_sockets(client, sid) as (ws, other):
        send(ws, type="branch", step=4, changes={"batch_size": 3}, reason="branch")
        reply = BranchedMessage.model_validate(receive_until(ws, "branched"))
        assert reply.parent.id == sid and reply.parent.step == 4 and reply.id != sid
        seen = []
        for _ in range(50):  # the other socket sees the timeline, never the reply
            message = receive(other)
            seen.append(message["type"])
            if message["type"] == "timeline":
                timeline = TimelineMessage.model_validate(message)
                assert [(b.id, b.step, b.changes) for b in timeline.branches] == [
                    (reply.id, 4, {"batch_size": [10, 3]})
                ]
                break
        assert "timeline" in seen and "branched" not in seen, seen
        with open_socket(client, reply.id) as child:
            message = receive_until(child, "state")
            assert message["parent"] == {"id": sid, "step": 4} and message["step"] == 4
            assert message["config"]["batch_size"] == 3
            assert message["timeline"]["parent"] == {"id": sid, "step": 4}
        send(ws, type="branch", step=0, changes={}, reason="sibling")
        assert receive_until(ws, "branched")["reason"] == "sibling"
    assert state(client, sid)["step"] == 12


def test_bad_time_travel_messages_are_refused_naming_the_field(client: TestClient) -> None:
    sid = new_session(client)
    step(client, sid, "iteration", 3)
    before = state(client, sid)
    with open_socket(client, sid) as ws:
        settle(ws)
        cases: list[tuple[dict[str, Any], str]] = [
            ({"type": "seek", "step": 4}, "step"),
            ({"type": "seek", "step": -1}, "step"),
            ({"type": "seek", "step": 1.5}, "step"),
            ({"type": "seek", "step": "2"}, "step"),
            ({"type": "seek"}, "step"),
            ({"type": "branch", "step": 9}, "step"),
            ({"type": "branch", "step": 1, "changes": {"learning_rate": 99}}, "changes.learning_rate"),
            ({"type": "branch", "step": 1, "changes": {"optimizer": "nope"}}, "changes.optimizer"),
            ({"type": "branch", "step": 1, "reason": "recover"}, "reason"),
            ({"type": "back", "unit": "epoch"}, "unit"),
        ]
        for message, name in cases:
            ws.send_text(json.dumps(message))
            error = error_reply(ws)
            assert error["field"] == name, (message, error)
            assert name.split(".")[-1] in error["message"], error
        send(ws, type="seek", step=0)
        frame_at(ws, 0)
        send(ws, type="back", unit="phase")
        assert error_reply(ws)["field"] == "unit"
        still_works(ws)
    after = state(client, sid)
    assert after["timeline"]["latest"] == 3 and after["timeline"]["branches"] == []
    assert after["history"] == before["history"]


def test_a_seek_across_a_change_sends_the_settings_of_that_step(client: TestClient) -> None:
    """The page's controls show the run's settings at the step sought: a seek to before a live change
    sends the state (η as it was there), a seek within the same settings sends only a frame."""
    sid = new_session(client)
    step(client, sid, "iteration", 10)
    client.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.1})
    step(client, sid, "iteration", 10)
    with two_sockets(client, sid) as (ws, other):
        send(ws, type="seek", step=15)
        for socket in (ws, other):
            assert frame_at(socket, 15)["timeline"]["latest"] == 20
        send(ws, type="seek", step=5)
        for socket in (ws, other):
            message = state_before_frame(socket)
            assert message is not None and message["step"] == 5
            assert message["config"]["learning_rate"] == 0.03
        send(ws, type="seek", step=8)
        assert state_before_frame(ws) is None  # the same settings: a frame alone
        send(ws, type="seek", step=18)
        message = state_before_frame(ws)
        assert message is not None and message["config"]["learning_rate"] == 0.1


def state_before_frame(ws: Any) -> dict[str, Any] | None:
    """The state message that came before the next frame, or None when a frame came alone."""
    found = None
    for _ in range(50):
        message = receive(ws)
        if message["type"] == "state":
            found = message
        elif message["type"] == "frame":
            return found
    raise AssertionError("no frame after the seek")
