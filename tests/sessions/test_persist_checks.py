"""A state file is read back like requests: bad sessions are skipped with the reason and the rest restored,
a file or a folder that cannot be used is said so, sessions beyond the cap are counted, and the last
training before a shutdown has its point on the curve."""

from __future__ import annotations

import asyncio
import base64
import copy
import dataclasses
import json
import logging
import secrets
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.live.hub import Hub
from app.main import create_app
from app.sessions import persist
from app.sessions.labs import build_lab
from app.sessions.session import SessionStore
from tests.support.helpers import new_session


def saved_file(settings: Settings, path: Path, sessions: int = 1) -> dict[str, Any]:
    """The state file a server writes at shutdown after `sessions` sessions were stepped (parsed)."""
    with TestClient(create_app(dataclasses.replace(settings, state_file=str(path)))) as client:
        for _ in range(sessions):
            sid = new_session(client, points=40)
            client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 5})
    return dict(json.loads(path.read_text()))


def variant(good: dict[str, Any], change: Any) -> dict[str, Any]:
    """A copy of a saved session under a new id, changed by `change(entry)`."""
    entry = copy.deepcopy(good)
    entry["id"] = secrets.token_urlsafe(16)
    change(entry)
    return entry


def nested(depth: int) -> Any:
    """A list nested `depth` levels deep."""
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


def nan_first(encoded: str) -> str:
    """Saved parameters (base64 float64) with the first one NaN."""
    values = np.frombuffer(base64.b64decode(encoded), dtype=np.float64).copy()
    values[0] = np.nan
    return base64.b64encode(values.tobytes()).decode()


BAD: dict[str, Any] = {
    "lab null": lambda e: e.update(lab=None),
    "deep nesting": lambda e: e.update(changes=[{"step": 1, "changes": {"learning_rate": nested(400)}}]),
    "NaN in a point": lambda e: e["history"]["train_loss"].__setitem__(0, float("nan")),
    "NaN in a weight": lambda e: e["lab"]["theta"].update(bytes=nan_first(e["lab"]["theta"]["bytes"])),
    "stride 0": lambda e: e.update(stride=0),
    "steps out of order": lambda e: e["history"]["step"].reverse(),
}


def test_bad_sessions_are_skipped_with_the_reason_and_the_rest_restored(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "sessions.json"
    saved = saved_file(settings, path)
    good = saved["sessions"][0]
    assert set(good["history"]) == {
        "step",
        "epoch",
        "train_loss",
        "test_loss",
        "train_accuracy",
        "test_accuracy",
        "grad_norms",
    }
    entries = [42, "text", None, *(variant(good, change) for change in BAD.values()), good]
    path.write_text(json.dumps({**saved, "sessions": entries}))  # NaN written as JSON's NaN token
    caplog.set_level(logging.WARNING, logger="backprop.persist")
    app = create_app(dataclasses.replace(settings, state_file=str(path)))
    with TestClient(app) as client:
        assert [s.id for s in app.state.hub.store] == [good["id"]]
        state = client.get(f"/api/sessions/{good['id']}")
        assert state.status_code == 200 and state.json()["step"] == 5
        assert client.post(f"/api/sessions/{good['id']}/step", json={"unit": "iteration"}).status_code == 200
        assert client.post("/api/sessions", json={}).status_code == 201  # the server works on
    skipped = [r.getMessage() for r in caplog.records if "not restored" in r.getMessage()]
    assert len(skipped) == 3 + len(BAD)
    assert any("nested more than" in m for m in skipped) and any("nan is not a finite" in m for m in skipped)
    assert any("stride" in m for m in skipped) and any("lab" in m for m in skipped)


def test_a_file_that_is_no_state_file_is_kept_aside(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "sessions.json"
    for text in ("[1, 2]", "{", json.dumps({"format": "other", "sessions": []}), "[" * 100000):
        path.write_text(text)
        app = create_app(dataclasses.replace(settings, state_file=str(path)))
        with TestClient(app):
            assert len(app.state.hub.store) == 0
        assert (tmp_path / "sessions.json.unreadable").exists()
    assert sum("no session restored" in r.getMessage() for r in caplog.records) == 4


def test_an_unusable_state_path_is_said_at_start_and_the_lost_sessions_at_shutdown(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    path = blocker / "sessions.json"  # its folder cannot be made: as on a read-only file system
    with TestClient(create_app(dataclasses.replace(settings, state_file=str(path)))) as client:
        assert any("cannot be used" in r.getMessage() for r in caplog.records)
        new_session(client)
        new_session(client)
    assert any("2 session(s) lost" in r.getMessage() for r in caplog.records)


def test_sessions_beyond_the_cap_are_counted(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "sessions.json"
    saved_file(settings, path, sessions=3)
    app = create_app(dataclasses.replace(settings, state_file=str(path), max_sessions=2))
    with TestClient(app):
        assert len(app.state.hub.store) == 2
    assert any("1 saved session(s) not restored" in r.getMessage() for r in caplog.records)


def test_the_last_training_before_a_shutdown_has_its_point(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    hub = Hub(dataclasses.replace(settings, state_file=str(path)))
    session = hub.store.add(build_lab({"points": 40}))
    hub.record_point(session)
    session.lab.train(iterations=7)  # a tick stopped by the shutdown before it recorded its point
    asyncio.run(hub.stop())
    store = SessionStore(settings)
    assert persist.load(store, path) == 1
    restored = store.get(session.id)
    assert [p["step"] for p in restored.curve()] == [0, 7]
    assert restored.curve()[-1]["train_loss"] == pytest.approx(session.lab.metrics()["train_loss"])
