"""The way out of a dead end over REST: the 409 of a divergence names it, POST .../recover takes it, and
training on from there at the suggested rate stays finite and ends below the loss it went back to."""

from __future__ import annotations

import math
import random
from typing import Any

from fastapi.testclient import TestClient

from app.api.presets import PRESETS
from app.config import LIMITS
from app.schemas import SessionState
from app.schemas.state import DivergedAnswer
from tests.support.helpers import create

ITERATIONS = 500


def step(client: TestClient, sid: str, count: int) -> Any:
    """`count` iterations by POST .../step (in requests of at most 250, the tests' max_step_count being
    300); the last response (the first 409 if one diverges)."""
    response = None
    while count > 0:
        n = min(count, 250)
        response = client.post(f"/api/sessions/{sid}/step", json={"unit": "iteration", "count": n})
        if response.status_code != 200:
            break
        count -= n
    return response


def diverge(client: TestClient, sid: str, limit: int = 400) -> dict[str, Any]:
    """Step iteration by iteration until the 409; its detail (checked against the schema)."""
    for _ in range(limit):
        response = step(client, sid, 1)
        if response.status_code == 409:
            return dict(DivergedAnswer.model_validate(response.json()).model_dump()["detail"])
        assert response.status_code == 200, response.text
    raise AssertionError(f"no divergence within {limit} iterations")


def recover_and_train(client: TestClient, sid: str, plan: dict[str, Any]) -> dict[str, Any]:
    """Take the way out (a branch from the plan's step), then train the branch ITERATIONS iterations; the
    branch's final state. The run that diverged or saturated stays as it was."""
    before = client.get(f"/api/sessions/{sid}").json()
    response = client.post(f"/api/sessions/{sid}/recover")
    assert response.status_code == 201, response.text
    state = SessionState.model_validate(response.json()).model_dump()
    assert state["id"] != sid and state["parent"] == {"id": sid, "step": plan["step"]}
    assert state["step"] == plan["step"] and state["diverged"] is None
    assert state["config"]["learning_rate"] == plan["learning_rate"]
    assert state["metrics"]["train_loss"] == plan["loss"]  # exactly the run as it was at that step
    assert all(p["step"] <= plan["step"] for p in state["history"])
    after = client.get(f"/api/sessions/{sid}").json()
    assert after["weights"] == before["weights"] and after["step"] == before["step"]
    branch = after["timeline"]["branches"][-1]
    assert branch["id"] == state["id"] and branch["reason"] == "recover"
    trained = step(client, state["id"], ITERATIONS)
    assert trained.status_code == 200, trained.text
    return dict(trained.json()["state"])


def test_the_diverging_preset_goes_back_before_the_blow_up_and_then_converges(client: TestClient) -> None:
    sid = create(client, **PRESETS["diverging_lr"]["config"])["id"]
    before = client.get(f"/api/sessions/{sid}").json()["metrics"]["train_loss"]
    report = diverge(client, sid)
    plan = report["recover"]
    # the loss rises from the first step (× ~50 a step), so the last calm point is step 0
    assert plan == {"step": 0, "learning_rate": 0.03, "loss": before}
    assert "step 0" in report["suggestion"] and "0.03" in report["suggestion"]
    # today's way out fails: the kept weights are far off, a lower rate alone diverges again
    kept = create(client, **PRESETS["diverging_lr"]["config"])["id"]
    diverge(client, kept)
    client.patch(f"/api/sessions/{kept}", json={"learning_rate": LIMITS.learning_rate_min})
    assert step(client, kept, ITERATIONS).status_code == 409
    end = recover_and_train(client, sid, plan)
    assert end["step"] == ITERATIONS and end["diverged"] is None
    loss = end["metrics"]["train_loss"]
    assert loss is not None and math.isfinite(loss) and loss < plan["loss"]


def test_recover_with_a_rate_of_ones_own(client: TestClient) -> None:
    sid = create(client, **PRESETS["diverging_lr"]["config"])["id"]
    diverge(client, sid)
    client.post(f"/api/sessions/{sid}/select", json={"example": 7})
    response = client.post(f"/api/sessions/{sid}/recover", json={"learning_rate": 0.01})
    assert response.status_code == 201, response.text
    state = response.json()
    assert state["step"] == 0 and state["config"]["learning_rate"] == 0.01
    assert state["config"]["selected"] == 7  # the traced example chosen after the checkpoint stays
    assert state["changes"] == [{"step": 0, "changes": {"learning_rate": [0.3, 0.01]}}]


