"""The analyses' REST calls: diagnostics, the gradient check's verdict, random restarts and keeping the best
(names, bounds, bad input: a 422 naming the field, never a 500, never NaN)."""

from __future__ import annotations

import json

import numpy as np
from fastapi.testclient import TestClient

from app.api.presets import PRESETS
from app.config import VIEWS
from app.engine.lab import Lab, LabConfig
from app.engine.restarts import restart_lab
from app.schemas import SessionState
from app.schemas.analyses import DiagnosticsReply, GradcheckVerdictReply, RestartsReply
from tests.support.helpers import create


def test_diagnostics_and_gradient_norms_on_the_loss_curve(client: TestClient) -> None:
    sid = client.post("/api/sessions", json=PRESETS["vanishing_sigmoid"]["config"]).json()["id"]
    first = DiagnosticsReply.model_validate(client.get(f"/api/sessions/{sid}/diagnostics").json())
    assert [layer.grad_norm for layer in first.layers] == [None] * 7  # no update yet
    assert [layer.activation for layer in first.layers] == ["sigmoid"] * 7
    assert all(layer.dead is None for layer in first.layers)  # no ReLU
    for _ in range(3):
        client.post(f"/api/sessions/{sid}/step", json={"unit": "epoch", "count": 1})
    state = client.get(f"/api/sessions/{sid}").json()
    points = state["history"]
    assert points[0]["grad_norms"] is None and len(points) == 4
    norms = points[-1]["grad_norms"]
    assert len(norms) == 7 and norms[0] < 0.01 * norms[5]  # the vanishing gradient
    reply = DiagnosticsReply.model_validate(client.get(f"/api/sessions/{sid}/diagnostics").json())
    assert [layer.grad_norm for layer in reply.layers] == norms  # the same last update
    relu = client.post("/api/sessions", json=PRESETS["vanishing_relu"]["config"]).json()["id"]
    client.post(f"/api/sessions/{relu}/step", json={"unit": "epoch", "count": 1})
    norms = client.get(f"/api/sessions/{relu}").json()["history"][-1]["grad_norms"]
    assert norms[0] > 0.01 * norms[5]
    assert client.get("/api/sessions/nope/diagnostics").status_code == 404


def test_zero_init_shows_identical_rows(client: TestClient) -> None:
    sid = client.post("/api/sessions", json=PRESETS["zero_init_symmetry"]["config"]).json()["id"]
    client.post(f"/api/sessions/{sid}/step", json={"unit": "epoch", "count": 2})
    layers = client.get(f"/api/sessions/{sid}/diagnostics").json()["layers"]
    hidden = [layer for layer in layers[:-1]]
    for layer in hidden:
        assert layer["symmetric"] == [{"units": list(range(layer["units"])), "outgoing_identical": True}]


def test_gradcheck_verdict_and_kink_caveat(client: TestClient) -> None:
    sid = create(
        client,
        hidden_layers=[2],
        activation="relu",
        weights=[[[0, 0], [1, 1]], [[1, 1]]],
        biases=[[0, 0.5], [0]],
    )["id"]
    reply = GradcheckVerdictReply.model_validate(client.get(f"/api/sessions/{sid}/gradcheck").json())
    assert reply.near_kink and reply.kinks[0].what == "relu" and reply.kinks[0].layer == 1
    assert reply.thresholds == {"agree": VIEWS.gradcheck_agree, "doubt": VIEWS.gradcheck_doubt}
    assert reply.layers[0].weights_verdict in ("agrees", "close", "disagrees")
    smooth = GradcheckVerdictReply.model_validate(
        client.get(f"/api/sessions/{create(client)['id']}/gradcheck").json()
    )
    assert smooth.verdict == "agrees" and not smooth.near_kink


