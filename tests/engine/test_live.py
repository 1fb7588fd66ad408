"""Live changes through the Lab, as docs/engine.md states them: parameters, data, shuffle, reset, checks."""

from __future__ import annotations

import numpy as np

from app.config import LIMITS
from app.engine.gradcheck import gradient_check
from app.engine.lab import Lab, LabConfig
from app.engine.losses import LOSSES


def test_a_parameter_edit_reruns_the_same_batch_with_the_new_value() -> None:
    lab = Lab(LabConfig(hidden_layers=[3]))
    lab.train(4)
    first = lab.step_phase()
    lab.step_phase()
    lab.set_hyper(learning_rate=0.5)
    assert lab.config.learning_rate == 0.5  # the config shows it at once
    lab.set_weight(1, 0, 0, 2.0)
    assert lab.cursor["step"] == 4 and (lab.cursor["phase"], lab.cursor["layer"]) == ("forward", 1)
    again = lab.step_iteration()
    np.testing.assert_array_equal(again[0]["batch"], first["batch"])  # the same batch, from its start
    x = lab.data.x_train[first["batch"]]
    w = again[-1]["weights_before"][0]
    assert w[0, 0] == 2.0
    np.testing.assert_allclose(again[0]["z"], x @ w.T + again[-1]["biases_before"][0], rtol=1e-13, atol=1e-15)
    assert again[-1]["learning_rate"] == 0.5  # the abandoned iteration's successor takes the new rate


def test_a_data_edit_restarts_the_epoch_and_keeps_counting() -> None:
    lab = Lab(LabConfig(batch_size=50))  # 250 training examples: 5 batches per epoch
    lab.train(7)
    assert lab.cursor["epoch"] == 1 and lab.cursor["batch_in_epoch"] == 2
    lab.step_phase()
    lab.add_point(1.0, 1.0, 1)
    cursor = lab.cursor
    assert (cursor["step"], cursor["epoch"], cursor["batch_in_epoch"]) == (7, 1, 0)
    assert cursor["batches_per_epoch"] == 6  # 251 examples
    seen = [index for _ in range(6) for index in lab.step_iteration()[0]["batch"].tolist()]
    assert sorted(seen) == list(range(251)) and lab.cursor["epoch"] == 2  # one whole new order


def test_shuffle_changes_from_the_next_epoch() -> None:
    lab = Lab(LabConfig(batch_size=50))
    order = [lab.step_iteration()[0]["batch"].tolist() for _ in range(2)]
    lab.set_hyper(shuffle=False)
    order += [lab.step_iteration()[0]["batch"].tolist() for _ in range(3)]
    flat = [index for batch in order for index in batch]
    assert sorted(flat) == list(range(250)) and flat != list(range(250))  # the epoch kept its shuffled order
    assert lab.step_iteration()[0]["batch"].tolist() == list(range(50))  # the next epoch is in order


def test_reset_keeps_the_data_the_selection_and_the_live_settings() -> None:
    lab = Lab(LabConfig(points=40, seed=3))
    initial = lab.weights
    lab.add_point(0.5, -0.5, 0)
    lab.select(7)
    lab.set_hyper(learning_rate=0.2, batch_size=4)
    lab.train(12)
    lab.reset()
    assert lab.data.n_train == 21 and lab.config.selected == 7 and lab.config.learning_rate == 0.2
    assert lab.cursor == {
        "step": 0, "epoch": 0, "batch_in_epoch": 0, "batches_per_epoch": 6, "phase": "forward", "layer": 1,
    }  # fmt: skip
    for got, want in zip(lab.weights, initial, strict=True):
        np.testing.assert_array_equal(got, want)
    record = lab.step_phase()
    assert record["example"]["index"] == 7 and len(record["batch"]) == 4


def test_the_gradient_check_uses_the_first_examples_of_the_batch() -> None:
    lab = Lab(LabConfig(hidden_layers=[3], batch_size=100, regularization="l1", regularization_rate=0.01))
    lab.train(1)
    lab.step_phase()  # mid-iteration: the iteration's own batch
    batch = lab.step_phase()["batch"]
    assert len(batch) == 100 > LIMITS.gradcheck_max_examples
    rows = batch[: LIMITS.gradcheck_max_examples]
    data, loss = lab.data, LOSSES[lab.config.loss]
    want = gradient_check(lab.network, data.x_train[rows], data.y_train[rows], loss, "l1", 0.01)
    got = lab.gradient_check()
    for mine, theirs in zip(got, want, strict=True):
        np.testing.assert_array_equal(mine["weights_rel_error"], theirs["weights_rel_error"])
        np.testing.assert_array_equal(mine["biases_rel_error"], theirs["biases_rel_error"])
