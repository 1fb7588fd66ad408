"""Random runs for the export tests: a configuration and a sequence of operations a user could make (steps
by phase, iteration and epoch, live changes mid-iteration, edits, points added and removed, seeks back with
training on from there, branches), played through the real app's REST API and socket."""

from __future__ import annotations

import json
import random
from typing import Any

from fastapi.testclient import TestClient

from tests.support.helpers import open_socket, receive_until, settle

PAIRS = [
    ("sigmoid", "bce"),
    ("sigmoid", "mse"),
    ("softmax", "cross_entropy"),
    ("softmax", "half_sse"),
    ("linear", "mse"),
    ("tanh", "sse"),
    ("linear", "l1"),
]
HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "gelu", "linear", "step"]


def random_config(rng: random.Random) -> dict[str, Any]:
    """A configuration drawn from every choice that decides the numbers."""
    output, loss = rng.choice(PAIRS)
    layers = [rng.randint(1, 5) for _ in range(rng.randint(1, 3))]
    config: dict[str, Any] = {
        "dataset": rng.choice(["circle", "xor", "gaussian", "spiral", "moons"]),
        "points": rng.choice([60, 120, 200]),
        "hidden_layers": layers,
        "activation": rng.choice(HIDDEN[:-1]),
        "output_activation": output,
        "loss": loss,
        "learning_rate": rng.choice([0.003, 0.03, 0.1]),
        "batch_size": rng.choice([1, 7, 10, 30, 500]),
        "optimizer": rng.choice(["sgd", "momentum", "adam"]),
        "momentum": rng.choice([0.5, 0.9]),
        "regularization": rng.choice(["none", "l1", "l2"]),
        "regularization_rate": rng.choice([0.001, 0.01]),
        "init": rng.choice(["xavier", "he", "uniform", "playground"]),
        "seed": rng.randint(0, 10_000),
        "shuffle": rng.random() < 0.8,
        "drop_last": rng.random() < 0.3,
        "train_biases": rng.random() < 0.8,
        "features": rng.choice([["x1", "x2"], ["x1", "x2", "x1x2"], ["x1", "x2", "sin_x1"]]),
    }
    if rng.random() < 0.4:
        config["dropout"] = [rng.choice([0.0, 0.2, 0.5]) for _ in layers]
    if rng.random() < 0.3:
        config["layer_activations"] = [rng.choice(HIDDEN) for _ in layers]
    return config


def random_change(rng: random.Random, layers: int) -> dict[str, Any]:
    """One live change."""
    field = rng.choice(
        [
            "learning_rate",
            "batch_size",
            "optimizer",
            "momentum",
            "regularization",
            "train_biases",
            "shuffle",
            "drop_last",
            "dropout",
        ]
    )
    value: Any = {
        "learning_rate": rng.choice([0.001, 0.01, 0.05]),
        "batch_size": rng.choice([1, 3, 16, 1000]),
        "optimizer": rng.choice(["sgd", "momentum", "adam"]),
        "momentum": rng.choice([0.0, 0.8, 0.95]),
        "regularization": rng.choice(["none", "l1", "l2"]),
        "train_biases": rng.random() < 0.5,
        "shuffle": rng.random() < 0.5,
        "drop_last": rng.random() < 0.5,
        "dropout": [rng.choice([0.0, 0.3]) for _ in range(layers)],
    }[field]
    return {field: value}


class Driver:
    """Plays operations on one session through its socket (in order) and REST."""

    def __init__(self, client: TestClient, sid: str) -> None:
        self.client, self.sid = client, sid
        self.diverged = 0

    def send(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send a socket message and wait until the session has handled it (a sync's state follows)."""
        with open_socket(self.client, self.sid) as ws:
            settle(ws)
            ws.send_text(json.dumps(message))
            ws.send_text(json.dumps({"type": "sync"}))
            state = receive_until(ws, "state", limit=2000)
            assert "error" not in state, state
            return state

    def state(self) -> dict[str, Any]:
        response = self.client.get(f"/api/sessions/{self.sid}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def rest(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A REST call on the session; a step that diverges is answered by lowering the learning rate (the
        way out a user takes: the parameters kept their last finite values)."""
        response = self.client.request(method, f"/api/sessions/{self.sid}{path}", json=body)
        detail = response.json().get("detail") if response.status_code >= 400 else None
        if isinstance(detail, dict) and detail.get("type") == "diverged":
            self.diverged += 1
            return self.rest("PATCH", "", {"learning_rate": 1e-4, "optimizer": "sgd"})
        assert response.status_code in (200, 201), response.text
        answer: dict[str, Any] = response.json()
        return answer


def play(driver: Driver, rng: random.Random, config: dict[str, Any], operations: int) -> Driver:
    """Random operations on the run; the driver of the session they end on (a branch is a new one)."""
    layers = len(config["hidden_layers"])
    for _ in range(operations):
        kind = rng.choice(
            ["step", "step", "phases", "change", "weight", "bias", "add", "remove", "seek", "branch"]
        )
        if kind == "step":
            driver.rest(
                "POST", "/step", {"unit": rng.choice(["iteration", "epoch"]), "count": rng.randint(1, 12)}
            )
        elif kind == "phases":  # part way through an iteration, then a change that waits for its end
            driver.rest("POST", "/step", {"unit": "phase", "count": rng.randint(1, 3)})
            driver.send({"type": "set", "changes": random_change(rng, layers)})
        elif kind == "change":
            driver.rest("PATCH", "", random_change(rng, layers))
        elif kind == "weight":
            driver.send({"type": "set_weight", "layer": 1, "row": 0, "col": 0, "value": rng.uniform(-1, 1)})
        elif kind == "bias":
            driver.send({"type": "set_bias", "layer": layers + 1, "row": 0, "value": rng.uniform(-1, 1)})
        elif kind == "add":
            label = rng.choice([0, 1])
            driver.send({"type": "add_point", "x": [rng.uniform(-5, 5), rng.uniform(-5, 5)], "label": label})
        elif kind == "remove":
            driver.send({"type": "remove_point", "index": rng.randint(0, 10)})
        elif kind == "seek":
            step = driver.state()["step"]
            if step > 0:
                driver.rest("POST", "/seek", {"step": rng.randint(0, step)})
        else:
            step = driver.state()["step"]
            body = driver.rest("POST", "/branch", {"step": step, "changes": random_change(rng, layers)})
            diverged, driver = driver.diverged, Driver(driver.client, body["id"])
            driver.diverged = diverged
    driver.rest("POST", "/step", {"unit": "iteration", "count": rng.randint(1, 20)})
    return driver
