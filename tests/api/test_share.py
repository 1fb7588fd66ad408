"""GET /api/sessions/{id}/link and POST /api/sessions/from-link: a link opens as a session with the same
settings and exactly the same weights; every bad link is a 422 naming link, and nothing else changes."""

from __future__ import annotations

import json

import numpy as np
from fastapi.testclient import TestClient

from app.config import SHARE
from app.export.link import payload
from tests.support.helpers import open_socket, receive_until, settle

LIVE = ("learning_rate", "batch_size", "optimizer", "momentum", "regularization", "regularization_rate")


def _trained(client: TestClient) -> dict:  # type: ignore[type-arg]
    """A run trained with live changes, one of them made in the middle of an iteration."""
    created = client.post(
        "/api/sessions", json={"dataset": "circle", "hidden_layers": [4, 3], "optimizer": "adam", "seed": 9}
    )
    sid = created.json()["id"]
    client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 12})
    client.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.1, "batch_size": 5, "regularization": "l1"})
    client.post(f"/api/sessions/{sid}/step", json={"unit": "phase", "count": 3})
    client.patch(f"/api/sessions/{sid}", json={"regularization_rate": 0.003, "optimizer": "momentum"})
    client.post(f"/api/sessions/{sid}/step", json={"unit": "epoch", "count": 1})
    with open_socket(client, sid) as ws:
        settle(ws)
        ws.send_text(json.dumps({"type": "add_point", "x": [1.5, -2.0], "label": 1}))
        receive_until(ws, "state")
        ws.send_text(json.dumps({"type": "remove_point", "index": 2}))
        assert len(receive_until(ws, "state")["data"]["points"]) == 500
    state = client.get(f"/api/sessions/{sid}").json()
    assert state["step"] > 12
    return state  # type: ignore[no-any-return]


def _refusal(client: TestClient, link: str) -> str:
    answer = client.post("/api/sessions/from-link", json={"link": link})
    assert answer.status_code == 422, answer.text
    (detail,) = answer.json()["detail"]
    assert detail["loc"] == ["body", "link"]
    return str(detail["msg"])


def test_a_link_opens_the_same_run(client: TestClient) -> None:
    original = _trained(client)
    sid = original["id"]
    got = client.get(f"/api/sessions/{sid}/link", params={"hide": "tabs,settings"})
    assert got.status_code == 200, got.text
    link = got.json()
    assert link["weights_included"] is True and link["bytes"] == len(link["url"].encode())
    assert link["url"].startswith("http://testserver/#run=1.") and link["url"].endswith("&hide=settings,tabs")
    opened = client.post("/api/sessions/from-link", json={"link": link["url"]})
    assert opened.status_code == 201, opened.text
    state = opened.json()
    assert state["id"] != sid and state["step"] == 0
    assert state["weights"] == original["weights"] and state["biases"] == original["biases"]
    for name in (*LIVE, "seed", "hidden_layers", "dataset", "selected"):
        assert state["config"][name] == original["config"][name], name
    assert state["data"] == original["data"]  # the points added and removed by hand included
    # the fragment alone opens it too, and the original is untouched
    again = client.post("/api/sessions/from-link", json={"link": link["url"].split("#", 1)[1]})
    assert again.status_code == 201 and again.json()["weights"] == original["weights"]
    assert client.get(f"/api/sessions/{sid}").json()["weights"] == original["weights"]


def test_a_large_network_links_without_its_weights(client: TestClient) -> None:
    sid = client.post("/api/sessions", json={"hidden_layers": [16] * 6, "seed": 4}).json()["id"]
    client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 2})
    link = client.get(f"/api/sessions/{sid}/link").json()
    assert link["weights_included"] is False and "weights were left out" in link["message"]
    assert link["bytes"] <= SHARE.link_max_bytes
    opened = client.post("/api/sessions/from-link", json={"link": link["url"]}).json()
    client.post(f"/api/sessions/{sid}/reset", json={})
    assert opened["weights"] == client.get(f"/api/sessions/{sid}").json()["weights"]  # the seed's start


def test_bad_links_are_422s_naming_link(client: TestClient) -> None:
    sid = client.post("/api/sessions", json={"hidden_layers": [3]}).json()["id"]
    client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 3})
    url = client.get(f"/api/sessions/{sid}/link").json()["url"]
    head, settings, weights = url.split(".")[-3:]
    assert "truncated" in _refusal(client, url[:-7]) or "damaged" in _refusal(client, url[:-7])
    assert "settings are" in _refusal(client, f"{head}.{settings[:-5]}.{weights}")
    flipped = weights[:10] + ("A" if weights[10] != "A" else "B") + weights[11:]
    assert "weights are damaged" in _refusal(client, f"{head}.{settings}.{flipped}")
    assert "version 7" in _refusal(client, url.replace("#run=1.", "#run=7."))
    assert "no run=" in _refusal(client, "http://testserver/#view=loss")
    too_long = client.post("/api/sessions/from-link", json={"link": "x" * (SHARE.link_max_bytes + 1)})
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["loc"] == ["body", "link"]
    assert str(SHARE.link_max_bytes) in too_long.json()["detail"][0]["msg"]
    # well-formed links whose settings the server refuses
    bad_rate = payload({"learning_rate": 99.0}, None, 0)
    assert "learning_rate" in _refusal(client, f"run={bad_rate}")
    wrong_size = payload({"hidden_layers": [3]}, np.zeros(5), 0)
    assert "the link holds 5 parameters, its network has 13" in _refusal(client, f"run={wrong_size}")
    big = payload({"hidden_layers": [2]}, np.full(9, 1e9), 0)
    assert "weights" in _refusal(client, f"run={big}")
    # nothing else changed
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 3


def test_link_refusals(client: TestClient) -> None:
    sid = client.post("/api/sessions", json={}).json()["id"]
    bad = client.get(f"/api/sessions/{sid}/link", params={"hide": "tabs,menus"})
    assert bad.status_code == 422
    (detail,) = bad.json()["detail"]
    assert detail["loc"] == ["query", "hide"] and "'menus'" in detail["msg"] and "settings" in detail["msg"]
    assert client.get("/api/sessions/nope/link").status_code == 404
    assert client.post("/api/sessions/from-link", json={"link": ""}).status_code == 422
    meta = client.get("/api/meta").json()
    assert meta["share"]["link_max_bytes"] == SHARE.link_max_bytes
    assert meta["share"]["link_hide"] == list(SHARE.link_hide)
