"""A timeline keeps within its bounds (Settings.timeline_*): past max_keyframes the regular keyframes are
thinned (seeks stay exact), past max_events or max_bytes the oldest part of the run goes and `first` moves
on; a seek before `first` is refused naming `step`."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.timeline.timeline import MIN_REGULAR, Timeline
from tests.support.helpers import new_session
from tests.timeline.test_replay import parameters, seek, state, step

SMALL: dict[str, int] = {
    # a keyframe every 10 iterations of the default network (25 parameters, batch 10)
    "timeline_keyframe_work": 2500,
    "timeline_max_keyframes": 20,
    "timeline_max_events": 6,
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The tests' settings with small timeline bounds."""
    return dataclasses.replace(
        settings,
        timeline_keyframe_work=SMALL["timeline_keyframe_work"],
        timeline_max_keyframes=SMALL["timeline_max_keyframes"],
        timeline_max_events=SMALL["timeline_max_events"],
    )


def timeline_of(app: FastAPI, sid: str) -> Timeline:
    """The session's timeline, as the server holds it."""
    timeline: Timeline = app.state.hub.store.get(sid).timeline
    return timeline


def regular(timeline: Timeline) -> int:
    """Regular (thinnable) keyframes."""
    return sum(1 for f in timeline.frames if not f.event)


def test_a_long_run_keeps_its_keyframes_within_bounds_and_seeks_stay_exact(
    client: TestClient, app: FastAPI
) -> None:
    sid = new_session(client)
    twin = new_session(client)
    counts = []
    for _ in range(12):
        step(client, sid, "iteration", 250)
        timeline = timeline_of(app, sid)
        counts.append(len(timeline.frames))
        assert regular(timeline) <= max(SMALL["timeline_max_keyframes"], MIN_REGULAR) + 1
    timeline = timeline_of(app, sid)
    assert timeline.first == 0 and timeline.latest == 3000
    assert timeline.spacing > 10  # thinned: the spacing doubled
    assert max(counts) <= SMALL["timeline_max_keyframes"] + 2
    reference = {
        at: parameters(step(client, twin, "iteration", at - done)["state"])
        for at, done in ((1234, 0), (2999, 1234))
    }
    for at, expected in reference.items():
        assert parameters(seek(client, sid, at)) == expected


def change(client: TestClient, sid: str, rate: float) -> None:
    response = client.patch(f"/api/sessions/{sid}", json={"learning_rate": rate})
    assert response.status_code == 200, response.text


def test_past_max_events_the_oldest_part_goes_and_first_moves_on(client: TestClient, app: FastAPI) -> None:
    sid = new_session(client)
    twin = new_session(client)
    for i in range(10):
        for run in (sid, twin):
            step(client, run, "iteration", 20)
            change(client, run, 0.01 if i % 2 else 0.03 + 0.01 * i)
    timeline = timeline_of(app, sid)
    assert sum(1 for f in timeline.frames if f.event) <= SMALL["timeline_max_events"]
    body: dict[str, Any] = client.get(f"/api/sessions/{sid}/timeline").json()
    first = body["first"]
    assert first > 0 and body["latest"] == 200
    assert all(m["step"] >= first for m in body["marks"])
    response = client.post(f"/api/sessions/{sid}/seek", json={"step": first - 1})
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "step"] and f"{first}..200" in error["msg"]
    assert state(client, sid)["step"] == 200  # nothing moved
    assert parameters(seek(client, sid, first)) != parameters(state(client, twin))
    # what is still reachable is exact: the twin never sought
    step(client, sid, "iteration", 200 - first)
    assert parameters(state(client, sid)) == parameters(state(client, twin))


@pytest.mark.parametrize(
    ("limit", "start_kept"),
    [(200_000, True), (60_000, False)],  # the data set is about 40 kB, a keyframe about 4 kB
)
def test_past_max_bytes_the_timeline_stays_within_its_bytes(
    settings: Settings, limit: int, start_kept: bool
) -> None:
    """Thinning comes first; when MIN_REGULAR keyframes are still too many bytes, the run's start goes."""
    small = dataclasses.replace(settings, timeline_max_bytes=limit, timeline_keyframe_work=250)
    app = create_app(small)
    with TestClient(app) as client:
        sid = new_session(client)
        sizes = []
        for _ in range(8):
            step(client, sid, "iteration", 250)
            sizes.append(timeline_of(app, sid).nbytes)
        assert max(sizes) <= limit, sizes
        timeline = timeline_of(app, sid)
        assert timeline.latest == 2000 and len(timeline.frames) >= 2
        first = timeline.first
        assert (first == 0) is start_kept, first
        assert client.post(f"/api/sessions/{sid}/seek", json={"step": first}).status_code == 200
        if first > 0:
            response = client.post(f"/api/sessions/{sid}/seek", json={"step": first - 1})
            assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "step"]
