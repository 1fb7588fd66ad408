"""The phase machine: identical numbers at every granularity, the record contract, batches and epochs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.engine.losses import LOSSES
from app.engine.records import trace_example
from app.engine.stepper import Stepper
from tests.engine.factory import stepper

CONFIGS: dict[str, dict[str, Any]] = {
    "default tanh half_sse sgd": {},
    "softmax CE adam l2 relu": dict(
        act="relu",
        out="softmax",
        loss="cross_entropy",
        n_out=3,
        optimizer="adam",
        regularization="l2",
        regularization_rate=0.01,
        learning_rate=0.01,
    ),
    "sigmoid bce momentum l1 frozen biases": dict(
        act="sigmoid",
        out="sigmoid",
        loss="bce",
        optimizer="momentum",
        regularization="l1",
        regularization_rate=0.003,
        train_biases=False,
        learning_rate=0.3,
    ),
    "gelu linear mse multi-output batch 8": dict(act="gelu", out="linear", loss="mse", n_out=3, batch_size=8),
    "leaky tanh sse drop_last": dict(act="leaky_relu", loss="sse", drop_last=True, batch_size=5),
    "softmax mse sigmoid hidden": dict(act="sigmoid", out="softmax", loss="mse", n_out=2, learning_rate=1.0),
    "no hidden layer": dict(hidden=(), out="sigmoid", loss="half_sse", learning_rate=0.5),
    "per-layer activations 3 hidden": dict(hidden=(5, 3, 4), act=("relu", "tanh", "gelu"), batch_size=40),
    "sigmoid output sigmoid hidden mse": dict(act="sigmoid", out="sigmoid", loss="mse", batch_size=1),
}
ITERATIONS = 13


def same_state(a: Stepper, b: Stepper) -> bool:
    """Bit-identical parameters and optimizer state, and the same cursor."""
    if not np.array_equal(a.net.theta, b.net.theta) or a.cursor() != b.cursor():
        return False
    sa, sb = a.optimizer.state(), b.optimizer.state()
    return all(
        np.array_equal(np.concatenate([v.ravel() for v in sa[k]]), np.concatenate([v.ravel() for v in sb[k]]))
        for k in sa
        if isinstance(sa[k], list)
    )


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_phase_iteration_epoch_and_train_give_identical_numbers(name: str) -> None:
    config = CONFIGS[name]
    by_phase, by_iteration, by_train, mixed = (stepper(**config) for _ in range(4))
    for _ in range(ITERATIONS * by_phase.phases):
        by_phase.step_phase()
    for _ in range(ITERATIONS):
        by_iteration.step_iteration()
    assert by_train.train(ITERATIONS) == ITERATIONS
    for _ in range(3):  # start an iteration phase by phase, finish it and the rest on the fast path
        mixed.step_phase()
    assert mixed.train(ITERATIONS) == ITERATIONS
    assert not np.array_equal(by_train.net.theta, stepper(**config).net.theta)  # it did train
    for other in (by_iteration, by_train, mixed):
        assert same_state(by_phase, other)
    by_epoch, by_train = stepper(**config), stepper(**config)
    by_epoch.step_epoch()
    by_epoch.step_epoch()
    by_train.train(by_epoch.step)
    assert by_epoch.cursor()["epoch"] == 2 and by_epoch.cursor()["batch_in_epoch"] == 0
    assert same_state(by_epoch, by_train)


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
    "backward": {"delta", "grad_weights", "grad_input"},
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


def test_changes_during_an_iteration_apply_from_the_next_one() -> None:
    st = stepper()
    for _ in range(3):
        st.step_phase()
    st.set_hyper(learning_rate=0.5, batch_size=3)
    assert st.hyper.learning_rate == 0.03  # the iteration in progress keeps its settings
    records = st.step_iteration()
    assert records[-1]["learning_rate"] == 0.03 and len(records[-1]["batch"]) == 10
    assert st.hyper.learning_rate == 0.5
    records = st.step_iteration()
    assert records[-1]["learning_rate"] == 0.5 and len(records[-1]["batch"]) == 3


def test_optimizer_switch_starts_fresh_state() -> None:
    st = stepper(optimizer="momentum")
    st.train(3)
    st.set_hyper(optimizer="adam")
    state = st.optimizer.state()
    assert state["name"] == "adam" and state["t"] == 0
    st.train(2)
    assert st.optimizer.state()["t"] == 2


def test_zero_init_keeps_the_neurons_of_a_layer_identical() -> None:
    st = stepper(hidden=(4, 3), init="zeros", learning_rate=0.5, rows=40)
    st.train(60)
    w1, w2, w3 = st.net.weights()
    b1, b2, _ = st.net.biases()
    assert np.all(w1 == w1[0]) and np.all(b1 == b1[0])  # every hidden neuron has the same weights
    assert np.all(w2 == w2[0, 0]) and np.all(b2 == b2[0])
    assert np.all(w3 == w3[0, 0]) and not np.all(w3 == 0)  # the output layer did learn


def test_step_activation_gives_zero_hidden_gradients() -> None:
    st = stepper(hidden=(4,), act="step")
    start = st.net.weights()
    records = st.step_iteration()
    backward = {r["layer"]: r for r in records if r["phase"] == "backward"}
    assert np.all(backward[1]["activation_grad"] == 0) and np.all(backward[1]["grad_weights"] == 0)
    assert np.any(backward[2]["grad_weights"] != 0)
    st.train(20)
    np.testing.assert_array_equal(st.net.weights()[0], start[0])  # nothing before the step learns


def test_frozen_biases_never_move() -> None:
    st = stepper(train_biases=False, optimizer="adam")
    biases = st.net.biases()
    st.train(30)
    for before, after in zip(biases, st.net.biases(), strict=True):
        np.testing.assert_array_equal(before, after)


def test_cursor_walks_through_the_phases() -> None:
    st = stepper(hidden=(3,))
    seen = []
    for _ in range(st.phases):
        cursor = st.cursor()
        seen.append((cursor["phase"], cursor["layer"]))
        st.step_phase()
    assert seen == [
        ("forward", 1),
        ("forward", 2),
        ("loss", None),
        ("backward", 2),
        ("backward", 1),
        ("update", None),
    ]
    assert st.cursor()["step"] == 1 and st.cursor()["batch_in_epoch"] == 1
