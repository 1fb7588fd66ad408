"""Inverted dropout (lecture 003): a^l = m^l ⊙ g(z^l)/(1 − p_l) in training, off in evaluation.

Against independent computations: the backpropagated gradient with the masks held fixed against central
differences, the kernel's records against the reference pass with the same masks, the mask statistics
against Bernoulli(1 − p); and the product's determinism: rates 0 are today's runs bit for bit, every way of
stepping gives the same numbers, and replay, seek, branch and checkpoints reproduce a dropout run exactly.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.engine import dropout
from app.engine.errors import EngineError
from app.engine.lab import Lab, LabConfig
from app.timeline.columns import from_columns, to_columns
from tests.support.helpers import new_session
from tests.timeline.test_replay import parameters, seek, state, step

CONFIG = LabConfig(hidden_layers=(6, 5), points=80, batch_size=10, dropout=(0.5, 0.25), learning_rate=0.1)


def test_backprop_with_dropout_matches_central_differences_with_the_mask_fixed() -> None:
    for act in ("tanh", "sigmoid"):
        lab = Lab(replace(CONFIG, activation=act, regularization="l2", regularization_rate=0.01, seed=3))
        lab.train(7)
        lab.step_phase()  # the check uses the masks of the iteration in progress
        errors = lab.gradient_check()
        assert max(layer["max"] for layer in errors) < 1e-7, errors
    # without the masks the same gradient is far off: the check does hold them fixed
    st = lab._stepper
    rows = st.batch()
    scales = dropout.batch_scales(st.seed, st.step, [6, 5], (0.5, 0.25), len(rows), len(rows))
    x, y = lab.data.x_train[rows], lab.data.y_train[rows]
    with_masks = st.net.gradients(x, y, st.loss, "l2", 0.01, scales)
    without = st.net.gradients(x, y, st.loss, "l2", 0.01)
    assert not np.allclose(with_masks[0][0], without[0][0], rtol=1e-3)


def test_the_kernel_computes_the_reference_pass_with_the_batch_masks() -> None:
    lab = Lab(replace(CONFIG, activation="relu", optimizer="adam", learning_rate=0.01))
    lab.train(5)
    records = lab.step_iteration()
    st, rates = lab._stepper, (0.5, 0.25)
    batch = records[0]["batch"]
    masks, scales = dropout.draw(st.seed, 5, [6, 5], rates, len(batch))
    layer_scales = [s.T for s in dropout.split(scales, [6, 5])]
    x, y = lab.data.x_train[batch], lab.data.y_train[batch]
    forward = [r for r in records if r["phase"] == "forward"]
    for layer, record in enumerate(forward[:2], 1):
        p, mask = rates[layer - 1], dropout.split(masks, [6, 5])[layer - 1].T
        assert record["dropout"] == p and np.array_equal(record["mask"], mask)
        g = np.maximum(record["z"], 0.0)
        assert np.array_equal(record["g"], g)
        assert np.array_equal(record["a"], g * (mask / (1.0 - p)))  # m ⊙ g(z) / (1 − p)
    assert "mask" not in forward[2] and "dropout" not in forward[2]  # never on the output layer
    # the update used the gradients of the reference pass with the same masks (theta before: weights_before)
    update = records[-1]
    net = st.net
    before = net.theta.copy()
    net.layout.pack(update["weights_before"], update["biases_before"], net.theta)
    grad_w, grad_b = net.gradients(x, y, st.loss, "none", 0.0, layer_scales)
    net.theta[:] = before
    backward = {r["layer"]: r for r in records if r["phase"] == "backward"}
    for layer in (1, 2, 3):
        assert np.allclose(backward[layer]["grad_weights"], grad_w[layer - 1], rtol=1e-12, atol=1e-15)
        assert np.allclose(backward[layer]["grad_biases"], grad_b[layer - 1], rtol=1e-12, atol=1e-15)
    # δ^l passes through the same mask and scale
    b1, b2 = backward[1], backward[2]
    assert np.array_equal(b1["mask"], forward[0]["mask"])
    expected = (b2["grad_input"] * b1["activation_grad"]) * layer_scales[0]
    assert np.array_equal(b1["delta"], expected)


def test_the_traced_example_carries_its_mask_and_matches_its_batch_column() -> None:
    lab = Lab(replace(CONFIG, batch_size=80))  # every example in every batch
    lab.train(2)
    records = lab.step_iteration()
    first = records[0]
    example, position = first["example"], int(np.flatnonzero(first["batch"] == 0)[0])
    assert example["in_batch"] and example["dropout"] == 0.5
    assert np.array_equal(example["mask"], first["mask"][position])
    assert np.allclose(example["a"], first["a"][position], rtol=1e-13, atol=1e-15)
    assert set(np.unique(example["mask"])) <= {0.0, 1.0}
    back = next(r for r in records if r["phase"] == "backward" and r["layer"] == 1)
    assert np.array_equal(back["example"]["mask"], example["mask"])
    assert np.allclose(back["example"]["delta"], back["delta"][position], rtol=1e-12, atol=1e-15)
    outside = Lab(replace(CONFIG, batch_size=1, shuffle=False, selected=5))
    record = outside.step_phase()
    assert not record["example"]["in_batch"] and len(record["example"]["mask"]) == 6


def test_mask_statistics_and_the_inverted_scale() -> None:
    rates, hidden, n = (0.25, 0.75, 0.0), [16, 16, 8], 5000
    mask, scale = dropout.draw(7, 11, hidden, rates, n)
    for layer, p in zip(dropout.split(mask, hidden), rates, strict=True):
        kept = layer.mean()
        assert abs(kept - (1 - p)) < 4 * np.sqrt(p * (1 - p) / layer.size) + 1e-12
    for layer, m, p in zip(dropout.split(scale, hidden), dropout.split(mask, hidden), rates, strict=True):
        assert np.array_equal(layer, m / (1 - p))
        assert abs(layer.mean() - 1.0) < 0.05  # E[m/(1 − p)] = 1: the expected activation is unchanged
    # a pure function of (seed, step): the same masks again, others at another step or seed
    assert np.array_equal(dropout.draw(7, 11, hidden, rates, n)[0], mask)
    assert not np.array_equal(dropout.draw(7, 12, hidden, rates, n)[0], mask)
    assert not np.array_equal(dropout.draw(8, 11, hidden, rates, n)[0], mask)
    # a higher rate drops a superset of the units (the same uniforms)
    more = dropout.draw(7, 11, hidden, (0.5, 0.75, 0.0), n)[0]
    assert np.all(more[:16] <= mask[:16])


def test_rates_zero_are_the_runs_without_dropout_bit_for_bit() -> None:
    plain, zeros = Lab(replace(CONFIG, dropout=())), Lab(replace(CONFIG, dropout=(0.0, 0.0)))
    for lab in (plain, zeros):
        lab.train(30)
        lab.step_iteration()
    assert np.array_equal(plain.network.theta, zeros.network.theta)
    records = zeros.step_iteration()
    assert not any("mask" in r or "mask" in r["example"] for r in records)


def test_phase_by_phase_and_the_fast_path_give_the_same_numbers() -> None:
    variants: list[dict[str, Any]] = [
        {},
        {"activation": "sigmoid", "optimizer": "momentum", "regularization": "l1"},
    ]
    for changes in variants:
        config = replace(CONFIG, **changes, regularization_rate=0.01)
        fast, phases, mixed = Lab(config), Lab(config), Lab(config)
        fast.train(25)
        for _ in range(25):
            phases.step_iteration()
        for _ in range(5):
            mixed.step_phase()
            mixed.step_phase()
            mixed.train(4)  # finishes the iteration in progress, then three more
            mixed.step_phase()
            mixed.step_iteration()
        assert np.array_equal(fast.network.theta, phases.network.theta)
        assert np.array_equal(fast.network.theta, mixed.network.theta)


def test_evaluation_has_no_dropout() -> None:
    lab = Lab(CONFIG)
    lab.train(20)
    twin = Lab(replace(CONFIG, dropout=()))
    twin.set_parameters(lab.weights, lab.biases)
    assert lab.metrics() == twin.metrics()
    ours, theirs = lab.grids(20, 8), twin.grids(20, 8)
    assert np.array_equal(ours.output, theirs.output)
    net, data = lab.network, lab.data
    z, a = net.forward(data.x_train)[-1]
    assert lab.metrics()["train_loss"] == float(np.mean(lab._stepper.loss.value(z, a, data.y_train)))


def test_rates_are_checked_and_change_live() -> None:
    for rates, field in (((0.5,), "dropout"), ((0.5, 0.95), "dropout[1]"), ((-0.1, 0.0), "dropout[0]")):
        with pytest.raises(EngineError) as caught:
            Lab(replace(CONFIG, dropout=rates))
        assert caught.value.field == field
    lab = Lab(replace(CONFIG, dropout=()))
    lab.train(3)
    lab.step_phase()
    assert lab.set_hyper(dropout=[0.5, 0.25]) == {"dropout": ((), (0.5, 0.25))}
    with pytest.raises(EngineError):
        lab.set_hyper(dropout=[0.5])
    assert "mask" not in lab.step_iteration()[0]  # the iteration in progress ends without it
    assert lab.step_phase()["dropout"] == 0.5
    restored = Lab.restore(lab.checkpoint())  # the masks need no state: a checkpoint reproduces them
    lab.train(10)
    restored.train(10)
    assert np.array_equal(lab.network.theta, restored.network.theta)
    assert dropout.fit_rates((0.5, 0.25), [4]) == (0.5,) and dropout.fit_rates((0.5,), [4, 4]) == (0.5, 0.0)


def test_replay_seek_and_branch_reproduce_a_dropout_run(client: TestClient) -> None:
    config: dict[str, Any] = {"hidden_layers": [4, 3], "points": 80, "batch_size": 5, "dropout": [0.5, 0.2]}
    sid = new_session(client, **config)
    step(client, sid, "iteration", 40)
    response = client.patch(f"/api/sessions/{sid}", json={"dropout": [0.3, 0.0]})  # a live change
    assert response.status_code == 200 and response.json()["config"]["dropout"] == [0.3, 0.0]
    assert response.json()["step"] == 40
    end = step(client, sid, "iteration", 60)["state"]
    twin = new_session(client, **config)
    step(client, twin, "iteration", 40)
    at_40 = parameters(state(client, twin))
    client.patch(f"/api/sessions/{twin}", json={"dropout": [0.3, 0.0]})
    assert parameters(step(client, twin, "iteration", 60)["state"]) == parameters(end)
    assert parameters(seek(client, sid, 40)) == at_40
    for to in (17, 63):
        seek(client, sid, to)
        replayed = step(client, sid, "iteration", 100 - to)["state"]
        assert parameters(replayed) == parameters(end) and replayed["metrics"] == end["metrics"]
        assert replayed["config"]["dropout"] == [0.3, 0.0]
    branch = client.post(f"/api/sessions/{sid}/branch", json={"step": 40, "changes": {"dropout": [0.3, 0.0]}})
    assert branch.status_code in (200, 201), branch.text
    forked = branch.json()["id"]
    assert parameters(step(client, forked, "iteration", 60)["state"]) == parameters(end)


def test_a_state_file_written_before_dropout_reads_back() -> None:
    from tests.timeline.test_columns import BOUNDS, random_run

    timeline, _ = random_run(4, events=2)
    columns = json.loads(json.dumps(to_columns(timeline)))
    for entry in columns["hypers"] + columns["configs"]:
        entry.pop("dropout")
    restored = from_columns(columns, BOUNDS)
    lab = Lab.restore(restored.frames[-1].saved)
    assert lab.config.dropout == () and lab._stepper.hyper.dropout == ()
    lab.train(3)
