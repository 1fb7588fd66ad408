"""REST of the loss-surface slice and the activation explorer: the reply's numbers agree with the session's
state, bad input answers 422 naming the field with its range (never 500), and no reply carries NaN."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from app.config import VIEWS
from app.sessions.explore import _nullable

W = {"kind": "weight", "layer": 1, "row": 0, "col": 1}
B = {"kind": "bias", "layer": 3, "row": 0}
JSON = {"content-type": "application/json"}


def _session(client: TestClient, **config: Any) -> str:
    response = client.post("/api/sessions", json={"points": 100, **config})
    assert response.status_code == 201
    sid: str = response.json()["id"]
    assert (
        client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 60}).status_code == 200
    )
    return sid


def _strict_json(text: str) -> Any:
    def refuse(token: str) -> None:
        raise AssertionError(f"{token} on the wire")

    return json.loads(text, parse_constant=refuse)


def test_surface_reply_is_the_sessions_loss_and_path(client: TestClient) -> None:
    sid = _session(client, regularization="l2", regularization_rate=0.01)
    state = client.get(f"/api/sessions/{sid}").json()
    body = {"first": W, "second": B, "span": 0.5, "resolution": 11}
    reply = _strict_json(client.post(f"/api/sessions/{sid}/surface", json=body).text)
    assert reply["step"] == 60 and reply["resolution"] == 11 and len(reply["loss"]) == 11
    assert (
        reply["first"]["value"] == state["weights"][0][0][1]
        and reply["second"]["value"] == state["biases"][2][0]
    )
    assert reply["current"]["data_loss"] == state["metrics"]["train_loss"]
    assert reply["loss"][5][5] == reply["current"]["loss"] > reply["current"]["data_loss"]  # + R
    assert reply["first_values"][0] == reply["first"]["value"] - 0.5
    path = reply["path"]
    assert path["steps"][0] == 0 and path["steps"][-1] == 60 and len(path["steps"]) == 61
    assert path["first"][-1] == reply["first"]["value"] and path["second"][0] == 0.1  # bias_init
    assert reply["objective"] == {
        "loss": "half_sse",
        "regularization": "l2",
        "regularization_rate": 0.01,
        "examples": 50,
    }
    assert reply["min"] <= reply["current"]["loss"] <= reply["max"]


def test_surface_bad_input_names_the_field(client: TestClient) -> None:
    sid = _session(client)
    url = f"/api/sessions/{sid}/surface"
    cases = [
        ({"first": {**W, "row": 4}, "second": B}, ["body", "first", "row"], "[0, 3]"),
        ({"first": {**W, "layer": 0}, "second": B}, ["body", "first", "layer"], "between 1 and 7"),
        (
            {"first": {"kind": "weight", "layer": 1, "row": 0}, "second": B},
            ["body", "first", "col"],
            "required",
        ),
        ({"first": W, "second": {**B, "col": 0}}, ["body", "second", "col"], "null for a bias"),
        ({"first": W, "second": W}, ["body", "second"], "other than the first"),
        ({"first": {**W, "kind": "neuron"}, "second": B}, ["body", "first", "kind"], "weight"),
        ({"first": W, "second": B, "span": 0}, ["body", "span"], "between 0.001 and 100"),
        ({"first": W, "second": B, "resolution": 4}, ["body", "resolution"], "between 5 and 101"),
        ({"first": W}, ["body", "second"], "required"),
    ]
    for body, loc, words in cases:
        response = client.post(url, json=body)
        assert response.status_code == 422, body
        detail = response.json()["detail"][0]
        assert detail["loc"] == loc and words in detail["msg"], (body, detail)
    for raw in ('{"first": %s, "second": %s, "span": NaN}', '{"first": %s, "second": %s, "span": 1e999}'):
        response = client.post(url, content=raw % (json.dumps(W), json.dumps(B)), headers=JSON)
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "span"]
    assert client.post(url, content=b"{", headers=JSON).status_code == 400
    assert (
        client.post("/api/sessions/" + "x" * 22 + "/surface", json={"first": W, "second": B}).status_code
        == 404
    )


def test_surface_work_is_bounded(client: TestClient) -> None:
    sid = _session(client, points=2000, train_fraction=0.9, hidden_layers=[16, 16, 16, 16, 16, 16])
    response = client.post(f"/api/sessions/{sid}/surface", json={"first": W, "second": B, "resolution": 101})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "resolution"]
    largest = int((VIEWS.surface_max_work // (1800 * 1425)) ** 0.5)
    assert f"at most {largest}" in detail["msg"]


def test_activations_and_preactivations(client: TestClient) -> None:
    curves = _strict_json(client.get("/api/activations?half_width=4").text)
    assert curves["half_width"] == 4.0 and len(curves["z"]) == VIEWS.activation_points
    names = [a["name"] for a in curves["activations"]]
    assert {"step", "sigmoid", "tanh", "relu", "leaky_relu", "gelu", "linear", "softmax"} == set(names)
    for query in ("nan", "inf", "0.1", "abc"):
        response = client.get(f"/api/activations?half_width={query}")
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "half_width"]

    sid = _session(client, activation="relu", hidden_layers=[5])
    url = f"/api/sessions/{sid}/preactivations"
    report = _strict_json(client.get(f"{url}?layer=1&bins=20&half_width=3").text)
    assert report["activation"] == "relu" and report["units"] == 5 and report["examples"] == 50
    assert len(report["counts"]) == 5 and len(report["counts"][0]) == 20 and len(report["edges"]) == 21
    totals = np.sum(report["counts"], axis=1) + report["below"] + report["above"]
    assert totals.tolist() == [50] * 5 and len(report["dead"]) == 5
    output = client.get(f"{url}?layer=2").json()
    assert output["activation"] == "tanh" and output["units"] == 1
    for query, field in (
        ("layer=3", "layer"),
        ("layer=x", "layer"),
        ("", "layer"),
        ("layer=1&bins=2", "bins"),
    ):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", field], query
    assert "1..2" in client.get(f"{url}?layer=3").json()["detail"][0]["msg"]


def test_a_non_finite_loss_goes_out_as_null() -> None:
    assert _nullable(np.array([[1.0, np.nan], [np.inf, -np.inf]])) == [[1.0, None], [None, None]]
