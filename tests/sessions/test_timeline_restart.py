"""A run's timeline survives a clean restart with its session: the same marks and branches, and every
recorded step reached again with the same weights; a bad or partial timeline in the state file is refused
and its session kept, with a fresh timeline from its current step."""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.sessions import persist
from app.sessions.labs import build_lab
from app.sessions.session import SessionStore
from app.timeline.timeline import Timeline
from tests.support.helpers import new_session
from tests.support.live_server import LiveServer

SEEKS = (0, 7, 20, 21, 33, 50, 64)
WAIT = 30.0


def make_run(http: Any, sid: str) -> str:
    """Train with live changes and a parameter edit, branch at step 20 (`http`: a TestClient or an
    httpx.Client); the branch's id."""
    post, patch = http.post, http.patch
    post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 20})
    patch(f"/api/sessions/{sid}", json={"learning_rate": 0.1, "optimizer": "adam"})
    post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 13})
    state = post(f"/api/sessions/{sid}/step", json={"unit": "phase", "count": 2}).json()["state"]
    weights = copy.deepcopy(state["weights"])
    weights[0][0][0] = 0.5
    parameters = {"weights": weights, "biases": state["biases"]}
    response = http.put(f"/api/sessions/{sid}/parameters", json=parameters)
    assert response.status_code == 200, response.text
    patch(f"/api/sessions/{sid}", json={"batch_size": 3})
    post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 31})
    branch = post(f"/api/sessions/{sid}/branch", json={"step": 20, "changes": {"learning_rate": 0.003}})
    assert branch.status_code == 201, branch.text
    return str(branch.json()["id"])


def seen(http: Any, sid: str, end: int) -> dict[str, Any]:
    """The timeline, and the weights, biases and settings at SEEKS up to `end`; the session left at `end`."""
    post, get = http.post, http.get
    out: dict[str, Any] = {}
    for step in (s for s in SEEKS if s <= end):
        state = post(f"/api/sessions/{sid}/seek", json={"step": step})
        assert state.status_code == 200, state.text
        out[f"at {step}"] = [state.json()[key] for key in ("step", "weights", "biases", "config")]
    post(f"/api/sessions/{sid}/seek", json={"step": end})
    out["timeline"] = get(f"/api/sessions/{sid}/timeline").json()
    return out


def test_a_restart_keeps_the_timeline_and_every_recorded_step(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    settings = dataclasses.replace(settings, state_file=str(path))
    with TestClient(create_app(settings)) as client:
        sid = new_session(client, points=60, seed=3)
        child = make_run(client, sid)
        before = seen(client, sid, 64)
        client.post(f"/api/sessions/{sid}/seek", json={"step": 40})  # left in the past
        before["timeline"]["step"] = 40
        child_before = client.get(f"/api/sessions/{child}/timeline").json()
    saved = json.loads(path.read_text())
    assert saved["format"] == "backprop-lab sessions 3"
    assert all(isinstance(s["timeline"]["theta"], str) for s in saved["sessions"])  # columnar
    with TestClient(create_app(settings)) as client:
        assert client.get(f"/api/sessions/{child}/timeline").json() == child_before
        assert child_before["parent"] == {"id": sid, "step": 20}
        assert client.get(f"/api/sessions/{sid}").json()["parent"] is None
        assert client.get(f"/api/sessions/{sid}/timeline").json()["step"] == 40
        after = seen(client, sid, 64)
        after["timeline"]["step"] = 40
        assert after == before
        assert before["timeline"]["latest"] == 64 and before["timeline"]["branches"][0]["id"] == child
        kinds = {mark["kind"] for mark in before["timeline"]["marks"]}
        assert {"start", "change", "edit", "branch"} <= kinds


def test_stepping_on_after_a_restart_replays_the_recorded_run(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    settings = dataclasses.replace(settings, state_file=str(path))
    with TestClient(create_app(settings)) as client:
        sid = new_session(client, points=60, seed=4)
        make_run(client, sid)
        latest = client.post(f"/api/sessions/{sid}/seek", json={"step": 64}).json()
        client.post(f"/api/sessions/{sid}/seek", json={"step": 10})
    with TestClient(create_app(settings)) as client:
        replayed = client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 54}).json()
        assert replayed["state"]["step"] == 64
        assert replayed["state"]["weights"] == latest["weights"]
        assert replayed["state"]["config"] == latest["config"]


def saved_session(settings: Settings, path: Path) -> dict[str, Any]:
    """The state file after a run with changes (parsed)."""
    with TestClient(create_app(dataclasses.replace(settings, state_file=str(path)))) as client:
        sid = new_session(client, points=60, seed=5)
        client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 12})
        client.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.2, "optimizer": "momentum"})
        client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": 12})
    return dict(json.loads(path.read_text()))


def nan_in_theta(timeline: dict[str, Any]) -> None:
    timeline["theta"] = timeline["theta"][:-12] + "AAAAAAD4fw=="  # the last value's bytes: NaN


def keep_steps_alone(timeline: dict[str, Any]) -> None:
    for name in [n for n in timeline if n != "steps"]:
        del timeline[name]


def zeros_like(blob: str) -> str:
    """A base64 blob of as many zero bytes as `blob` holds: valid, but not the run's parameters."""
    return base64.b64encode(bytes(len(base64.b64decode(blob)))).decode()


