"""Helpers shared by the server tests: reading socket messages and frames."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from app.schemas import ErrorMessage, FrameHeader, SessionState
from app.wire.codec import unpack_frame

Message = dict[str, Any]


def decode(message: Mapping[str, Any]) -> Message:
    """An ASGI socket message as a dict: text parsed as JSON; a binary frame as its header plus "_payload"."""
    if message["type"] == "websocket.close":
        return {"type": "_closed", "code": message.get("code"), "reason": message.get("reason")}
    if message.get("text") is not None:
        return dict(json.loads(message["text"]))
    header, payload = unpack_frame(message["bytes"])
    FrameHeader.model_validate(header)  # every frame a test reads keeps the documented header
    return {**header, "_payload": payload}


def receive(ws: WebSocketTestSession) -> Message:
    """The next message, decoded."""
    return decode(ws.receive())


def receive_until(ws: WebSocketTestSession, kind: str, limit: int = 200) -> Message:
    """Skip messages until one of type `kind` (frames are "frame"); fails after `limit` others."""
    seen = []
    for _ in range(limit):
        message = receive(ws)
        if message["type"] == kind:
            return message
        seen.append(message["type"])
        assert message["type"] != "_closed", f"socket closed while waiting for {kind}: {message}"
    raise AssertionError(f"no {kind} message in {limit}: {seen[-10:]}")


def map_values(frame: Message, layer: int, neuron: int) -> np.ndarray:
    """A neuron's map from a frame, dequantised to the values a client reads."""
    (entry,) = [m for m in frame["maps"] if m["layer"] == layer and m["neuron"] == neuron]
    raw = frame["_payload"][entry["offset"] : entry["offset"] + entry["length"]]
    levels = np.frombuffer(raw, dtype=np.uint8).astype(np.float64).reshape(entry["res"], entry["res"])
    values: np.ndarray = entry["lo"] + (entry["hi"] - entry["lo"]) * levels / 255.0
    return values


def connect_headers(host: str = "testserver") -> dict[str, str]:
    """Headers a browser on the page's own origin would send."""
    return {"origin": f"http://{host}"}


def new_session(client: TestClient, **config: Any) -> str:
    """A session id."""
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def open_socket(client: TestClient, sid: str) -> Any:
    """A socket on the session, as the page opens it (same origin)."""
    return client.websocket_connect(f"/ws/sessions/{sid}", headers=connect_headers())


def settle(ws: Any) -> None:
    """Read the state and the first frame every new socket gets."""
    assert receive(ws)["type"] == "state"
    assert receive(ws)["type"] == "frame"


def error_reply(ws: Any) -> dict[str, Any]:
    """The next error message (frames in between skipped), checked against its schema."""
    message = receive_until(ws, "error")
    ErrorMessage.model_validate(message)
    return message


def still_works(ws: Any) -> None:
    """The socket still answers: a sync gets the state back."""
    ws.send_text(json.dumps({"type": "sync"}))
    SessionState.model_validate({k: v for k, v in receive_until(ws, "state").items() if k != "type"})


def play(ws: Any, speed: int) -> None:
    """Start playing at `speed` steps a tick."""
    ws.send_text(json.dumps({"type": "play", "speed": speed}))


@contextmanager
def playing(client: TestClient, speed: int) -> Iterator[tuple[str, Any]]:
    """(session id, socket) of a new session whose socket is settled and plays at `speed`, its first frame
    read; the socket closes at the end of the block."""
    sid = new_session(client)
    with open_socket(client, sid) as ws:
        settle(ws)
        play(ws, speed)
        receive_until(ws, "frame")
        yield sid, ws


def diverging(learning_rate: float) -> dict[str, Any]:
    """A session config that diverges within a few epochs at a large learning rate: deep, linear, He
    initialised, one example a batch."""
    return {
        "learning_rate": learning_rate,
        "activation": "linear",
        "output_activation": "linear",
        "loss": "sse",
        "dataset": "plane",
        "hidden_layers": [16, 16, 16],
        "init": "he",
        "batch_size": 1,
    }


def create(client: TestClient, **config: Any) -> dict[str, Any]:
    """POST /api/sessions; the 201 body."""
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 201, response.text
    return dict(response.json())


def forward_by_hand(
    weights: list[Any],
    biases: list[Any],
    x: list[float],
    hidden: Callable[[float], float],
    output: Callable[[list[float]], list[float]],
) -> tuple[list[list[float]], list[list[float]]]:
    """a^l and z^l of one example in plain Python: z_j = Σ_k W_jk a_k + b_j, a = g(z) (`output` on the last
    layer as a whole, for softmax)."""
    a: list[float] = list(x)
    zs: list[list[float]] = []
    acts = [list(x)]
    for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
        z = [
            math.fsum(w_jk * a_k for w_jk, a_k in zip(row, a, strict=True)) + b_j
            for row, b_j in zip(w, b, strict=True)
        ]
        a = output(z) if layer == len(weights) - 1 else [hidden(v) for v in z]
        zs.append(z)
        acts.append(a)
    return acts, zs


def tanh_layer(z: list[float]) -> list[float]:
    """tanh of every unit."""
    return [math.tanh(v) for v in z]


def softmax(z: list[float]) -> list[float]:
    """exp(z_j − max z) / Σ exp(z_k − max z)."""
    top = max(z)
    e = [math.exp(v - top) for v in z]
    return [v / math.fsum(e) for v in e]


def assert_close(got: list[Any], expected: list[Any]) -> None:
    """Nested lists of floats equal to 1e-12 (plain Python sums in another order than NumPy's)."""
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert np.allclose(g, e, rtol=1e-12, atol=1e-12), (g, e)
