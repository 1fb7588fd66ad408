"""Phase records: the key contract, batch values against the reference network, the traced example."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.engine.losses import LOSSES
from app.engine.records import trace_example
from tests.engine.factory import CONFIGS, stepper

RECORD_KEYS = {
    "forward": {"a_prev", "z", "a"},
    "loss": {"loss", "regularization", "total", "per_example", "output", "targets", "grad_output"},
    "backward": {
        "delta",
        "grad_weights",
        "grad_weights_data",
        "grad_weights_reg",
        "grad_biases",
        "grad_input",
        "activation_grad",
    },
    "update": {
        "weights_before",
        "weights",
        "biases_before",
        "biases",
        "weight_changes",
        "bias_changes",
        "learning_rate",
        "optimizer",
        "optimizer_state",
    },
}
EXAMPLE_KEYS = {
    "forward": {"a_prev", "z", "a"},
    "loss": {"loss", "output", "target", "grad_output"},
    "backward": {"delta", "grad_weights", "grad_input", "activation_grad"},
    "update": set(),
}


def test_records_follow_the_contract() -> None:
    st = stepper(hidden=(4, 2), batch_size=6, selected=3)
    records = st.step_iteration()
    assert [(r["phase"], r["layer"]) for r in records] == [
        ("forward", 1), ("forward", 2), ("forward", 3), ("loss", None),
        ("backward", 3), ("backward", 2), ("backward", 1), ("update", None),
    ]  # fmt: skip
    sizes = [2, 4, 2, 1]
    for record in records:
        phase, layer = record["phase"], record["layer"]
        assert set(record) == RECORD_KEYS[phase] | {"phase", "layer", "step", "epoch", "batch", "example"}
        assert set(record["example"]) == EXAMPLE_KEYS[phase] | {"index", "in_batch"}
        assert record["step"] == 0 and record["epoch"] == 0 and record["batch"].shape == (6,)
        assert record["example"]["index"] == 3
        if phase == "forward":
            assert record["a_prev"].shape == (6, sizes[layer - 1]) and record["z"].shape == (6, sizes[layer])
            assert record["example"]["z"].shape == (sizes[layer],)
        if phase == "backward":
            assert record["grad_weights"].shape == (sizes[layer], sizes[layer - 1])
            assert record["grad_biases"].shape == (sizes[layer],)
            assert record["grad_input"].shape == (6, sizes[layer - 1])
            assert record["example"]["grad_weights"].shape == (sizes[layer], sizes[layer - 1])
    update = records[-1]
    for before, after, change in zip(
        update["weights_before"], update["weights"], update["weight_changes"], strict=True
    ):
        np.testing.assert_array_equal(after - before, change)
    np.testing.assert_array_equal(update["weights"][0], st.net.weights()[0])
    assert update["learning_rate"] == 0.03 and update["optimizer"] == "sgd"


@pytest.mark.parametrize(
    "config",
    [
        {},
        dict(act="relu", out="softmax", loss="mse", n_out=3, regularization="l2", regularization_rate=0.1),
        dict(
            act="gelu", out="sigmoid", loss="bce", hidden=(3,), regularization="l1", regularization_rate=0.1
        ),
    ],
)
def test_batch_records_agree_with_the_reference_network(config: dict[str, Any]) -> None:
    st = stepper(**config)
    for _ in range(3):
        st.train(1)  # move away from the initial parameters
    before = st.net.theta.copy()
    records = st.step_iteration()
    batch = records[0]["batch"]
    x, y = st.x[batch], st.y[batch]
    st.net.buffers[st.net.parity][:] = before  # the reference runs at the iteration's parameters
    layers = st.net.forward(x)
    loss = LOSSES[config.get("loss", "half_sse")]
    grad_w, grad_b = st.net.gradients(
        x, y, loss, config.get("regularization", "none"), config.get("regularization_rate", 0.0)
    )
    depth = st.net.depth
    for layer in range(1, depth + 1):
        fwd = records[layer - 1]
        np.testing.assert_allclose(fwd["z"], layers[layer - 1][0], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(fwd["a"], layers[layer - 1][1], rtol=1e-12, atol=1e-14)
        bwd = records[2 * depth + 1 - layer]
        assert bwd["layer"] == layer
        np.testing.assert_allclose(bwd["grad_weights"], grad_w[layer - 1], rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(bwd["grad_biases"], grad_b[layer - 1], rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(
            bwd["grad_weights"], bwd["grad_weights_data"] + bwd["grad_weights_reg"], rtol=1e-15, atol=0
        )
    z, a = layers[-1]
    loss_record = records[depth]
    assert loss_record["loss"] == pytest.approx(float(np.mean(loss.value(z, a, y))), rel=1e-13)
    np.testing.assert_allclose(loss_record["per_example"], loss.value(z, a, y), rtol=1e-13)
    assert loss_record["total"] == loss_record["loss"] + loss_record["regularization"]


def test_the_selected_example_is_traced_alongside_and_never_joins_the_batch_mean() -> None:
    st = stepper(batch_size=5, shuffle=False, selected=20)  # batches 0–4, 5–9, ...: 20 is not in the first
    records = st.step_iteration()
    assert records[0]["batch"].tolist() == [0, 1, 2, 3, 4]
    assert records[0]["example"]["in_batch"] is False
    trace = trace_example(stepper(batch_size=5, shuffle=False).net, st.x[20], st.y[20], st.loss)
    np.testing.assert_array_equal(records[0]["example"]["z"], trace["layers"][0]["z"])
    np.testing.assert_array_equal(records[3]["example"]["grad_output"], trace["grad_output"])
    # the batch gradient is the mean over the five batch rows only
    net = stepper(batch_size=5, shuffle=False).net
    grad_w, _ = net.gradients(st.x[:5], st.y[:5], st.loss, "none", 0.0)
    np.testing.assert_allclose(records[6]["grad_weights"], grad_w[0], rtol=1e-12)
    st.select(7)  # in the next batch (5–9): its row of the batch matches its own values
    records = st.step_iteration()
    assert records[0]["example"]["in_batch"] is True and records[0]["example"]["index"] == 7
    np.testing.assert_allclose(records[1]["z"][2], records[1]["example"]["z"], rtol=1e-13)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_the_traced_example_carries_its_activation_derivative(name: str) -> None:
    config = {**CONFIGS[name], "batch_size": 37, "selected": 11}  # full batch: the example is in it
    st = stepper(**config)
    st.train(2)  # away from the initial parameters
    records = st.step_iteration()
    row = records[0]["batch"].tolist().index(11)
    backward = {r["layer"]: r for r in records if r["phase"] == "backward"}
    forward = {r["layer"]: r for r in records if r["phase"] == "forward"}
    for layer, record in backward.items():
        example, act = record["example"], st.net.activations[layer - 1]
        slope = example["activation_grad"]
        if act.name == "softmax":  # not elementwise: no g'(z), like the batch key
            assert slope is None and record["activation_grad"] is None
            continue
        z, a = forward[layer]["example"]["z"], forward[layer]["example"]["a"]
        np.testing.assert_array_equal(slope, act.derivative(z, a))
        np.testing.assert_allclose(slope, record["activation_grad"][row], rtol=1e-12, atol=1e-15)
        if act.name == "tanh":  # g'(z) = 1 − a², from the example's own forward values
            np.testing.assert_allclose(slope, 1 - a**2, rtol=1e-15, atol=1e-16)
        if layer < st.net.depth:  # chain rule: δ^l = ∂ℓ/∂a^l ⊙ g'(z^l), ∂ℓ/∂a^l from the layer above
            np.testing.assert_array_equal(
                example["delta"], backward[layer + 1]["example"]["grad_input"] * slope
            )
