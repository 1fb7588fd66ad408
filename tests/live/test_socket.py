"""The session socket through the real app (TestClient): state, frames and every command."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
from fastapi.testclient import TestClient

from app.engine.lab import Lab, LabConfig
from app.schemas import ChangedMessage, HistoryReply
from tests.support.helpers import (
    assert_close,
    forward_by_hand,
    map_values,
    new_session,
    open_socket,
    play,
    playing,
    receive,
    receive_until,
    settle,
    tanh_layer,
)


def test_connect_sends_state_then_a_full_frame(client: TestClient) -> None:
    sid = new_session(client)
    with open_socket(client, sid) as ws:
        state = receive(ws)
        assert state["type"] == "state" and state["id"] == sid and state["clients"] == 1
        frame = receive(ws)
        assert frame["type"] == "frame" and frame["seq"] >= 1 and frame["step"] == 0
        assert isinstance(frame["t"], float)
        assert frame["output_map"]["res"] == 100 and frame["output_map"]["kind"] == "binary"
        layers = sorted({(m["layer"], m["res"]) for m in frame["maps"]})
        assert layers == [(0, 40), (1, 40), (2, 40), (3, 40)]
        assert len(frame["maps"]) == 2 + 4 + 2 + 1
        assert len(frame["_payload"]) == 100 * 100 + 9 * 40 * 40


def test_frame_maps_are_the_engines_grids(client: TestClient) -> None:
    sid = new_session(client, seed=4)
    with open_socket(client, sid) as ws:
        receive(ws)
        frame = receive(ws)
    grids = Lab(LabConfig(seed=4)).grids(100, 40)
    for layer, grid in enumerate(grids.neurons):
        for neuron in range(grid.shape[2]):
            values = map_values(frame, layer, neuron)
            span = float(grid[:, :, neuron].max() - grid[:, :, neuron].min())
            assert np.allclose(values, grid[:, :, neuron], atol=span / 255 + 1e-6)


def test_step_produces_one_frame_with_the_iterations_records(client: TestClient) -> None:
    sid = new_session(client)
    with open_socket(client, sid) as ws:
        settle(ws)
        ws.send_text(json.dumps({"type": "step", "unit": "phase", "count": 2}))
        frame = receive_until(ws, "frame")
        assert [(r["phase"], r["layer"]) for r in frame["records"]] == [("forward", 1), ("forward", 2)]
        assert frame["cursor"]["phase"] == "forward" and frame["cursor"]["layer"] == 3
        ws.send_text(json.dumps({"type": "step", "unit": "phase", "count": 3}))
        frame = receive_until(ws, "frame")
        assert [r["phase"] for r in frame["records"]] == ["forward"] * 3 + ["loss", "backward"]
        assert frame["grad_weights"][2] is not None and frame["grad_weights"][0] is None
        ws.send_text(json.dumps({"type": "step", "unit": "iteration", "count": 1}))
        frame = receive_until(ws, "frame")
        assert len(frame["records"]) == 8 and frame["step"] == 1
        assert frame["records"][-1]["weights"] == frame["weights"]
        assert [p["step"] for p in frame["history"]] == [1]


def test_play_streams_frames_and_pause_stops(client: TestClient) -> None:
    sid = new_session(client)
    with open_socket(client, sid) as ws:
        settle(ws)
        play(ws, 5)
        frames = [receive_until(ws, "frame") for _ in range(4)]
        steps = [f["step"] for f in frames]
        assert all(f["playing"] and f["records"] is None for f in frames)
        assert steps == sorted(steps) and steps[-1] >= 15
        assert all((b - a) % 5 == 0 for a, b in itertools.pairwise(steps))  # 5 per frame, frames may drop
        ws.send_text(json.dumps({"type": "pause"}))
        paused = receive_until(ws, "frame")
        while paused["playing"]:
            paused = receive_until(ws, "frame")
        state = client.get(f"/api/sessions/{sid}").json()
        assert state["playing"] is False and state["step"] >= paused["step"]


def test_a_step_while_playing_pauses_and_steps_exactly_once(client: TestClient) -> None:
    with playing(client, 2) as (sid, ws):
        ws.send_text(json.dumps({"type": "step", "unit": "phase", "count": 1}))
        frame = receive_until(ws, "frame")
        while frame["records"] is None:
            frame = receive_until(ws, "frame")
        assert frame["playing"] is False
        assert [(r["phase"], r["layer"]) for r in frame["records"]] == [("forward", 1)]
        stepped = client.get(f"/api/sessions/{sid}").json()
        assert stepped["playing"] is False and stepped["cursor"]["layer"] == 2
        assert client.get(f"/api/sessions/{sid}").json()["step"] == stepped["step"]  # no tick after the step


def test_playing_frames_trace_the_selected_example_at_their_own_parameters(client: TestClient) -> None:
    sid = new_session(client, selected=7)
    with open_socket(client, sid) as ws:
        state = receive(ws)
        assert receive(ws)["type"] == "frame"
        point = state["data"]["points"][state["data"]["train_indices"][7]]
        play(ws, 3)
        frames = [receive_until(ws, "frame") for _ in range(3)]
        ws.send_text(json.dumps({"type": "pause"}))
    for frame in frames:
        example = frame["example"]
        assert frame["playing"] and frame["records"] is None and example["index"] == 7
        assert example["a"][0] == point
        acts, zs = forward_by_hand(frame["weights"], frame["biases"], point, math.tanh, tanh_layer)
        assert_close(example["a"], acts)
        assert_close(example["z"][1:], zs)
    assert frames[0]["example"]["a"][1] != frames[-1]["example"]["a"][1]  # the parameters moved meanwhile


def test_several_tabs_see_the_same_frames(client: TestClient) -> None:
    sid = new_session(client)
    with open_socket(client, sid) as one, open_socket(client, sid) as two:
        settle(one)
        assert receive(two)["type"] == "state"
        ws_frames = receive_until(two, "frame")
        assert ws_frames["type"] == "frame"
        one.send_text(json.dumps({"type": "step", "unit": "iteration", "count": 2}))
        first = receive_until(one, "frame")
        while first["step"] != 2:
            first = receive_until(one, "frame")
        second = receive_until(two, "frame")
        while second["seq"] < first["seq"]:
            second = receive_until(two, "frame")
        assert second["seq"] == first["seq"] and second["weights"] == first["weights"]
        assert second["_payload"] == first["_payload"]


def test_set_changes_live_and_announces_the_change(client: TestClient) -> None:
    sid = new_session(client)
    with open_socket(client, sid) as ws:
        settle(ws)
        ws.send_text(json.dumps({"type": "step", "unit": "iteration", "count": 2}))
        receive_until(ws, "frame")
        ws.send_text(json.dumps({"type": "set", "changes": {"learning_rate": 0.3, "optimizer": "adam"}}))
        changed = receive_until(ws, "changed")
        ChangedMessage.model_validate(changed)
        assert changed["step"] == 2
        assert changed["changes"] == {"learning_rate": [0.03, 0.3], "optimizer": ["sgd", "adam"]}
    state = client.get(f"/api/sessions/{sid}").json()
    assert state["step"] == 2 and state["changes"][-1]["changes"]["learning_rate"] == [0.03, 0.3]


def test_rebuild_sends_a_new_state_to_every_tab(client: TestClient) -> None:
    sid = new_session(client)
    with open_socket(client, sid) as one, open_socket(client, sid) as two:
        settle(one)
        settle(two)
        one.send_text(json.dumps({"type": "rebuild", "config": {"dataset": "xor", "hidden_layers": [3]}}))
        for ws in (one, two):
            state = receive_until(ws, "state")
            assert state["config"]["dataset"] == "xor" and len(state["weights"]) == 2


def test_edit_weight_bias_reset_select_points_history(client: TestClient) -> None:
    sid = new_session(client)
    with open_socket(client, sid) as ws:
        settle(ws)
        ws.send_text(json.dumps({"type": "set_weight", "layer": 2, "row": 1, "col": 3, "value": 0.75}))
        assert receive_until(ws, "frame")["weights"][1][1][3] == 0.75
        ws.send_text(json.dumps({"type": "set_bias", "layer": 3, "row": 0, "value": -0.5}))
        assert receive_until(ws, "frame")["biases"][2] == [-0.5]
        ws.send_text(json.dumps({"type": "select", "example": 3}))
        receive_until(ws, "frame")
        ws.send_text(json.dumps({"type": "add_point", "x": [1.0, -2.0], "label": 1}))
        assert len(receive_until(ws, "state")["data"]["points"]) == 501
        ws.send_text(json.dumps({"type": "remove_point", "index": 0}))
        assert len(receive_until(ws, "state")["data"]["points"]) == 500
        ws.send_text(json.dumps({"type": "step", "unit": "iteration", "count": 3}))
        receive_until(ws, "frame")
        ws.send_text(json.dumps({"type": "history", "since": 1}))
        history = receive_until(ws, "history")
        HistoryReply.model_validate(history)
        assert [p["step"] for p in history["points"]] == [3]
        ws.send_text(json.dumps({"type": "reset", "seed": 11}))
        state = receive_until(ws, "state")
        assert state["step"] == 0 and state["config"]["seed"] == 11
