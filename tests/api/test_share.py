"""Share links through the API: GET /api/sessions/{id}/link → opening it (POST /api/sessions/from-link)
recreates the session with the same settings and exactly the same weights; a link that is cut short,
changed, of another version or over the limits is a 422 naming `link`, never a 500."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from fastapi.testclient import TestClient

from app.config import LIMITS
from tests.export.runs import Driver


def _open(client: TestClient, text: str) -> dict[str, object]:
    response = client.post("/api/sessions/from-link", json={"link": text})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_link_recreates_the_run_with_its_exact_weights(client: TestClient) -> None:
    config = {"optimizer": "adam", "hidden_layers": [5, 3], "activation": "relu", "dropout": [0.2, 0.0]}
    driver = Driver(client, client.post("/api/sessions", json=config).json()["id"])
    driver.rest("POST", "/step", {"unit": "iteration", "count": 30})
    driver.rest("PATCH", "", {"learning_rate": 0.07, "batch_size": 4})
    driver.send({"type": "add_point", "x": [1.0, 2.0], "label": 1})
    driver.rest("POST", "/step", {"unit": "iteration", "count": 11})
    state = driver.state()
    reply = client.get(f"/api/sessions/{driver.sid}/link", params={"hide": "settings,formulas"}).json()
    assert reply["weights_included"] is True and reply["message"] is None and reply["step"] == 41
    assert reply["url"].startswith("http://testserver/#run=") and reply["url"].endswith(
        "&hide=settings,formulas"
    )
    assert reply["chars"] == len(reply["url"]) <= LIMITS.link_max_chars
    opened = _open(client, reply["url"])
    assert opened["weights"] == state["weights"] and opened["biases"] == state["biases"]
    mine, theirs = dict(opened["config"]), dict(state["config"])  # type: ignore[call-overload]
    for key in ("weights", "biases"):
        mine.pop(key), theirs.pop(key)
    assert mine == theirs  # live changes and the added point included
    assert opened["id"] != state["id"] and opened["step"] == 0


def test_a_run_too_large_for_a_link_keeps_its_settings_and_says_so(client: TestClient) -> None:
    big = {"hidden_layers": [16] * 6, "features": ["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"]}
    sid = client.post("/api/sessions", json=big).json()["id"]
    reply = client.get(f"/api/sessions/{sid}/link").json()
    assert reply["weights_included"] is False and "over 8192" in reply["message"]
    opened = _open(client, reply["url"])
    assert opened["config"]["hidden_layers"] == [16] * 6  # type: ignore[index]
    original = client.get(f"/api/sessions/{sid}").json()
    assert opened["weights"] == original["weights"]  # step 0: the same seed, the same initialisation


def _payload(body: object) -> str:
    data = zlib.compress(json.dumps(body).encode())
    return "run=" + base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://x/#nothing", "holds no run"),
        ("run=abc", "cannot be read"),
        ("run=" + "A" * 50, "cannot be read"),
        (_payload({"v": 2, "config": {}, "step": 0}), "version 2"),
        (_payload({"v": 1, "config": {"learning_rate": 99}, "step": 0}), "learning_rate"),
        (_payload({"v": 1, "config": {}, "step": 0, "theta": [[2, 2, "AAAA"]]}), "weights are malformed"),
        (_payload({"v": 1, "config": {}, "step": -1}), "malformed"),
        (
            "run=" + base64.urlsafe_b64encode(zlib.compress(b"0" * (LIMITS.link_max_expanded + 10))).decode(),
            "limit",
        ),
        (_payload({"v": 1, "config": {}, "step": 0}) + "&hide=everything", "hide=everything"),
    ],
)
def test_a_bad_link_is_refused_naming_link(client: TestClient, text: str, expected: str) -> None:
    response = client.post("/api/sessions/from-link", json={"link": text})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == "link" and expected in detail["msg"]


def test_a_link_cut_short_is_refused(client: TestClient) -> None:
    sid = client.post("/api/sessions", json={}).json()["id"]
    url = client.get(f"/api/sessions/{sid}/link").json()["url"]
    for cut in (len(url) - 1, len(url) - 10, len(url) // 2):
        response = client.post("/api/sessions/from-link", json={"link": url[:cut]})
        assert response.status_code == 422 and "link" in response.text
    assert client.get(f"/api/sessions/{sid}/link", params={"hide": "x"}).status_code == 422
    assert client.post("/api/sessions/from-link", json={"link": "x" * 20_000}).status_code == 422
