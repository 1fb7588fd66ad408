"""Sessions kept across a restart: written on shutdown, read back under the same ids on start."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.support.helpers import new_session

KEPT = ("id", "config", "step", "epoch", "cursor", "weights", "biases", "metrics", "history", "changes")
KEPT_TOO = ("data", "playing")


def state(client: TestClient, sid: str) -> dict[str, Any]:
    response = client.get(f"/api/sessions/{sid}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_restart_keeps_every_session_as_it_was(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "kept" / "sessions.json"
    settings = dataclasses.replace(settings, state_file=str(path))
    with TestClient(create_app(settings)) as client:
        one = new_session(client, hidden_layers=[3], optimizer="adam", seed=5)
        client.post(f"/api/sessions/{one}/step", json={"unit": "iteration", "count": 12})
        client.patch(f"/api/sessions/{one}", json={"learning_rate": 0.1})
        client.post(f"/api/sessions/{one}/step", json={"unit": "phase", "count": 3})  # mid-iteration
        two = new_session(client, dataset="xor", output_activation="sigmoid", loss="bce")
        client.post(f"/api/sessions/{two}/step", json={"unit": "epoch", "count": 2})
        before = {sid: state(client, sid) for sid in (one, two)}
    assert path.exists()

    with TestClient(create_app(settings)) as client:
        assert not path.exists()  # read once: a later crash does not bring back stale sessions
        for sid, old in before.items():
            new = state(client, sid)
            for key in KEPT + KEPT_TOO:
                if key == "cursor" and sid == one:  # the iteration in progress starts over
                    assert new[key] == {**old[key], "phase": "forward", "layer": 1}
                else:
                    assert new[key] == old[key], key
        stepped = client.post(f"/api/sessions/{one}/step", json={"unit": "iteration", "count": 1}).json()
        assert stepped["state"]["step"] == before[one]["step"] + 1
        assert stepped["records"][0]["phase"] == "forward"


def test_without_a_state_file_nothing_is_kept(settings: Settings, tmp_path: Path) -> None:
    assert settings.state_file == ""
    with TestClient(create_app(settings)) as client:
        sid = new_session(client)
    with TestClient(create_app(settings)) as client:
        assert client.get(f"/api/sessions/{sid}").status_code == 404


@pytest.mark.parametrize("text", ["{not json", json.dumps({"format": "something else", "sessions": []})])
def test_an_unreadable_file_is_kept_aside_and_the_server_starts(
    settings: Settings, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "sessions.json"
    path.write_text(text)
    settings = dataclasses.replace(settings, state_file=str(path))
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/meta").status_code == 200
        assert not path.exists()
        assert (tmp_path / "sessions.json.unreadable").read_text() == text


def test_a_damaged_session_is_skipped_and_the_others_restored(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    settings = dataclasses.replace(settings, state_file=str(path))
    with TestClient(create_app(settings)) as client:
        good, bad, foreign = (new_session(client, seed=s) for s in (1, 2, 3))
    saved = json.loads(path.read_text())
    by_id = {s["id"]: s for s in saved["sessions"]}
    by_id[bad]["lab"]["theta"]["shape"] = [3, 7]
    by_id[foreign]["id"] = "../../not-an-id"
    path.write_text(json.dumps(saved))
    with TestClient(create_app(settings)) as client:
        assert client.get(f"/api/sessions/{good}").status_code == 200
        assert client.get(f"/api/sessions/{bad}").status_code == 404
        assert client.get(f"/api/sessions/{foreign}").status_code == 404


def test_restoring_stops_at_the_session_cap(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    with TestClient(create_app(dataclasses.replace(settings, state_file=str(path)))) as client:
        ids = [new_session(client, seed=s) for s in range(3)]
    smaller = dataclasses.replace(settings, state_file=str(path), max_sessions=2)
    with TestClient(create_app(smaller)) as client:
        found = [client.get(f"/api/sessions/{sid}").status_code for sid in ids]
    assert sorted(found) == [200, 200, 404]
