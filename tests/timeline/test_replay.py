"""Replaying a run's past is exact: a run driven through random live changes, edits and points (at
iteration boundaries and in the middle of iterations), then sought to random recorded steps, has there bit
for bit the weights and biases an independent run (same config, same operations, never sought) had at that
step; and stepping forward from a seek, following the changes recorded after it, ends on the final weights.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.helpers import new_session, open_socket, receive_until, settle

CONFIG: dict[str, Any] = {"hidden_layers": [3, 2], "points": 80, "batch_size": 5}
PER = 2 * 3 + 2  # phases of an iteration of CONFIG's 3-layer network
CHUNK = 250  # iterations a REST step asks for at most (the tests' max_step_count is 300)

Op = tuple[Any, ...]

HYPER = st.one_of(
    st.fixed_dictionaries({"learning_rate": st.sampled_from([0.003, 0.01, 0.03, 0.1, 0.3])}),
    st.fixed_dictionaries({"batch_size": st.integers(1, 30)}),
    st.fixed_dictionaries({"optimizer": st.sampled_from(["sgd", "momentum", "adam"])}),
    st.fixed_dictionaries({"momentum": st.sampled_from([0.0, 0.5, 0.9])}),
    st.fixed_dictionaries(
        {
            "regularization": st.sampled_from(["none", "l1", "l2"]),
            "regularization_rate": st.sampled_from([0.0, 0.001, 0.03]),
        }
    ),
    st.fixed_dictionaries({"shuffle": st.booleans()}),
    st.fixed_dictionaries({"drop_last": st.booleans()}),
)
VALUE = st.floats(-2.0, 2.0, allow_nan=False, width=64)
OPS = st.one_of(
    st.tuples(st.just("iterations"), st.integers(1, 12)),
    st.tuples(st.just("phases"), st.integers(1, 5)),  # leaves the run inside an iteration
    st.tuples(st.just("hyper"), HYPER),
    st.tuples(st.just("weight"), st.integers(1, 3), st.integers(0, 1), st.integers(0, 1), VALUE),
    st.tuples(st.just("bias"), st.integers(1, 3), st.integers(0, 1), VALUE),
    st.tuples(st.just("parameters"), st.sampled_from([0.5, -1.0, 1.25])),
    st.tuples(
        st.just("add"), st.floats(-5.0, 5.0, width=64), st.floats(-5.0, 5.0, width=64), st.integers(0, 1)
    ),
    st.tuples(st.just("remove"), st.integers(0, 30)),
)
RUN = settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def state(client: TestClient, sid: str) -> dict[str, Any]:
    """GET /api/sessions/{sid}."""
    response = client.get(f"/api/sessions/{sid}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def parameters(body: dict[str, Any]) -> tuple[Any, Any]:
    """(weights, biases) of a state: lists of floats as the wire has them (exact float64)."""
    return body["weights"], body["biases"]


def at_boundary(body: dict[str, Any]) -> bool:
    """The state stands between two iterations."""
    return bool(body["cursor"]["phase"] == "forward" and body["cursor"]["layer"] == 1)


def step(client: TestClient, sid: str, unit: str, count: int) -> dict[str, Any]:
    """`count` units by POST .../step in chunks of at most CHUNK; the last reply."""
    reply: dict[str, Any] = {}
    while count > 0:
        n = min(count, CHUNK)
        response = client.post(f"/api/sessions/{sid}/step", json={"unit": unit, "count": n})
        assert response.status_code == 200, response.text
        reply = dict(response.json())
        count -= n
    return reply


def seek(client: TestClient, sid: str, to: int) -> dict[str, Any]:
    """POST .../seek; the 200 body."""
    response = client.post(f"/api/sessions/{sid}/seek", json={"step": to})
    assert response.status_code == 200, response.text
    return dict(response.json())


def send(ws: Any, message: dict[str, Any]) -> None:
    """A socket message, then a sync: its state reply means the message was handled (no error before)."""
    ws.send_text(json.dumps(message))
    ws.send_text(json.dumps({"type": "sync"}))
    reply = receive_until(ws, "state", limit=500)
    assert reply["type"] == "state"


def apply(client: TestClient, sid: str, ws: Any, op: Op) -> None:
    """One operation on a session: REST for steps, live changes and parameters, the socket for the rest."""
    kind = op[0]
    if kind in ("iterations", "phases"):
        step(client, sid, kind[:-1], op[1])
    elif kind == "hyper":
        response = client.patch(f"/api/sessions/{sid}", json=op[1])
        assert response.status_code == 200, response.text
    elif kind == "parameters":
        weights, biases = parameters(state(client, sid))
        scaled = [[[w * op[1] for w in row] for row in layer] for layer in weights]
        response = client.put(f"/api/sessions/{sid}/parameters", json={"weights": scaled, "biases": biases})
        assert response.status_code == 200, response.text
    elif kind == "weight":
        send(ws, {"type": "set_weight", "layer": op[1], "row": op[2], "col": op[3], "value": op[4]})
    elif kind == "bias":
        send(ws, {"type": "set_bias", "layer": op[1], "row": op[2], "value": op[3]})
    elif kind == "add":
        send(ws, {"type": "add_point", "x": [op[1], op[2]], "label": op[3]})
    else:
        send(ws, {"type": "remove_point", "index": op[1]})


@contextmanager
def twins(client: TestClient) -> Iterator[list[tuple[str, Any]]]:
    """Two sessions of CONFIG with a settled socket each; both deleted at the end."""
    with ExitStack() as stack:
        runs = []
        for _ in range(2):
            sid = new_session(client, **CONFIG)
            stack.callback(client.delete, f"/api/sessions/{sid}")
            ws = stack.enter_context(open_socket(client, sid))
            settle(ws)
            runs.append((sid, ws))
        yield runs


def drive(client: TestClient, runs: list[tuple[str, Any]], ops: list[Op]) -> dict[int, tuple[Any, Any]]:
    """Apply `ops` to every run alike, ending between two iterations; the independent (last) run's
    parameters at each step it stood on between two iterations (the last one there wins: the state at a
    step is after every change made at it)."""
    seen: dict[int, tuple[Any, Any]] = {0: parameters(state(client, runs[-1][0]))}
    for op in [*ops, ("iterations", 1)]:  # a count of 1 finishes an iteration in progress
        for sid, ws in runs:
            apply(client, sid, ws, op)
        body = state(client, runs[-1][0])
        if at_boundary(body):
            seen[body["step"]] = parameters(body)
    return seen


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    ops=st.lists(OPS, min_size=1, max_size=10),
    picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=6),
    unit=st.sampled_from(["iteration", "phase"]),  # how the replay after the last seek steps
)
def test_a_seek_lands_on_the_weights_an_independent_run_had_at_that_step(
    client: TestClient, ops: list[Op], picks: list[int], unit: str
) -> None:
    with twins(client) as runs:
        (sid, _), (twin, _) = runs
        seen = drive(client, runs, ops)
        final = state(client, twin)
        assert parameters(state(client, sid)) == parameters(final)  # the two runs are the same run
        steps = sorted(seen)
        for pick in picks:
            to = steps[pick % len(steps)]
            body = seek(client, sid, to)
            assert body["step"] == to and at_boundary(body), body["cursor"]
            assert parameters(body) == seen[to], f"step {to} after {ops}"
            assert body["timeline"]["latest"] == final["step"]
        # from the last seek, on to the latest step: the changes recorded after it are followed
        left = final["step"] - to
        count = left * PER if unit == "phase" else left
        replayed = step(client, sid, unit, count)["state"] if left else body
        assert replayed["step"] == final["step"]
        assert parameters(replayed) == parameters(final), f"replay from {to} after {ops}"
        assert replayed["config"] == final["config"]


def test_seek_then_step_reproduces_an_unchanged_run(client: TestClient) -> None:
    sid = new_session(client, **CONFIG)
    end = step(client, sid, "iteration", 700)["state"]
    for to in (0, 1, 349, 699):
        assert seek(client, sid, to)["step"] == to
        replayed = step(client, sid, "iteration", 700 - to)["state"]
        assert parameters(replayed) == parameters(end) and replayed["metrics"] == end["metrics"]
        assert replayed["timeline"]["latest"] == 700


def test_replaying_to_the_latest_step_keeps_the_loss_curve_as_it_was(client: TestClient) -> None:
    sid = new_session(client, **CONFIG)
    end = step(client, sid, "iteration", 300)["state"]
    seek(client, sid, 100)
    step(client, sid, "iteration", 200)
    assert [p["step"] for p in state(client, sid)["history"]] == [p["step"] for p in end["history"]]
    for _ in range(3):  # ← then → at the latest step
        assert client.post(f"/api/sessions/{sid}/back", json={"unit": "phase"}).status_code == 200
        step(client, sid, "phase", 1)
    assert state(client, sid)["history"] == end["history"]
