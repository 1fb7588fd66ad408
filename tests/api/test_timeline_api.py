"""Time travel over REST: ← undoes → in every phase with the same records, shift+← goes to the iteration
boundary; a branch is a new run from the parent's exact state at its step (the parent unchanged); bad
steps, units and changes are refused naming the field, with nothing lost; continuing from the past (or
changing something there) discards the later history."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.schemas import SessionState
from app.schemas.timeline import BackReply, BoundaryReply, TimelineReply
from tests.support.helpers import new_session, open_socket, play, receive_until, settle
from tests.timeline.test_replay import parameters, seek, state, step

DEEP: dict[str, Any] = {"hidden_layers": [3, 2], "points": 80}
PER = 2 * 3 + 2  # phases of an iteration of a 3-layer network
KEPT = ("weights", "biases", "cursor", "step", "epoch", "metrics", "optimizer_state", "config")


def kept(body: dict[str, Any]) -> dict[str, Any]:
    """What stepping back must give back exactly: parameters, position, metrics, optimizer state, config."""
    return {name: body[name] for name in KEPT}


def back(client: TestClient, sid: str, unit: str) -> dict[str, Any]:
    """POST .../back; the 200 body, checked against its schema."""
    response = client.post(f"/api/sessions/{sid}/back", json={"unit": unit})
    assert response.status_code == 200, response.text
    BackReply.model_validate(response.json())
    return dict(response.json())


def snapshot(client: TestClient, sid: str) -> dict[str, Any]:
    """What a rejected request must leave as it was: parameters, step, history, timeline."""
    body = state(client, sid)
    return {
        "weights": body["weights"],
        "biases": body["biases"],
        "step": body["step"],
        "cursor": body["cursor"],
        "history": body["history"],
        "timeline": client.get(f"/api/sessions/{sid}/timeline").json(),
    }


def test_back_undoes_every_phase_with_the_same_records(client: TestClient) -> None:
    sid = new_session(client, **DEEP)
    step(client, sid, "iteration", 3)
    so_far: list[Any] = step(client, sid, "iteration", 1)["records"]  # shown at an iteration boundary
    for position in range(1, 2 * PER + 1):
        before = so_far
        reply = step(client, sid, "phase", 1)
        so_far = reply["records"] if position % PER == 1 else [*so_far, *reply["records"]]
        undone = back(client, sid, "phase")
        assert undone["records"] == before, f"records shown after ← at phase {position}"
        again = step(client, sid, "phase", 1)
        assert again["records"] == reply["records"], f"→ after ← at phase {position}"
        assert kept(again["state"]) == kept(reply["state"]), f"state after ← → at phase {position}"
    assert state(client, sid)["step"] == 6


def test_shift_back_goes_to_the_previous_iteration_boundary(client: TestClient) -> None:
    sid = new_session(client, **DEEP)
    at_five = step(client, sid, "iteration", 5)["state"]
    step(client, sid, "phase", 3)
    undone = back(client, sid, "iteration")  # inside iteration 6: back to its start, step 5
    assert kept(undone["state"]) == kept(at_five)
    at_four = seek(client, sid, 4)
    seek(client, sid, 5)
    undone = back(client, sid, "iteration")  # at a boundary: the one before
    assert kept(undone["state"]) == kept(at_four)
    assert len(undone["records"]) == PER  # iteration 4's records, as after a step to it


def test_a_branch_is_a_new_run_from_the_parents_exact_state(client: TestClient) -> None:
    sid = new_session(client)
    initial = state(client, sid)
    at_k = step(client, sid, "iteration", 30)["state"]
    step(client, sid, "iteration", 30)
    before = state(client, sid)
    response = client.post(
        f"/api/sessions/{sid}/branch", json={"step": 30, "changes": {"learning_rate": 0.3}}
    )
    assert response.status_code == 201, response.text
    child = SessionState.model_validate(response.json()).model_dump(mode="json")
    assert child["id"] not in (sid, None) and child["parent"] == {"id": sid, "step": 30}
    assert child["step"] == 30 and parameters(child) == parameters(at_k)
    assert child["config"]["learning_rate"] == 0.3
    assert child["optimizer_state"] == at_k["optimizer_state"]
    shared = [p for p in before["history"] if p["step"] <= 30]
    assert child["history"][: len(shared)] == shared  # the shared past
    after = state(client, sid)
    assert parameters(after) == parameters(before) and after["history"] == before["history"]
    assert after["step"] == 60 and after["timeline"]["latest"] == 60
    assert after["config"] == before["config"]
    assert after["timeline"]["branches"] == [
        {"id": child["id"], "step": 30, "changes": {"learning_rate": [0.03, 0.3]}, "reason": "branch"}
    ]
    sibling = client.post(f"/api/sessions/{sid}/branch", json={"step": 0, "reason": "sibling"})
    assert sibling.status_code == 201, sibling.text
    assert parameters(sibling.json()) == parameters(initial) and sibling.json()["parent"]["step"] == 0
    # compare: both runs' boundaries at the branch step are one, later they part
    step(client, child["id"], "iteration", 30)
    ours, theirs = (boundary(client, run, 30) for run in (sid, child["id"]))
    assert ours["values"] == theirs["values"] and ours["metrics"] == theirs["metrics"]
    assert ours["config"]["learning_rate"] == 0.03 and theirs["config"]["learning_rate"] == 0.3
    ours, theirs = (boundary(client, run, 60) for run in (sid, child["id"]))
    assert ours["values"] != theirs["values"]
    assert state(client, sid)["step"] == 60  # a boundary does not move the run


def test_a_branch_shares_the_parents_loss_curve_up_to_its_step(client: TestClient) -> None:
    sid = new_session(client)
    step(client, sid, "iteration", 30)
    step(client, sid, "iteration", 30)
    curve = state(client, sid)["history"]
    response = client.post(
        f"/api/sessions/{sid}/branch", json={"step": 30, "changes": {"learning_rate": 0.3}}
    )
    assert response.status_code == 201, response.text
    assert response.json()["history"] == [p for p in curve if p["step"] <= 30]


def boundary(client: TestClient, sid: str, at: int) -> dict[str, Any]:
    """GET .../boundary?step=at, checked against its schema."""
    response = client.get(f"/api/sessions/{sid}/boundary", params={"step": at})
    assert response.status_code == 200, response.text
    BoundaryReply.model_validate(response.json())
    return dict(response.json())


def refused(response: Any, loc: list[str]) -> str:
    """The 422's message for `loc` (the field it names)."""
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["loc"] == loc, error
    assert loc[-1] in error["msg"] or ".".join(loc[1:]) in error["msg"], error
    return str(error["msg"])


