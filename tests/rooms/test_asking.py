"""Ask the class, in process: the teacher asks for a value the run computes next, followers answer, the
teacher sees the count and the spread, the reveal gives every socket the true value."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.rooms.questions import BadQuestion, ask, spread
from tests.rooms.test_rooms_api import open_room
from tests.support.helpers import connect_headers, new_session, open_socket, receive_until


def follow(client: TestClient, code: str, name: str) -> Any:
    """A follower's socket."""
    return client.websocket_connect(f"/ws/rooms/{code}?name={name}", headers=connect_headers())


def test_a_question_round_trip_reveals_the_value_the_phase_computed(client: TestClient) -> None:
    sid = new_session(client, hidden_layers=[3], seed=3)
    room = open_room(client, sid)
    code, token = room["code"], room["teacher_token"]
    with (
        open_socket(client, sid) as teacher,
        follow(client, code, "Ada") as ada,
        follow(client, code, "Bo") as bo,
    ):
        for follower in (ada, bo):
            receive_until(follower, "frame")
        teacher.send_json({"type": "ask", "quantity": "z", "layer": 1, "unit": 1})
        assert receive_until(teacher, "error")["code"] == "read_only"  # not authenticated yet
        teacher.send_json({"type": "auth", "token": token})
        receive_until(teacher, "authorized")
        teacher.send_json({"type": "ask", "quantity": "z", "layer": 1, "unit": 7})
        bad = receive_until(teacher, "error")
        assert bad["field"] == "unit" and "between 0 and 2" in bad["message"]
        teacher.send_json({"type": "reveal"})
        assert receive_until(teacher, "error")["code"] == "no_question"
        teacher.send_json({"type": "ask", "quantity": "z", "layer": 1, "unit": 1})
        question = receive_until(ada, "question")
        assert question == receive_until(bo, "question") == receive_until(teacher, "question")
        assert (
            question["phase"] == "forward"
            and question["step"] == 0
            and "neuron 2 of layer 1" in question["label"]
        )
        assert receive_until(teacher, "answers")["count"] == 0
        ada.send_json({"type": "ask", "quantity": "loss"})
        assert receive_until(ada, "error")["code"] == "read_only"
        ada.send_json({"type": "answer", "question": question["id"], "value": 0.25})
        assert receive_until(ada, "answered")["value"] == 0.25
        bo.send_json({"type": "answer", "question": "old", "value": 1.0})
        assert receive_until(bo, "error")["code"] == "no_question"
        bo.send_json({"type": "answer", "question": question["id"], "value": 1e999})
        assert receive_until(bo, "error")["code"] == "bad_json"
        bo.send_json({"type": "answer", "question": question["id"], "value": -0.5})
        receive_until(bo, "answered")
        teacher.send_json({"type": "answer", "question": question["id"], "value": 3.0})
        assert receive_until(teacher, "error")["code"] == "not_a_follower"
        summary = receive_until(teacher, "answers")
        while summary["count"] < 2:
            summary = receive_until(teacher, "answers")
        assert summary["followers"] == 2 and summary["computed"] is False
        assert sum(summary["counts"]) == 2 and summary["edges"][0] == -0.5 and summary["edges"][-1] == 0.25
        teacher.send_json({"type": "reveal"})
        assert receive_until(teacher, "error")["code"] == "not_computed"

        state = client.get(f"/api/sessions/{sid}").json()
        teacher.send_json({"type": "step", "unit": "phase", "count": 1})
        frame = receive_until(teacher, "frame")
        record = frame["records"][0]
        assert record["phase"] == "forward" and record["layer"] == 1
        assert receive_until(teacher, "answers")["computed"] is True
        teacher.send_json({"type": "reveal"})
        revealed = receive_until(ada, "revealed")
        assert revealed == receive_until(bo, "revealed") == receive_until(teacher, "revealed")
        assert revealed["value"] == record["example"]["z"][1]  # the very number the phase computed
        w, b = np.array(state["weights"][0][1]), state["biases"][0][1]
        assert revealed["value"] == pytest.approx(w @ np.array(record["example"]["a_prev"]) + b, abs=1e-12)
        assert revealed["count"] == 2 and revealed["close"] == sum(
            abs(v - revealed["value"]) <= revealed["tolerance"] for v in (0.25, -0.5)
        )
        ada.send_json({"type": "answer", "question": question["id"], "value": 0.0})
        assert receive_until(ada, "error")["code"] == "no_question"  # too late
        # a student who joins now sees the question and its answer
        with follow(client, code, "Cy") as cy:
            assert receive_until(cy, "question")["id"] == question["id"]
            assert receive_until(cy, "revealed")["value"] == revealed["value"]
        teacher.send_json({"type": "dismiss"})
        assert receive_until(ada, "question_closed")["question"] == question["id"]
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 0  # followers changed nothing


def test_a_value_this_iteration_already_computed_is_asked_of_the_next(client: TestClient) -> None:
    sid = new_session(client, hidden_layers=[2], seed=5)
    room = open_room(client, sid)
    with open_socket(client, sid) as teacher, follow(client, room["code"], "Ada") as ada:
        receive_until(ada, "frame")
        teacher.send_json({"type": "auth", "token": room["teacher_token"]})
        receive_until(teacher, "authorized")
        teacher.send_json({"type": "step", "unit": "phase", "count": 3})  # forward 1, 2, loss
        receive_until(teacher, "frame")
        teacher.send_json({"type": "ask", "quantity": "output", "unit": 0})
        question = receive_until(ada, "question")
        assert question["step"] == 1 and question["layer"] == 2
        teacher.send_json({"type": "step", "unit": "phase", "count": 3})  # backward 2, 1, update
        receive_until(teacher, "frame")
        teacher.send_json({"type": "reveal"})
        assert receive_until(teacher, "error")["code"] == "not_computed"
        teacher.send_json({"type": "step", "unit": "phase", "count": 3})
        frame = receive_until(teacher, "frame")
        loss = next(r for r in frame["records"] if r["phase"] == "loss")
        assert loss["step"] == 1
        teacher.send_json({"type": "reveal"})
        assert receive_until(ada, "revealed")["value"] == loss["example"]["output"][0]


def test_question_messages_on_a_session_without_a_room_are_refused(client: TestClient) -> None:
    sid = new_session(client)
    with open_socket(client, sid) as ws:
        ws.send_json({"type": "ask", "quantity": "loss"})
        assert receive_until(ws, "error")["code"] == "no_room"


def test_questions_name_what_they_ask_and_check_the_network() -> None:
    sizes = (2, 4, 3, 1)
    with pytest.raises(BadQuestion, match="layer: between 1 and 3"):
        ask("delta", 4, 0, sizes, 0, [])
    with pytest.raises(BadQuestion, match="output layer, 3"):
        ask("output", 2, 0, sizes, 0, [])
    assert "δ₃^[2]" in ask("delta", 2, 2, sizes, 0, []).label
    loss = ask("loss", 2, 3, sizes, 0, [])
    assert (loss.layer, loss.unit, loss.phase) == (None, None, "loss")
    histogram = spread([1.0, 1.0, 1.0], 4)
    assert histogram["edges"] == [0.5, 0.75, 1.0, 1.25, 1.5] and histogram["counts"] == [0, 0, 3, 0]
    assert spread([], 4)["mean"] is None
