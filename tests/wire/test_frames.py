"""Frames and state as built from a real session: every output kind, custom rows, exact numbers."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from app.config import Settings
from app.live.hub import Hub
from app.schemas import FrameHeader, SessionState
from app.sessions.labs import build_lab
from app.sessions.session import Session
from app.wire.codec import unpack_frame
from app.wire.frames import build_frame, metrics_of, state_payload
from app.wire.snapshot import _nullable
from tests.support.helpers import assert_close, forward_by_hand, softmax, tanh_layer


def session_for(**config: object) -> tuple[Hub, Session]:
    """A hub holding one session built from `config`."""
    hub = Hub(Settings())
    return hub, hub.store.add(build_lab(dict(config)))


def frame_of(hub: Hub, session: Session) -> tuple[dict[str, Any], bytes]:
    """A frame of the session, unpacked (its header checked against the documented schema)."""
    header, payload = unpack_frame(build_frame(session, hub.settings, metrics_of(session), None))
    FrameHeader.model_validate(header)
    return header, payload


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
    # Instead of a map, every example's output and loss: lecture 004's h(x) = 0.489, ℓ = (0.489 − 1)².
    outputs = header["outputs"]
    assert outputs["test"] == [] and outputs["test_loss"] == []
    assert outputs["train"][0][0] == pytest.approx(0.489, rel=1e-14)
    assert outputs["train_loss"][0] == pytest.approx((0.489 - 1.0) ** 2, rel=1e-13)


def test_custom_rows_outputs_follow_the_parameters_and_plane_data_has_none() -> None:
    rows = [[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0], [0.5, 0.5, 0.0]]
    hub, session = session_for(
        dataset={"inputs": rows, "targets": [[0], [1], [1], [0], [1]]},
        hidden_layers=[2],
        output_activation="sigmoid",
        loss="bce",
    )
    session.lab.train(3)
    header, _ = frame_of(hub, session)
    expected = session.lab.outputs()
    for name in ("train", "test", "train_loss", "test_loss"):
        assert header["outputs"][name] == expected[name].tolist(), name
    assert len(header["outputs"]["train"]) == 5 and header["outputs"]["test"] == []  # custom rows all train
    for dataset in ("circle", {"inputs": [r[:2] for r in rows], "targets": [[0], [1], [1], [0], [1]]}):
        hub, plane = session_for(dataset=dataset)  # on the plane (two inputs): a map, no table
        assert frame_of(hub, plane)[0]["outputs"] is None


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


def test_frame_traces_the_selected_example_through_the_current_parameters() -> None:
    hub, session = session_for(seed=3)
    session.lab.train(iterations=37)
    session.lab.select(11)
    header, _ = frame_of(hub, session)
    state = state_payload(session)
    example = header["example"]
    assert example["index"] == header["selected"] == 11
    # a⁰ is the example's features: (x1, x2) of its point in the training set
    point = state["data"]["points"][state["data"]["train_indices"][11]]
    assert example["a"][0] == point
    acts, zs = forward_by_hand(header["weights"], header["biases"], point, math.tanh, tanh_layer)
    assert_close(example["a"], acts)
    assert example["z"][0] is None
    assert_close(example["z"][1:], zs)


def test_frame_example_is_bit_for_bit_the_records_example() -> None:
    hub, session = session_for(
        dataset="blobs3", hidden_layers=[5, 3], activation="relu", output_activation="softmax",
        loss="cross_entropy", seed=9, selected=4,
    )  # fmt: skip
    lab = session.lab
    lab.train(iterations=12)
    header, _ = frame_of(hub, session)
    records = [lab.step_phase() for _ in range(3)]  # the three forward phases, at the same parameters
    example = header["example"]
    for layer, record in enumerate(records, start=1):
        assert record["phase"] == "forward" and record["example"]["index"] == 4
        assert example["a"][layer - 1] == record["example"]["a_prev"].tolist()
        assert example["z"][layer] == record["example"]["z"].tolist()
        assert example["a"][layer] == record["example"]["a"].tolist()
    x = example["a"][0]
    acts, zs = forward_by_hand(header["weights"], header["biases"], x, lambda v: max(v, 0.0), softmax)
    assert_close(example["a"], acts)
    assert_close(example["z"][1:], zs)


def test_custom_rows_trace_their_inputs() -> None:
    hub, session = session_for(
        dataset={"inputs": [[1.5, -1.0, 1.3], [0.5, 0.25, -2.0]], "targets": [[1.0], [0.0]]},
        hidden_layers=[3, 2], activation="relu", output_activation="linear", loss="sse", selected=1,
        weights=[
            [[0.3, 0.4, 0.2], [0.3, 0.5, 0.2], [0.8, 1.0, -1.0]],
            [[0.0, -1.2, 0.5], [0.9, 1.0, 0.0]],
            [[-1.0, 1.0]],
        ],
        biases=[[0.1, 0.0, -0.1], [0.0, 0.2], [0.05]],
    )  # fmt: skip
    header, _ = frame_of(hub, session)
    example = header["example"]
    assert example["index"] == 1 and example["a"][0] == [0.5, 0.25, -2.0]
    # by hand: z¹ = W¹x + b¹ = (0.15+0.1−0.4+0.1, 0.15+0.125−0.4, 0.4+0.25+2−0.1)
    assert_close(example["z"][1:2], [[-0.05, -0.125, 2.55]])
    assert_close(example["a"][1:2], [[0.0, 0.0, 2.55]])
    assert_close(example["z"][2:], [[1.275, 0.2], [-1.275 + 0.2 + 0.05]])
    assert_close(example["a"][2:], [[1.275, 0.2], [-1.025]])


def test_paused_frames_follow_every_change_of_parameters_data_and_selection() -> None:
    hub, session = session_for(seed=5)
    lab = session.lab
    first, payload = frame_of(hub, session)
    again, same_payload = frame_of(hub, session)
    assert again["seq"] == first["seq"] + 1
    assert (again["weights"], again["example"], again["maps"], same_payload) == (
        first["weights"], first["example"], first["maps"], payload,
    )  # fmt: skip
    lab.set_weight(2, 1, 3, 2.5)  # in place: the network object and its buffers stay the same
    edited, edited_payload = frame_of(hub, session)
    assert edited["weights"][1][1][3] == 2.5 and edited["biases"] == first["biases"]
    assert edited_payload != payload and edited["example"]["a"][2] != first["example"]["a"][2]
    assert edited["metrics"] == metrics_of(session) != first["metrics"]
    expected = frame_of(*session_for(seed=5, weights=lab.weights, biases=lab.biases))[0]
    assert edited["example"] == expected["example"] and edited["maps"] == expected["maps"]
    lab.select(3)
    selected, _ = frame_of(hub, session)
    assert selected["example"]["index"] == 3 and selected["example"] != edited["example"]
    lab.add_point(0.5, -0.5, 1)  # new data: new metrics, same parameters
    added, _ = frame_of(hub, session)
    assert added["metrics"] == {k: v for k, v in lab.metrics().items()} != selected["metrics"]
    lab.reset(seed=8)
    reset, _ = frame_of(hub, session)
    assert reset["weights"] == [w.tolist() for w in lab.weights] != added["weights"]


def test_outputs_send_non_finite_values_as_null() -> None:
    values = np.array([[1.0, np.inf], [np.nan, -2.5]])
    assert _nullable(values) == [[1.0, None], [None, -2.5]]
    assert _nullable(np.array([0.25, -1.0])) == [0.25, -1.0]
