"""Divergence: the error names where values stopped being finite; nothing of that iteration is kept."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.config import LIMITS
from app.engine.errors import DivergenceError
from app.engine.stepper import Stepper
from tests.engine.factory import stepper


def diverging(**config: Any) -> Stepper:
    """Linear regression (one linear hidden layer) with learning rate 10: the weights explode."""
    return stepper(
        hidden=(3,), act="linear", out="linear", loss="mse", learning_rate=10.0, batch_size=8, **config
    )


def test_divergence_stops_with_the_phase_and_keeps_the_last_finite_parameters() -> None:
    st = diverging()
    good = [st.net.theta.copy()]
    with pytest.raises(DivergenceError) as caught:
        for _ in range(200):
            st.train(1)
            good.append(st.net.theta.copy())
    error = caught.value
    assert error.step == st.step == len(good) - 1
    assert error.phase in ("forward", "loss", "backward", "update")
    assert (error.layer is None) == (
        error.phase in ("loss", "update") and error.quantity in ("loss", "regularization", "grad_output")
    )
    assert error.quantity in (
        "z",
        "a",
        "loss",
        "grad_output",
        "delta",
        "grad_weights",
        "grad_biases",
        "grad_input",
        "weights",
        "biases",
    )
    assert f"step {error.step}" in error.message and error.quantity in error.message
    np.testing.assert_array_equal(st.net.theta, good[-1])  # nothing of the failed iteration was committed
    assert np.all(np.isfinite(st.net.theta)) and np.all(np.abs(st.net.theta) <= LIMITS.divergence_threshold)
    assert (
        st.cursor()["phase"] == "forward" and st.cursor()["layer"] == 1 and st.cursor()["step"] == error.step
    )
    assert error.report() == {
        "step": error.step, "phase": error.phase, "layer": error.layer, "quantity": error.quantity,
        "message": error.message,
    }  # fmt: skip


def test_divergence_is_found_at_the_same_place_phase_by_phase() -> None:
    fast, slow = diverging(), diverging()
    with pytest.raises(DivergenceError) as fast_error:
        fast.train(500)
    with pytest.raises(DivergenceError) as slow_error:
        for _ in range(500 * slow.phases):
            slow.step_phase()
    a, b = fast_error.value, slow_error.value
    assert (a.step, a.phase, a.layer, a.quantity) == (b.step, b.phase, b.layer, b.quantity)
    np.testing.assert_array_equal(fast.net.theta, slow.net.theta)
    assert (
        slow.cursor()["phase"] == "forward" and slow.cursor()["layer"] == 1
    )  # back to the iteration's start


def test_training_resumes_after_divergence_with_a_lower_rate() -> None:
    st = diverging()
    start = (st.net.weights(), st.net.biases())
    with pytest.raises(DivergenceError):
        st.train(500)
    step, batch = st.step, st.batch().tolist()
    st.set_hyper(learning_rate=0.01)
    assert st.batch().tolist() == batch  # the abandoned iteration's batch comes again
    st.net.set_parameters(*start)  # the last finite state is already far out: start over from the initial one
    assert st.train(50) == 50 and st.step == step + 50
    assert np.all(np.isfinite(st.net.theta))


def test_no_numpy_warning_escapes_on_overflow() -> None:
    st = diverging(optimizer="momentum")
    with np.errstate(all="raise"), pytest.raises(DivergenceError):  # pytest also turns warnings into errors
        st.train(10_000)