def test_restarts_and_keep_the_best(client: TestClient) -> None:
    config = {"hidden_layers": [3], "learning_rate": 0.1, "seed": 5, "batch_size": 25}
    sid = create(client, **config)["id"]
    reply = RestartsReply.model_validate(
        client.post(f"/api/sessions/{sid}/restarts", json={"runs": 4, "epochs": 3}).json()
    )
    assert [run.seed for run in reply.runs] == [5, 6, 7, 8]
    finals = [run.train_loss[-1] or 0.0 for run in reply.runs]
    assert reply.best == int(np.argmin(finals)) and all(len(run.train_loss) == 4 for run in reply.runs)
    best = reply.runs[reply.best]
    response = client.post(f"/api/sessions/{sid}/restarts/keep", json={"seed": best.seed, "epochs": 3})
    assert response.status_code == 201
    kept = SessionState.model_validate(response.json())
    assert kept.id != sid and kept.step == 3 * 10
    assert [p.train_loss for p in kept.history] == best.train_loss  # one point per epoch, the same curve
    parent = Lab(LabConfig(hidden_layers=(3,), learning_rate=0.1, seed=5, batch_size=25))
    own = restart_lab(parent.config, parent.data, best.seed)
    own.train(30)
    assert kept.weights == [w.tolist() for w in own.weights]
    assert kept.config.seed == best.seed
    # the session asked is unchanged
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 0


def test_bad_input_is_a_422_naming_the_field(client: TestClient) -> None:
    sid = create(client)["id"]
    cases = [
        ({"runs": 17, "epochs": 2}, "runs"),
        ({"runs": 0}, "runs"),
        ({"epochs": 0}, "epochs"),
        ({"epochs": VIEWS.restarts_max_epochs + 1}, "epochs"),
        ({"runs": 2.5}, "runs"),
        ({"runs": "4"}, "runs"),
        ({"first_seed": -1}, "first_seed"),
        ({"extra": 1}, "extra"),
    ]
    for body, name in cases:
        response = client.post(f"/api/sessions/{sid}/restarts", json=body)
        assert response.status_code == 422, body
        assert response.json()["detail"][0]["loc"][-1] == name
    big = create(client, hidden_layers=[16] * 6, points=2000, batch_size=1)["id"]
    response = client.post(f"/api/sessions/{big}/restarts", json={"runs": 16, "epochs": 500})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == "epochs" and "allowed 1.." in detail["msg"]
    for body in ({"seed": 1}, {"epochs": 1}, {"seed": -1, "epochs": 1}, {"seed": 1, "epochs": 0}):
        assert client.post(f"/api/sessions/{sid}/restarts/keep", json=body).status_code == 422
    response = client.post(
        f"/api/sessions/{sid}/restarts",
        content=b'{"runs": NaN}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code in (400, 422)


def test_a_diverging_configuration_reports_without_nan(client: TestClient) -> None:
    sid = client.post("/api/sessions", json=PRESETS["diverging_lr"]["config"]).json()["id"]
    response = client.post(f"/api/sessions/{sid}/restarts", json={"runs": 3, "epochs": 5})
    assert response.status_code == 200
    text = response.text
    assert "NaN" not in text and "Infinity" not in text
    reply = json.loads(text)
    assert reply["best"] is None and all(run["diverged"] for run in reply["runs"])


def test_gradient_norms_follow_seeks_and_replays_as_the_loss_does(client: TestClient) -> None:
    sid = create(client, hidden_layers=[3], batch_size=25)["id"]
    for _ in range(3):
        client.post(f"/api/sessions/{sid}/step", json={"unit": "epoch", "count": 1})
    before = client.get(f"/api/sessions/{sid}").json()["history"]
    assert [p["step"] for p in before] == [0, 10, 20, 30] and before[0]["grad_norms"] is None
    assert client.post(f"/api/sessions/{sid}/seek", json={"step": 10}).status_code == 200
    client.post(f"/api/sessions/{sid}/step", json={"unit": "epoch", "count": 2})  # replays the recorded run
    after = client.get(f"/api/sessions/{sid}").json()
    assert after["step"] == 30 and after["history"] == before
    reply = client.get(f"/api/sessions/{sid}/diagnostics").json()
    assert [layer["grad_norm"] for layer in reply["layers"]] == before[-1][
        "grad_norms"
    ]  # the replayed update
    child = client.post(f"/api/sessions/{sid}/branch", json={"step": 20, "changes": {}}).json()
    assert child["history"] == before[:3]
