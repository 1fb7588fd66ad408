"""The exported NumPy script replays the run and ends with the session's weights: for random configurations
and random operations (live changes mid-iteration, edits, points, seeks, branches), the script run in a
subprocess prints, as its last line, the session's step, weights and biases (equal: the same operations in
the same order give the same float64s) and its training loss."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.export.runs import Driver, play, random_config


def run_script(text: str, tmp_path: Path, *args: str) -> str:
    """Run the script with Python in a clean subprocess; its standard output."""
    path = tmp_path / "run.py"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-I", str(path), *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def assert_reproduces(client: TestClient, sid: str, tmp_path: Path) -> dict[str, Any]:
    """The script's --json line equals the session's state; the script's text."""
    state = client.get(f"/api/sessions/{sid}").json()
    response = client.get(f"/api/sessions/{sid}/export/script")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/x-python")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    result: dict[str, Any] = json.loads(
        run_script(response.text, tmp_path, "--json").strip().splitlines()[-1]
    )
    assert set(result) == {"step", "weights", "biases", "train_loss"}
    assert result["step"] == state["step"]
    for got, want in zip(
        result["weights"] + result["biases"], state["weights"] + state["biases"], strict=True
    ):
        np.testing.assert_allclose(np.array(got), np.array(want), rtol=0, atol=1e-12)
    assert result["weights"] == state["weights"] and result["biases"] == state["biases"]  # bit for bit
    loss = state["metrics"]["train_loss"]
    assert result["train_loss"] == pytest.approx(loss, rel=1e-12, abs=1e-15)
    return result


@pytest.mark.parametrize("seed", range(8))
def test_the_script_reproduces_a_random_run(client: TestClient, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    config = random_config(rng)
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 201, (config, response.text)
    driver = play(Driver(client, response.json()["id"]), rng, config, operations=6)
    assert_reproduces(client, driver.sid, tmp_path)


def test_a_fresh_session_and_one_in_the_past(client: TestClient, tmp_path: Path) -> None:
    driver = Driver(client, client.post("/api/sessions", json={"optimizer": "adam"}).json()["id"])
    assert assert_reproduces(client, driver.sid, tmp_path)["step"] == 0
    driver.rest("POST", "/step", {"unit": "iteration", "count": 40})
    driver.rest("PATCH", "", {"learning_rate": 0.3})
    driver.rest("POST", "/step", {"unit": "iteration", "count": 40})
    driver.rest("POST", "/seek", {"step": 25})  # before the change: the script stops there
    assert assert_reproduces(client, driver.sid, tmp_path)["step"] == 25
    driver.rest("POST", "/seek", {"step": 60})
    assert assert_reproduces(client, driver.sid, tmp_path)["step"] == 60


def test_without_the_json_flag_it_reports_its_distance_from_the_lab(
    client: TestClient, tmp_path: Path
) -> None:
    driver = Driver(client, client.post("/api/sessions", json={"dropout": [0.5, 0.0]}).json()["id"])
    driver.rest("POST", "/step", {"unit": "epoch", "count": 2})
    out = run_script(client.get(f"/api/sessions/{driver.sid}/export/script").text, tmp_path)
    assert "largest difference from the lab's weights and biases: 0.0" in out


def test_an_unknown_session_is_404(client: TestClient) -> None:
    assert client.get("/api/sessions/nope/export/script").status_code == 404
    assert client.get("/api/sessions/nope/export/notebook").status_code == 404


def test_a_run_whose_oldest_steps_are_gone_starts_from_its_oldest_state(tmp_path: Path) -> None:
    from app.config import Settings
    from app.main import create_app

    settings = Settings(allowed_hosts=("testserver",), timeline_max_events=3)
    with TestClient(create_app(settings)) as client:
        config = {"optimizer": "adam", "batch_size": 7}
        driver = Driver(client, client.post("/api/sessions", json=config).json()["id"])
        for rate in (0.01, 0.02, 0.03, 0.04, 0.05):
            driver.rest("POST", "/step", {"unit": "iteration", "count": 9})
            driver.rest("PATCH", "", {"learning_rate": rate})
        driver.rest("POST", "/step", {"unit": "iteration", "count": 9})
        first = client.get(f"/api/sessions/{driver.sid}/timeline").json()["first"]
        assert first > 0
        text = client.get(f"/api/sessions/{driver.sid}/export/script").text
        assert f"state at step {first}" in text
        assert assert_reproduces(client, driver.sid, tmp_path)["step"] == 54


def test_a_session_restored_after_a_restart_exports_the_same_script(tmp_path: Path) -> None:
    from app.config import Settings
    from app.main import create_app
    from app.sessions import persist

    settings = Settings(allowed_hosts=("testserver",))
    first = create_app(settings)
    with TestClient(first) as client:
        rng = random.Random(99)
        config = random_config(rng)
        driver = play(Driver(client, client.post("/api/sessions", json=config).json()["id"]), rng, config, 5)
        before = client.get(f"/api/sessions/{driver.sid}/export/script").text
        persist.save(first.state.hub.store, tmp_path / "sessions.json")
    second = create_app(settings)
    with TestClient(second) as client:
        assert persist.load(second.state.hub.store, tmp_path / "sessions.json") >= 1
        after = client.get(f"/api/sessions/{driver.sid}/export/script").text
        assert after == before
        assert_reproduces(client, driver.sid, tmp_path)