# Each breaks one part of a saved timeline; the log must name it.
BAD: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "truncated theta": (lambda t: t.update(theta=t["theta"][:16]), "theta"),
    "NaN in theta": (nan_in_theta, "NaN"),
    "truncated slot": (lambda t: t["slots"].update(velocity=t["slots"]["velocity"][:8]), "slots.velocity"),
    "steps decreasing": (lambda t: t["steps"].reverse(), "steps"),
    "lengths mismatched": (lambda t: t["t"].append(0), "t"),
    "unknown config index": (lambda t: t["config"].__setitem__(0, 7), "config"),
    "NaN in a mark": (lambda t: t["marks"][0].update(seed=float("nan")), "nan"),
    "unknown mark kind": (lambda t: t["marks"][0].update(kind="party"), "kind"),
    "column missing": (lambda t: t.pop("orders"), "orders"),
    "unknown column": (lambda t: t.update(extra=[]), "extra"),
    "partial: the steps alone": (keep_steps_alone, "Field required"),
    "another run's parameters": (lambda t: t.update(theta=zeros_like(t["theta"])), "theta"),
    "the session's step before the first": (lambda t: t["steps"].__setitem__(0, 10**6), "steps"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_timeline_is_refused_and_its_session_kept(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    path = tmp_path / "sessions.json"
    saved = saved_session(settings, path)
    entry = saved["sessions"][0]
    breaks, named = BAD[name]
    breaks(entry["timeline"])
    path.write_text(json.dumps(saved))  # NaN written as JSON's NaN token
    caplog.set_level(logging.WARNING, logger="backprop.persist")
    with TestClient(create_app(dataclasses.replace(settings, state_file=str(path)))) as client:
        state = client.get(f"/api/sessions/{entry['id']}")
        assert state.status_code == 200
        assert state.json()["step"] == 24 and state.json()["config"]["optimizer"] == "momentum"
        timeline = client.get(f"/api/sessions/{entry['id']}/timeline").json()
        assert (timeline["first"], timeline["latest"]) == (24, 24)
        assert [m["kind"] for m in timeline["marks"]] == ["start"]
        stepped = client.post(f"/api/sessions/{entry['id']}/step", json={"unit": "iteration", "count": 3})
        assert stepped.json()["state"]["step"] == 27
        assert client.post(f"/api/sessions/{entry['id']}/seek", json={"step": 24}).status_code == 200
    refused = [r.getMessage() for r in caplog.records if "timeline is refused" in r.getMessage()]
    assert len(refused) == 1 and named in refused[0], refused
    assert not any("not restored" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("older", ["backprop-lab sessions 2", "backprop-lab sessions 1"])
def test_a_session_of_an_older_file_gets_a_fresh_timeline(
    settings: Settings, tmp_path: Path, older: str
) -> None:
    path = tmp_path / "sessions.json"
    saved = saved_session(settings, path)
    entry = saved["sessions"][0]
    del entry["timeline"]
    if older.endswith("1"):  # the first format: the loss curve one object per point
        names, columns = list(entry["history"]), entry["history"].values()
        entry["history"] = [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
    path.write_text(json.dumps({"format": older, "sessions": [entry]}))
    with TestClient(create_app(dataclasses.replace(settings, state_file=str(path)))) as client:
        timeline = client.get(f"/api/sessions/{entry['id']}/timeline").json()
        assert (timeline["first"], timeline["latest"], timeline["parent"]) == (24, 24, None)
        assert client.post(f"/api/sessions/{entry['id']}/seek", json={"step": 23}).status_code == 422


def test_a_real_server_restart_keeps_the_timelines(
    live_server_factory: Callable[..., LiveServer], tmp_path: Path
) -> None:
    state_file = str(tmp_path / "sessions.json")
    server = live_server_factory(state_file=state_file)
    with httpx.Client(base_url=server.url, timeout=WAIT) as http:
        sid = http.post("/api/sessions", json={"points": 60, "seed": 6}).json()["id"]
        child = make_run(http, sid)
        before = seen(http, sid, 64)
        child_before = seen(http, child, 20)
    server.stop()  # SIGTERM: a clean shutdown that writes the state file
    assert any("2 session(s) kept" in line for line in server.log), server.log
    again = live_server_factory(state_file=state_file)
    with httpx.Client(base_url=again.url, timeout=WAIT) as http:
        assert seen(http, sid, 64) == before
        assert http.get(f"/api/sessions/{child}/timeline").json() == child_before["timeline"]
    assert not any("refused" in line for line in again.log), again.log


def test_a_timeline_that_cannot_be_written_leaves_its_session_kept(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "sessions.json"
    store = SessionStore(settings)
    session = store.add(build_lab({"points": 40}))
    session.lab.train(5)
    session.timeline = Timeline(session.timeline.bounds)  # no keyframe: nothing to write
    assert persist.save(store, path) == 1
    assert any("its timeline is not kept" in r.getMessage() for r in caplog.records)
    again = SessionStore(settings)
    assert persist.load(again, path) == 1
    restored = again.get(session.id)
    assert (restored.step, restored.timeline.first, restored.timeline.latest) == (5, 5, 5)