def test_nothing_to_recover_is_409_and_a_bad_rate_422(client: TestClient) -> None:
    sid = create(client)["id"]
    step(client, sid, 3)
    before = client.get(f"/api/sessions/{sid}").json()
    response = client.post(f"/api/sessions/{sid}/recover")
    assert response.status_code == 409 and "nothing to recover" in response.json()["detail"]
    assert client.get(f"/api/sessions/{sid}").json()["weights"] == before["weights"]
    diverged = create(client, **PRESETS["diverging_lr"]["config"])["id"]
    diverge(client, diverged)
    for bad in (0, 100.0, "0.1", True):
        response = client.post(f"/api/sessions/{diverged}/recover", json={"learning_rate": bad})
        assert response.status_code == 422, (bad, response.text)
        assert "learning_rate" in response.text
    nan = client.post(
        f"/api/sessions/{diverged}/recover",
        content='{"learning_rate": NaN}',
        headers={"content-type": "application/json"},
    )
    assert nan.status_code in (400, 422)
    assert client.post(f"/api/sessions/{diverged}/recover", json={"speed": 1}).status_code == 422
    assert client.get(f"/api/sessions/{diverged}").json()["diverged"] is not None  # nothing was lost
    null = client.post(f"/api/sessions/{diverged}/recover", json={"learning_rate": None})
    assert null.status_code == 201 and null.json()["config"]["learning_rate"] == 0.03  # the suggested rate
    assert client.post("/api/sessions/AAAAAAAAAAAAAAAAAAAAAA/recover").status_code == 404


def test_a_saturated_network_is_reported_and_the_way_back_trains_again(client: TestClient) -> None:
    sid = create(client, learning_rate=10.0)["id"]
    state = step(client, sid, 600).json()["state"]
    report = state["saturated"]
    assert report is not None, state["metrics"]
    assert report["units"] >= LIMITS.saturation_units * report["counted"]
    plan = report["recover"]
    assert plan is not None and plan["step"] < report["since"] and plan["learning_rate"] < 10.0
    # today: setting η back to 0.03 does not get out (the loss stays frozen)
    frozen = state["metrics"]["train_loss"]
    client.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.03})
    again = step(client, sid, ITERATIONS).json()["state"]
    assert abs(again["metrics"]["train_loss"] - frozen) < 1e-6 * frozen
    assert again["saturated"] is not None
    end = recover_and_train(client, sid, plan)
    assert end["saturated"] is None
    assert end["metrics"]["train_loss"] < plan["loss"]


def test_a_healthy_run_is_not_called_saturated(client: TestClient) -> None:
    for config in ({}, {"learning_rate": 0.3}, {"activation": "relu"}, {"activation": "sigmoid"}):
        state = step(client, create(client, **config)["id"], 2000).json()["state"]
        assert state["saturated"] is None, config


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random network, data set, rate and warm-up (steps at a sane rate before the rate that blows up)."""
    return {
        "dataset": rng.choice(["plane", "circle", "xor", "gaussian", "bumps"]),
        "hidden_layers": [rng.randint(1, 6) for _ in range(rng.randint(0, 2))],
        "activation": rng.choice(["linear", "relu", "tanh", "leaky_relu"]),
        "learning_rate": rng.choice([0.5, 1.0, 3.0]),
        "batch_size": rng.choice([1, 5, 10, 25]),
        "init": rng.choice(["xavier", "he", "uniform"]),
        "seed": rng.randint(0, 2**16),
        "warm": rng.choice([0, 20, 120]),
    }


def diverge_and_recover(client: TestClient, config: dict[str, Any]) -> int | None:
    """Run `config` until it blows up, take the way out and train 500 iterations at the suggested rate
    (finite, and below the loss it went back to); the step it went back to, or None if it did not diverge."""
    values = {**config, "output_activation": "linear", "loss": "mse", "points": 200}
    warm, rate = values.pop("warm"), values.pop("learning_rate")
    if values["dataset"] == "bumps" or values["activation"] == "linear":
        rate *= 3
    sid = create(client, **values, learning_rate=0.01)["id"]
    try:
        # a while at a sane rate, one step at a time (a keyframe each), then a rate that blows up
        for _ in range(warm // 20):
            if step(client, sid, 20).status_code != 200:
                return None  # too steep for even the sane rate: not a run that blows up when the rate rises
        client.patch(f"/api/sessions/{sid}", json={"learning_rate": rate})
        response = step(client, sid, 300)
        if response.status_code != 409:
            return None
        plan = response.json()["detail"]["recover"]
        assert plan is not None
        end = recover_and_train(client, sid, plan)
        client.delete(f"/api/sessions/{end['id']}")
        loss = end["metrics"]["train_loss"]
        assert loss is not None and math.isfinite(loss) and loss < plan["loss"], (values, plan, loss)
        assert plan["step"] <= response.json()["detail"]["step"]
        return int(plan["step"])
    finally:
        client.delete(f"/api/sessions/{sid}")


def test_random_diverging_runs_find_their_way_out(client: TestClient) -> None:
    """Linear output, squared loss, a seeded random sweep of 12 configurations: at these rates most blow up;
    each that does is taken back before the blow-up and trains on at the suggested rate, finite and below
    the loss it went back to. Most diverged, and some went back to a later step than the start."""
    rng = random.Random(8)
    diverged = [
        k for k in (diverge_and_recover(client, random_config(rng)) for _ in range(12)) if k is not None
    ]
    assert len(diverged) >= 6, diverged
    assert any(k > 0 for k in diverged), diverged