BAD_STEPS = [-1, 1.5, "3", True, None, 11]


@pytest.mark.parametrize("route", ["seek", "branch"])
def test_bad_steps_are_refused_naming_step_and_nothing_is_lost(client: TestClient, route: str) -> None:
    sid = new_session(client)
    step(client, sid, "iteration", 10)
    before = snapshot(client, sid)
    for bad in [*BAD_STEPS, "missing"]:
        body = {} if bad == "missing" else {"step": bad}
        refused(client.post(f"/api/sessions/{sid}/{route}", json=body), ["body", "step"])
        assert snapshot(client, sid) == before, f"{route} {bad!r}"
    message = refused(client.post(f"/api/sessions/{sid}/{route}", json={"step": 11}), ["body", "step"])
    assert "0..10" in message  # the allowed range
    assert state(client, sid)["timeline"]["branches"] == []


def test_a_boundary_at_an_unrecorded_step_is_refused_naming_the_query_step(client: TestClient) -> None:
    sid = new_session(client)
    step(client, sid, "iteration", 10)
    refused(client.get(f"/api/sessions/{sid}/boundary", params={"step": -1}), ["query", "step"])
    refused(client.get(f"/api/sessions/{sid}/boundary", params={"step": 11}), ["query", "step"])


@pytest.mark.parametrize(
    "changes",
    [{"learning_rate": -1}, {"batch_size": 0}, {"optimizer": "rmsprop"}, {"momentum": 2}, {"shuffle": "yes"}],
)
def test_bad_branch_changes_are_refused_naming_the_field(client: TestClient, changes: dict[str, Any]) -> None:
    sid = new_session(client)
    step(client, sid, "iteration", 10)
    before = snapshot(client, sid)
    count = len(client.get("/api/sessions/" + sid).json()["timeline"]["branches"])
    (name,) = changes
    response = client.post(f"/api/sessions/{sid}/branch", json={"step": 5, "changes": changes})
    refused(response, ["body", "changes", name])
    assert snapshot(client, sid) == before
    assert len(state(client, sid)["timeline"]["branches"]) == count


