"""REST errors through the real app: 422 naming field, value and range; 404, 409, 413, 503; a refused
request changes nothing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import LIMITS, Settings
from tests.support.helpers import create, diverging


def test_step_count_beyond_this_servers_limit(client: TestClient, settings: Settings) -> None:
    sid = create(client)["id"]
    response = client.post(
        f"/api/sessions/{sid}/step", json={"unit": "phase", "count": settings.max_step_count + 1}
    )
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "count"]
    assert (
        detail["msg"]
        == f"count: must be between 1 and {settings.max_step_count}, got {settings.max_step_count + 1}"
    )


def test_put_parameters_of_the_wrong_shape_is_refused_and_changes_nothing(client: TestClient) -> None:
    sid = create(client, hidden_layers=[2])["id"]
    before = client.get(f"/api/sessions/{sid}").json()
    response = client.put(f"/api/sessions/{sid}/parameters", json={"weights": [[[1.0]]], "biases": [[0.0]]})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["type"] == "rejected" and detail["loc"][0] == "body"
    assert detail["msg"]
    assert client.get(f"/api/sessions/{sid}").json()["weights"] == before["weights"]


def test_incoherent_loss_is_refused_naming_the_field(client: TestClient) -> None:
    response = client.post("/api/sessions", json={"output_activation": "softmax", "loss": "bce"})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"][:2] in (["body", "loss"], ["body", "output_activation"])
    assert "bce" in detail["msg"]


def test_delete_then_404(client: TestClient) -> None:
    sid = create(client)["id"]
    assert client.delete(f"/api/sessions/{sid}").status_code == 204
    for method, path in [
        ("get", ""),
        ("delete", ""),
        ("post", "/reset"),
        ("get", "/gradcheck"),
    ]:
        response = client.request(method, f"/api/sessions/{sid}{path}")
        assert response.status_code == 404
        assert sid in response.json()["detail"]


def test_unknown_session_404_on_every_route(client: TestClient) -> None:
    response = client.post("/api/sessions/nope/step", json={"unit": "phase", "count": 1})
    assert response.status_code == 404
    assert "no session 'nope'" in response.json()["detail"]


def test_session_cap_answers_503_with_a_clear_message(client: TestClient, settings: Settings) -> None:
    for _ in range(settings.max_sessions):
        create(client)
    response = client.post("/api/sessions", json={})
    assert response.status_code == 503
    assert f"maximum of {settings.max_sessions} sessions" in response.json()["detail"]
    assert response.headers["retry-after"]


def test_bodies_over_the_limit_answer_413(client: TestClient, settings: Settings) -> None:
    big = {"dataset": {"inputs": [[0.5] * 8] * 2000, "targets": [[1.0]] * 2000}}
    payload = json.dumps(big).encode()
    assert len(payload) > settings.max_body_bytes
    response = client.post("/api/sessions", content=payload, headers={"content-type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "text", ['{"learning_rate": NaN}', '{"learning_rate": Infinity}', '{"learning_rate": 1e999}']
)
def test_non_finite_json_is_refused(client: TestClient, text: str) -> None:
    response = client.post("/api/sessions", content=text, headers={"content-type": "application/json"})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "learning_rate"] and "finite" in detail["msg"]


def test_divergence_answers_409_and_keeps_the_last_finite_state(client: TestClient) -> None:
    sid = create(client, **diverging(LIMITS.learning_rate_max))["id"]
    response = None
    for _ in range(50):
        response = client.post(f"/api/sessions/{sid}/step", json={"unit": "epoch", "count": 1})
        if response.status_code != 200:
            break
    assert response is not None and response.status_code == 409
    report = response.json()["detail"]
    assert report["type"] == "diverged"
    assert report["phase"] in ("forward", "loss", "backward", "update")
    assert "learning rate" in report["suggestion"] and "10" in report["suggestion"]
    state = client.get(f"/api/sessions/{sid}").json()  # the state is still finite JSON
    assert state["diverged"] == report and state["playing"] is False
    assert np.all(np.isfinite(np.concatenate([np.ravel(w) for w in state["weights"]])))


def test_a_loss_that_cannot_fit_the_targets_is_refused_naming_loss(client: TestClient) -> None:
    """BCE on "bumps" (targets in [−1, 1]): at creation, on a rebuild (PATCH) and for custom rows."""
    for body in (
        {"dataset": "bumps", "output_activation": "sigmoid", "loss": "bce"},
        {"dataset": {"inputs": [[0.0], [1.0]], "targets": [[2.5], [0.0]], "kind": "regression"},
         "output_activation": "sigmoid",
         "loss": "bce"},
    ):  # fmt: skip
        response = client.post("/api/sessions", json=body)
        assert response.status_code == 422, response.text
        (detail,) = response.json()["detail"]
        assert detail["loc"] == ["body", "loss"] and "between 0 and 1" in detail["msg"]
    sid = create(client, dataset="bumps", output_activation="sigmoid", loss="mse")["id"]
    before = client.get(f"/api/sessions/{sid}").json()
    response = client.patch(f"/api/sessions/{sid}", json={"loss": "bce"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "loss"]
    after = client.get(f"/api/sessions/{sid}").json()
    assert after["config"]["loss"] == "mse" and after["weights"] == before["weights"]
    rules = client.get("/api/meta").json()["target_rules"]
    assert rules["bce"]["min"] == 0 and rules["bce"]["max"] == 1 and rules["cross_entropy"]["one_hot"]
