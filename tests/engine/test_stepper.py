"""The phase machine: identical numbers at every granularity, live changes mid-iteration, the cursor."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine.stepper import Stepper
from tests.engine.factory import CONFIGS, stepper

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