def test_back_at_the_start_is_refused_naming_unit(client: TestClient) -> None:
    sid = new_session(client)
    before = snapshot(client, sid)
    for unit in ("phase", "iteration"):
        message = refused(client.post(f"/api/sessions/{sid}/back", json={"unit": unit}), ["body", "unit"])
        assert "step 0" in message
        assert snapshot(client, sid) == before
    refused(client.post(f"/api/sessions/{sid}/back", json={"unit": "epoch"}), ["body", "unit"])
    assert snapshot(client, sid) == before


def test_a_seek_while_playing_pauses_first(client: TestClient) -> None:
    sid = new_session(client)
    with open_socket(client, sid) as ws:
        settle(ws)
        play(ws, 5)
        while receive_until(ws, "frame")["cursor"]["step"] < 20:
            pass
        body = seek(client, sid, 10)
        assert body["step"] == 10 and body["playing"] is False
        frame = receive_until(ws, "frame")
        while frame["playing"]:
            frame = receive_until(ws, "frame")
    latest = state(client, sid)["timeline"]["latest"]
    still = state(client, sid)
    assert still["step"] == 10 and not still["playing"] and still["timeline"]["latest"] == latest


def test_continue_from_the_past_discards_the_later_history(client: TestClient) -> None:
    sid = new_session(client)
    for _ in range(4):
        step(client, sid, "iteration", 10)
    seek(client, sid, 15)
    response = client.post(f"/api/sessions/{sid}/continue")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["step"] == 15 and body["timeline"]["latest"] == 15
    assert {"step": 15, "kind": "discarded", "from": 16, "to": 40} in body["timeline"]["marks"]
    assert all(p["step"] <= 15 for p in body["history"]) and body["history"][-1]["step"] == 10
    on = step(client, sid, "iteration", 10)["state"]
    assert on["step"] == 25 and on["timeline"]["latest"] == 25
    TimelineReply.model_validate(client.get(f"/api/sessions/{sid}/timeline").json())


def test_a_change_in_the_past_discards_the_later_history_and_goes_on_from_there(client: TestClient) -> None:
    sid = new_session(client)
    for _ in range(4):
        step(client, sid, "iteration", 10)
    twin = new_session(client)
    step(client, twin, "iteration", 20)
    seek(client, sid, 20)
    response = client.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.1})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["step"] == 20 and body["timeline"]["latest"] == 20
    marks = body["timeline"]["marks"]
    assert {"step": 20, "kind": "discarded", "from": 21, "to": 40} in marks
    assert marks[-1] == {"step": 20, "kind": "change", "changes": {"learning_rate": [0.03, 0.1]}}
    assert all(p["step"] <= 20 for p in body["history"])
    on = step(client, sid, "iteration", 7)["state"]
    client.patch(f"/api/sessions/{twin}", json={"learning_rate": 0.1})
    assert on["step"] == 27 and parameters(on) == parameters(step(client, twin, "iteration", 7)["state"])


def test_custom_rows_travel_but_have_no_boundary(client: TestClient) -> None:
    rows = {"inputs": [[1.5, -1.0, 1.3], [0.2, 0.4, -0.7]], "targets": [[1.0], [-1.0]]}
    config = {
        "dataset": rows,
        "hidden_layers": [3],
        "output_activation": "linear",
        "loss": "sse",
        "batch_size": 1,
    }
    sid = new_session(client, **config)
    at_three = step(client, sid, "iteration", 3)["state"]
    step(client, sid, "iteration", 4)
    assert parameters(seek(client, sid, 3)) == parameters(at_three)
    response = client.get(f"/api/sessions/{sid}/boundary", params={"step": 3})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "dataset", response.text
    branch = client.post(f"/api/sessions/{sid}/branch", json={"step": 3, "changes": {"learning_rate": 0.1}})
    assert branch.status_code == 201, branch.text
    assert branch.json()["data"]["inputs"] == rows["inputs"] and parameters(branch.json()) == parameters(
        at_three
    )
