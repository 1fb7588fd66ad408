"""The `dropout` field: one rate in [0, 0.9] per hidden layer at creation, a live change afterwards, a list
that follows the hidden layers on a rebuild; refusals name dropout or its position and the range."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.config import VIEWS


def test_dropout_is_accepted_refused_and_changed_live(client: TestClient) -> None:
    created = client.post("/api/sessions", json={"hidden_layers": [4, 3], "dropout": [0.5, 0.2]})
    assert created.status_code == 201, created.text
    body = created.json()
    sid = body["id"]
    assert body["config"]["dropout"] == [0.5, 0.2]
    assert client.post("/api/sessions", json={}).json()["config"]["dropout"] == []  # default: none
    # out of range: the position and the range
    bad = client.post("/api/sessions", json={"hidden_layers": [4, 3], "dropout": [0.5, 0.95]})
    assert bad.status_code == 422
    (detail,) = bad.json()["detail"]
    assert detail["loc"] == ["body", "dropout", 1]
    assert detail["msg"].startswith(f"dropout[1]: must be between 0 and {VIEWS.dropout_max:g}")
    # a list that does not fit the hidden layers
    short = client.post("/api/sessions", json={"hidden_layers": [4, 3], "dropout": [0.5]})
    assert short.status_code == 422
    text = str(short.json()["detail"])
    assert "dropout" in text and "2 rates (one per hidden layer)" in text
    # a live change: in place, the step kept, logged as a change
    client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 5})
    changed = client.patch(f"/api/sessions/{sid}", json={"dropout": [0.0, 0.3]})
    assert changed.status_code == 200, changed.text
    state = changed.json()
    assert state["step"] == 5 and state["config"]["dropout"] == [0.0, 0.3]
    assert state["changes"][-1]["changes"] == {"dropout": [[0.5, 0.2], [0.0, 0.3]]}
    refused = client.patch(f"/api/sessions/{sid}", json={"dropout": [0.3]})
    assert refused.status_code == 422 and "dropout" in str(refused.json()["detail"])
    # a rebuild with other hidden layers: the kept layers keep their rate, a new one starts at 0
    rebuilt = client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [4, 3, 2]})
    assert rebuilt.status_code == 200 and rebuilt.json()["config"]["dropout"] == [0.0, 0.3, 0.0]
    fewer = client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [5]})
    assert fewer.json()["config"]["dropout"] == [0.0]
