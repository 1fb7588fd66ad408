"""The REST API through the real app (TestClient): sessions, steps, parameters, meta."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient

from app.api.presets import PRESETS
from app.config import LIMITS, Settings
from app.engine.lab import Lab, LabConfig
from app.schemas import SessionState, StepReply
from app.schemas.analyses import GradcheckVerdictReply
from tests.support.helpers import create


def test_create_answers_201_with_id_and_full_state(client: TestClient) -> None:
    body = create(client)
    SessionState.model_validate(body)
    assert len(body["id"]) >= 22  # 16 random bytes, base64url
    assert body["step"] == 0 and body["epoch"] == 0
    assert [np.shape(w) for w in body["weights"]] == [(4, 2), (2, 4), (1, 2)]
    assert [len(b) for b in body["biases"]] == [4, 2, 1]
    assert body["config"]["learning_rate"] == 0.03 and body["config"]["dataset"] == "circle"
    assert set(body["metrics"]) == {"train_loss", "test_loss", "train_accuracy", "test_accuracy"}
    assert body["history"][0]["step"] == 0
    assert len(body["data"]["points"]) == 500


def test_ids_are_unguessable_and_distinct(client: TestClient) -> None:
    ids = {create(client)["id"] for _ in range(5)}
    assert len(ids) == 5
    assert all(len(i) == 22 for i in ids)


def test_explicit_parameters_are_kept_exactly(client: TestClient) -> None:
    weights = [[[0.1, -0.2]], [[0.30000000000000004]]]
    biases = [[0.5], [-1e-17]]
    body = create(client, hidden_layers=[1], weights=weights, biases=biases)
    assert body["weights"] == weights and body["biases"] == biases
    state = client.get(f"/api/sessions/{body['id']}").json()
    assert state["weights"] == weights and state["biases"] == biases


def test_the_numbers_are_the_engines(client: TestClient) -> None:
    body = create(client, seed=3, hidden_layers=[3])
    lab = Lab(LabConfig(seed=3, hidden_layers=(3,)))
    assert body["weights"] == [w.tolist() for w in lab.weights]
    reply = client.post(f"/api/sessions/{body['id']}/step", json={"unit": "iteration", "count": 2}).json()
    StepReply.model_validate(reply)
    records = lab.step_iteration() + lab.step_iteration()
    assert [r["phase"] for r in reply["records"]] == [r["phase"] for r in records]
    assert reply["records"][-1]["weights"] == [w.tolist() for w in records[-1]["weights"]]
    assert reply["state"]["weights"] == [w.tolist() for w in lab.weights]


def test_step_records_by_phase(client: TestClient) -> None:
    sid = create(client)["id"]
    reply = client.post(f"/api/sessions/{sid}/step", json={"unit": "phase", "count": 8}).json()
    phases = [(r["phase"], r["layer"]) for r in reply["records"]]
    assert phases == [
        ("forward", 1),
        ("forward", 2),
        ("forward", 3),
        ("loss", None),
        ("backward", 3),
        ("backward", 2),
        ("backward", 1),
        ("update", None),
    ]
    forward = reply["records"][0]
    assert np.shape(forward["z"]) == (10, 4) and np.shape(forward["a"]) == (10, 4)  # rows = examples
    backward = reply["records"][6]
    assert np.shape(backward["delta"]) == (10, 4)
    assert np.shape(backward["grad_weights"]) == (4, 2) and np.shape(backward["grad_biases"]) == (4,)
    update = reply["records"][7]
    assert update["weights"] == reply["state"]["weights"]
    assert reply["state"]["step"] == 1


def test_phase_iteration_and_epoch_steps_agree(client: TestClient) -> None:
    by_phase = create(client, seed=5)["id"]
    by_iteration = create(client, seed=5)["id"]
    by_epoch = create(client, seed=5)["id"]
    per_epoch = 25  # 250 training points, batch 10
    client.post(f"/api/sessions/{by_phase}/step", json={"unit": "phase", "count": 3})
    client.post(f"/api/sessions/{by_phase}/step", json={"unit": "phase", "count": 8 * per_epoch - 3})
    client.post(f"/api/sessions/{by_iteration}/step", json={"unit": "iteration", "count": per_epoch})
    client.post(f"/api/sessions/{by_epoch}/step", json={"unit": "epoch", "count": 1})
    states = [client.get(f"/api/sessions/{sid}").json() for sid in (by_phase, by_iteration, by_epoch)]
    assert states[0]["weights"] == states[1]["weights"] == states[2]["weights"]
    assert {s["step"] for s in states} == {per_epoch} and {s["epoch"] for s in states} == {1}


def test_long_steps_keep_the_newest_records(client: TestClient, settings: Settings) -> None:
    fast = create(client, seed=2)["id"]
    reply = client.post(f"/api/sessions/{fast}/step", json={"unit": "epoch", "count": 3}).json()
    assert len(reply["records"]) == settings.max_records_per_reply
    assert reply["omitted"] == 3 * 25 * 8 - settings.max_records_per_reply
    assert reply["records"][-1]["phase"] == "update"
    lab = Lab(LabConfig(seed=2))
    for _ in range(3):
        lab.step_epoch()
    assert reply["state"]["weights"] == [w.tolist() for w in lab.weights]


def test_patch_live_hyperparameters_keeps_the_network(client: TestClient) -> None:
    sid = create(client)["id"]
    client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 3})
    before = client.get(f"/api/sessions/{sid}").json()
    state = client.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.1, "batch_size": 5}).json()
    assert state["weights"] == before["weights"] and state["step"] == 3
    assert state["config"]["learning_rate"] == 0.1 and state["config"]["batch_size"] == 5
    assert state["changes"] == [{"step": 3, "changes": {"learning_rate": [0.03, 0.1], "batch_size": [10, 5]}}]


def test_patch_architecture_rebuilds(client: TestClient) -> None:
    sid = create(client)["id"]
    client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 3})
    state = client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [3], "learning_rate": 0.3}).json()
    assert [np.shape(w) for w in state["weights"]] == [(3, 2), (1, 3)]
    assert state["step"] == 0 and state["config"]["learning_rate"] == 0.3
    assert [p["step"] for p in state["history"]] == [0]


def test_rebuild_drops_parameters_that_no_longer_fit(client: TestClient) -> None:
    sid = create(client, hidden_layers=[1], weights=[[[1.0, 2.0]], [[3.0]]], biases=[[0.0], [0.0]])["id"]
    same = client.patch(f"/api/sessions/{sid}", json={"loss": "mse"}).json()
    assert same["weights"] == [[[1.0, 2.0]], [[3.0]]]  # still fits: kept
    changed = client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [2]}).json()
    assert [np.shape(w) for w in changed["weights"]] == [(2, 2), (1, 2)]


def test_put_parameters_sets_exact_values(client: TestClient) -> None:
    sid = create(client, hidden_layers=[2])["id"]
    weights = [[[0.25, -0.5], [1.0, 0.0]], [[0.1, 0.2]]]
    biases = [[0.0, 0.5], [-0.25]]
    state = client.put(f"/api/sessions/{sid}/parameters", json={"weights": weights, "biases": biases}).json()
    assert state["weights"] == weights and state["biases"] == biases


def test_reset_same_initialisation_and_new_seed(client: TestClient) -> None:
    body = create(client)
    sid = body["id"]
    client.post(f"/api/sessions/{sid}/step", json={"unit": "epoch", "count": 1})
    same = client.post(f"/api/sessions/{sid}/reset", json={"seed": None}).json()
    assert same["weights"] == body["weights"] and same["step"] == 0
    assert [p["step"] for p in same["history"]] == [0] and same["changes"] == []
    other = client.post(f"/api/sessions/{sid}/reset", json={"seed": 9}).json()
    assert other["weights"] != body["weights"] and other["config"]["seed"] == 9
    again = client.post(f"/api/sessions/{sid}/reset").json()
    assert again["weights"] == other["weights"]


def test_select_traces_an_example(client: TestClient) -> None:
    sid = create(client)["id"]
    state = client.post(f"/api/sessions/{sid}/select", json={"example": 7}).json()
    assert state["config"]["selected"] == 7
    reply = client.post(f"/api/sessions/{sid}/step", json={"unit": "phase", "count": 1}).json()
    assert reply["records"][0]["example"]["index"] == 7
    response = client.post(f"/api/sessions/{sid}/select", json={"example": 400})  # 250 training examples
    assert response.status_code == 422
    assert client.get(f"/api/sessions/{sid}").json()["config"]["selected"] == 7


def test_gradcheck_reports_tiny_relative_errors(client: TestClient) -> None:
    sid = create(client, hidden_layers=[3])["id"]
    reply = client.get(f"/api/sessions/{sid}/gradcheck").json()
    GradcheckVerdictReply.model_validate(reply)
    assert [layer["layer"] for layer in reply["layers"]] == [1, 2]
    assert np.shape(reply["layers"][0]["weights_rel_error"]) == (3, 2)
    assert reply["max"] < 1e-6


def test_every_preset_creates_a_session(client: TestClient, settings: Settings) -> None:
    for name, preset in PRESETS.items():
        response = client.post("/api/sessions", json=preset["config"])
        assert response.status_code == 201, (name, response.text)
        client.delete(f"/api/sessions/{response.json()['id']}")


def test_custom_data_sessions(client: TestClient) -> None:
    body = create(
        client,
        dataset={"inputs": [[1.5, -1.0, 1.3]], "targets": [[1.0]]},
        hidden_layers=[3, 2],
        activation="relu",
        output_activation="linear",
        loss="sse",
        batch_size=1,
    )
    assert body["data"]["points"] is None and body["data"]["inputs"] == [[1.5, -1.0, 1.3]]
    assert body["config"]["dataset"]["inputs"] == [[1.5, -1.0, 1.3]]
    reply = client.post(f"/api/sessions/{body['id']}/step", json={"unit": "iteration", "count": 1}).json()
    assert reply["records"][0]["a_prev"] == [[1.5, -1.0, 1.3]]


def test_meta_lists_names_pairs_presets_and_limits(client: TestClient, settings: Settings) -> None:
    meta = client.get("/api/meta").json()
    assert "leaky_relu" in meta["activations"] and "softmax" in meta["output_activations"]
    assert meta["coherent_pairs"]["softmax"][0] == "cross_entropy"
    assert set(meta["presets"]) == set(PRESETS)
    assert meta["limits"]["max_neurons"] == LIMITS.max_neurons
    assert meta["limits"]["max_fps"] == settings.max_fps
    assert {d["name"] for d in meta["datasets"]} >= {"circle", "xor", "spiral"}


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert "/api/sessions/{session_id}/step" in schema["paths"]
    config = schema["components"]["schemas"]["SessionConfig"]
    assert config["properties"]["learning_rate"]["maximum"] == LIMITS.learning_rate_max
    assert config["additionalProperties"] is False
