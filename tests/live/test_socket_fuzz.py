"""Hypothesis-generated socket messages: the server answers every one, never sends a bad message, and stays
responsive (a `sync` after each message always gets the state back)."""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from starlette.testclient import WebSocketTestSession

from app.config import Settings
from app.schemas import MESSAGE_TYPES, ChangedMessage, ErrorMessage, HistoryReply, SteppedMessage
from app.schemas.state import DivergenceReport, SaturationMessage
from tests.support.helpers import connect_headers, receive

FIELDS = [
    "unit", "count", "speed", "fps", "changes", "config", "weights", "biases", "layer", "row", "col", "value",
    "seed", "example", "x", "label", "index", "since", "learning_rate", "hidden_layers",
]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["phase", "iteration", "epoch", "relu", "circle", "adam", "", "NaN"])
    | st.text(max_size=8)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
TYPED = st.builds(
    lambda kind, fields: {"type": kind, **fields},
    st.sampled_from([*MESSAGE_TYPES, "nope", ""]),
    st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=4),
)
UNITS = st.sampled_from(["phase", "iteration", "epoch"])
PLAUSIBLE = st.one_of(
    st.fixed_dictionaries({"type": st.just("step"), "unit": UNITS, "count": st.integers(0, 4)}),
    st.fixed_dictionaries({"type": st.just("play"), "speed": st.integers(0, 60)}),
    st.just({"type": "pause"}),
    st.fixed_dictionaries(
        {"type": st.just("set"), "changes": st.fixed_dictionaries({"learning_rate": st.floats(1e-6, 20)})}
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("rebuild"),
            "config": st.fixed_dictionaries({"hidden_layers": st.lists(st.integers(0, 17), max_size=3)}),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("set_weight"),
            "layer": st.integers(0, 4),
            "row": st.integers(0, 5),
            "col": st.integers(0, 5),
            "value": st.floats(-10, 10),
        }
    ),
    st.fixed_dictionaries({"type": st.just("select"), "example": st.integers(-1, 600)}),
    st.fixed_dictionaries(
        {
            "type": st.just("add_point"),
            "x": st.lists(st.floats(-7, 7), min_size=2, max_size=2),
            "label": st.integers(-1, 2),
        }
    ),
    st.fixed_dictionaries({"type": st.just("remove_point"), "index": st.integers(-1, 600)}),
    st.fixed_dictionaries({"type": st.just("reset"), "seed": st.none() | st.integers(-1, 5)}),
    st.fixed_dictionaries({"type": st.just("recover"), "learning_rate": st.none() | st.floats(-1, 20)}),
)
TEXTS = (
    st.text(max_size=40)
    | VALUES.map(lambda v: json.dumps(v, allow_nan=True))
    | TYPED.map(lambda v: json.dumps(v, allow_nan=True))
    | PLAUSIBLE.map(json.dumps)
)
REPLY_MODELS: dict[str, type[BaseModel]] = {
    "error": ErrorMessage,
    "changed": ChangedMessage,
    "history": HistoryReply,
    "diverged": DivergenceReport,
    "saturation": SaturationMessage,
    "stepped": SteppedMessage,
}


def _finite(value: Any) -> bool:
    """Every number in a JSON value is finite."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True


def _well_formed(text: str) -> dict[str, Any] | None:
    """The message if it gets past parsing: a finite JSON object with a known type; None otherwise."""
    try:
        value = json.loads(text, parse_constant=lambda name: math.nan)
    except ValueError:
        return None
    if not isinstance(value, dict) or value.get("type") not in MESSAGE_TYPES or not _finite(value):
        return None
    return value


def test_generated_messages_are_all_answered(app: FastAPI, settings: Settings) -> None:
    with TestClient(app) as client:
        sid = client.post("/api/sessions", json={"points": 100}).json()["id"]
        with client.websocket_connect(f"/ws/sessions/{sid}", headers=connect_headers()) as ws:
            assert receive(ws)["type"] == "state"
            markers = iter(range(10**15, 10**16))

            @FUZZ
            @given(TEXTS)
            def check(text: str) -> None:
                assume(len(text.encode()) <= settings.max_message_bytes)
                marker = next(markers)
                ws.send_text(text)
                ws.send_text(json.dumps({"type": "history", "since": marker}))  # answered after `text` is
                replies = _until_marker(ws, marker)
                if _well_formed(text) is None:
                    errors = [r for r in replies if r["type"] == "error"]
                    assert errors, (text, [r["type"] for r in replies])
                    assert errors[0]["code"] in ("bad_json", "not_an_object", "missing_type", "unknown_type")

            check()
            ws.send_text(json.dumps({"type": "sync"}))  # still responsive after everything
            while (message := receive(ws))["type"] != "state":
                assert message["type"] != "_closed"


def _until_marker(ws: WebSocketTestSession, marker: int) -> list[dict[str, Any]]:
    """Every message up to the answer to the marker history request, each checked against its schema."""
    replies: list[dict[str, Any]] = []
    while True:
        message = receive(ws)
        assert message["type"] != "_closed", message
        if message["type"] in REPLY_MODELS:
            REPLY_MODELS[message["type"]].model_validate(message)
        if message["type"] == "history" and message["since"] == marker:
            assert message["points"] == []
            return replies
        replies.append(message)


FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
