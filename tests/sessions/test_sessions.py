"""Sessions and their store: unguessable ids, the cap, idle eviction, the loss-curve history."""

from __future__ import annotations

import itertools
import string
import time
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from app.config import Settings
from app.main import create_app
from app.sessions.labs import build_lab
from app.sessions.session import Session, SessionLimit, SessionStore, UnknownSession
from tests.support.helpers import connect_headers

LAB = build_lab({"points": 20})


def point(step: int) -> dict[str, float | int | None]:
    """A loss-curve point at `step`."""
    return {"step": step, "epoch": 0, "train_loss": 1.0 / (step + 1), "test_loss": None,
            "train_accuracy": None, "test_accuracy": None}  # fmt: skip


def test_ids_are_128_bit_urlsafe_and_the_cap_holds() -> None:
    store = SessionStore(Settings(max_sessions=3))
    ids = [store.add(LAB).id for _ in range(3)]
    assert len(set(ids)) == 3
    alphabet = set(string.ascii_letters + string.digits + "-_")
    assert all(len(i) == 22 and set(i) <= alphabet for i in ids)
    with pytest.raises(SessionLimit, match="maximum of 3 sessions"):
        store.add(LAB)
    store.remove(ids[0])
    store.add(LAB)
    with pytest.raises(UnknownSession, match="no session 'nope'"):
        store.get("nope")


class Tab:
    """An open socket as the session sees it (an Outlet) that takes everything."""

    frame_pending = False

    def send_text(self, text: str) -> None:
        """Take a text message."""

    def send_frame(self, frame: bytes) -> None:
        """Take a frame."""

    def close(self, code: int, reason: str = "") -> None:
        """Take a close."""


@given(st.integers(1, 400), st.integers(4, 50))
def test_history_is_thinned_evenly_and_keeps_the_newest(n: int, cap: int) -> None:
    session = Session("s", LAB, cap, 60.0)
    session.connections.add(Tab())
    for step in range(n):
        session.add_point(point(step))
    stored = session.history.steps.tolist()
    assert len(stored) <= cap and stored[0] == 0
    assert len({b - a for a, b in itertools.pairwise(stored)}) <= 1  # evenly spaced
    curve = [p["step"] for p in session.curve()]
    assert curve[-1] == n - 1 and curve == sorted(set(curve))  # the newest point is always there
    assert [p["step"] for p in session.take_unsent_points()] == list(range(max(0, n - cap), n))


def test_points_wait_for_a_frame_only_while_a_socket_is_open() -> None:
    session = Session("s", LAB, 50, 60.0)
    for step in range(30):
        session.add_point(point(step))
    assert session.take_unsent_points() == []  # a socket that opens gets the whole curve in its state
    assert [p["step"] for p in session.curve()] == list(range(30))


def test_idle_sessions_are_evicted_but_not_while_a_socket_is_open(settings: Settings) -> None:
    quick = replace(settings, session_idle_seconds=0.3, eviction_interval_seconds=0.1)
    app = create_app(quick)
    with TestClient(app) as client:
        idle = client.post("/api/sessions", json={"points": 20}).json()["id"]
        watched = client.post("/api/sessions", json={"points": 20}).json()["id"]
        with client.websocket_connect(f"/ws/sessions/{watched}", headers=connect_headers()) as ws:
            assert ws.receive()["text"]
            deadline = time.monotonic() + 20  # bounded wait (no request in between: a request is a use)
            while idle in app.state.hub.store and time.monotonic() < deadline:
                time.sleep(0.05)
            assert client.get(f"/api/sessions/{idle}").status_code == 404
            assert client.get(f"/api/sessions/{watched}").status_code == 200


def test_a_session_is_not_evicted_while_its_own_step_runs(settings: Settings) -> None:
    # the step runs until max_step_seconds, several idle times long, whatever the machine's speed; the idle
    # time leaves the reply (and a loaded machine) a second after the step to come back before eviction
    quick = replace(settings, session_idle_seconds=1.0, eviction_interval_seconds=0.05, max_step_seconds=3.0)
    app = create_app(quick)
    big = {"hidden_layers": [16] * 6, "points": 2000, "batch_size": 1}
    with TestClient(app) as client:
        sid = client.post("/api/sessions", json=big).json()["id"]
        started = time.monotonic()
        count = quick.max_step_count
        stepped = client.post(f"/api/sessions/{sid}/step", json={"unit": "epoch", "count": count})
        took = time.monotonic() - started
        assert stepped.status_code == 200, stepped.text
        assert stepped.json()["stopped"] == "time_limit"
        assert took > 2 * quick.session_idle_seconds  # the step outlasted the idle time (not a speed check)
        assert client.get(f"/api/sessions/{sid}").status_code == 200
