"""The way out over the socket: the diverged message carries `recover`, a `recover` message takes it as a
branch (the sender is told its id, every socket of the run sees the branch on its timeline); saturation is
announced by a schema'd `saturation` message."""

from __future__ import annotations

import json
import math

from fastapi.testclient import TestClient

from app.api.presets import PRESETS
from app.schemas import SaturationMessage, SessionState
from app.schemas.state import DivergenceReport
from app.schemas.timeline import BranchedMessage, TimelineMessage
from tests.support.helpers import error_reply, new_session, open_socket, play, receive_until, settle


def test_the_diverged_message_carries_the_way_out_and_recover_takes_it(client: TestClient) -> None:
    sid = new_session(client, **PRESETS["diverging_lr"]["config"])
    with open_socket(client, sid) as ws, open_socket(client, sid) as other:
        settle(ws)
        settle(other)
        play(ws, 1)
        report = DivergenceReport.model_validate(receive_until(ws, "diverged", limit=2000)).model_dump()
        assert report["recover"] is not None
        assert report["recover"]["step"] == 0 and report["recover"]["learning_rate"] == 0.03
        ws.send_text(json.dumps({"type": "recover"}))
        reply = BranchedMessage.model_validate(receive_until(ws, "branched", limit=2000))
        assert reply.parent.id == sid and reply.parent.step == 0 and reply.reason == "recover"
        # every socket of the run sees the branch on its timeline (the sender before its reply)
        timeline = TimelineMessage.model_validate(receive_until(other, "timeline", limit=2000))
        assert [m.kind for m in timeline.marks][-1] == "diverged" and not timeline.branches
        timeline = TimelineMessage.model_validate(receive_until(other, "timeline", limit=2000))
        assert [b.id for b in timeline.branches] == [reply.id]
        with open_socket(client, reply.id) as branch:
            message = receive_until(branch, "state", limit=2000)
            state = SessionState.model_validate({k: v for k, v in message.items() if k != "type"})
            assert state.step == 0 and state.diverged is None
            assert state.config.learning_rate == 0.03
            assert [p.step for p in state.history] == [0]
        ws.send_text(json.dumps({"type": "recover", "learning_rate": 50}))
        error = error_reply(ws)
        assert error["code"] == "invalid" and error["field"] == "learning_rate"
    state = client.get(f"/api/sessions/{sid}").json()
    assert state["diverged"] is not None and state["config"]["learning_rate"] == 0.3  # kept as it was


def test_saturation_is_announced_and_recovered_from(client: TestClient) -> None:
    sid = new_session(client, learning_rate=10.0)
    with open_socket(client, sid) as ws:
        settle(ws)
        play(ws, 50)
        message = SaturationMessage.model_validate(receive_until(ws, "saturation", limit=5000))
        report = message.saturated
        assert report is not None and report.recover is not None
        assert report.units >= 1 and report.since < report.step
        ws.send_text(json.dumps({"type": "pause"}))
        ws.send_text(json.dumps({"type": "recover"}))
        reply = receive_until(ws, "branched", limit=5000)
        with open_socket(client, reply["id"]) as branch:
            state = receive_until(branch, "state", limit=5000)
        assert state["saturated"] is None and state["step"] == report.recover.step
        assert state["config"]["learning_rate"] == report.recover.learning_rate
        loss = state["metrics"]["train_loss"]
        assert loss is not None and math.isfinite(loss)
