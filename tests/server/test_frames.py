"""Frames and state as built from a real session: every output kind, custom rows, exact numbers."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from app.codec import unpack_frame
from app.config import Settings
from app.frames import build_frame, metrics_of, state_payload
from app.hub import Hub
from app.labs import build_lab
from app.schemas import SessionState
from app.sessions import Session


def session_for(**config: object) -> tuple[Hub, Session]:
    """A hub holding one session built from `config`."""
    hub = Hub(Settings())
    return hub, hub.store.add(build_lab(dict(config)))


def frame_of(hub: Hub, session: Session) -> tuple[dict[str, Any], bytes]:
    """A frame of the session, unpacked."""
    return unpack_frame(build_frame(session, hub.settings, metrics_of(session), None))


def test_multiclass_output_map_is_class_then_probability() -> None:
    hub, session = session_for(dataset="blobs3", output_activation="softmax", loss="cross_entropy")
    header, payload = frame_of(hub, session)
    om = header["output_map"]
    assert om["kind"] == "multiclass" and om["classes"] == 3 and om["length"] == 2 * 100 * 100
    grid = session.lab.grids(100, 40).output
    raw = np.frombuffer(payload[om["offset"] : om["offset"] + om["length"]], dtype=np.uint8)
    classes, probs = raw[:10000].reshape(100, 100), raw[10000:].reshape(100, 100) / 255.0
    assert np.array_equal(classes, np.argmax(grid, axis=2))
    assert np.allclose(probs, grid.max(axis=2), atol=0.5 / 255 + 1e-6)


def test_regression_output_map() -> None:
    hub, session = session_for(dataset="plane", output_activation="linear", loss="mse")
    header, payload = frame_of(hub, session)
    om = header["output_map"]
    assert om["kind"] == "regression" and om["length"] == 100 * 100
    grid = session.lab.grids(100, 40).output[:, :, 0]
    raw = np.frombuffer(payload[om["offset"] : om["offset"] + om["length"]], dtype=np.uint8)
    values = om["lo"] + (om["hi"] - om["lo"]) * raw.reshape(100, 100) / 255.0
    assert np.allclose(values, grid, atol=(om["hi"] - om["lo"]) / 510 + 1e-6)


def test_custom_rows_have_no_maps_but_exact_numbers() -> None:
    hub, session = session_for(
        dataset={"inputs": [[1.5, -1.0, 1.3]], "targets": [[1.0]]},
        hidden_layers=[3, 2],
        activation="relu",
        output_activation="linear",
        loss="sse",
        weights=[
            [[0.3, 0.4, 0.2], [0.3, 0.5, 0.2], [0.8, 1.0, -1.0]],
            [[0.0, -1.2, 0.5], [0.9, 1.0, 0.0]],
            [[-1.0, 1.0]],
        ],
        biases=[[0.0, 0.0, 0.0], [0.0, 0.0], [0.0]],
    )
    header, payload = frame_of(hub, session)
    assert header["maps"] == [] and header["output_map"] is None and payload == b""
    assert header["weights"][0][2] == [0.8, 1.0, -1.0]
    state = state_payload(session)
    SessionState.model_validate(state)
    assert state["data"]["inputs"] == [[1.5, -1.0, 1.3]] and state["data"]["points"] is None
    assert state["metrics"]["test_loss"] is None


@pytest.mark.parametrize("dataset", ["circle", "xor", "spiral", "moons", "blobs4", "bumps"])
def test_state_and_frames_are_finite_json(dataset: str) -> None:
    hub, session = session_for(
        dataset=dataset,
        **({"output_activation": "softmax", "loss": "cross_entropy"} if dataset == "blobs4" else {}),
    )
    session.lab.train(iterations=20)
    text = json.dumps(state_payload(session), allow_nan=False)
    SessionState.model_validate_json(text)
    header, _ = frame_of(hub, session)
    assert header["seq"] == 1 and header["step"] == 20
