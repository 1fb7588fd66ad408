"""Optimizers: each update rule worked by hand, purity until commit, frozen biases, readable state."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.config import LIMITS
from app.engine.network import Layout
from app.engine.optimizers import OPTIMIZERS, SGD, Adam, Momentum

LAYOUT = Layout([2, 1])  # one layer: W (1, 2), b (1,)
W = [np.array([[0.5, -1.0]])]
B = [np.array([0.25])]
GW = [np.array([[0.2, -0.4]])]
GB = [np.array([0.1])]


def test_sgd_step() -> None:
    new_w, new_b = SGD(LAYOUT).update(W, B, GW, GB, lr=0.5)
    np.testing.assert_array_equal(new_w[0], W[0] - 0.5 * GW[0])
    np.testing.assert_array_equal(new_b[0], B[0] - 0.5 * GB[0])


def test_momentum_two_steps_by_hand() -> None:
    opt = Momentum(LAYOUT, momentum=0.9)
    w1, b1 = opt.update(W, B, GW, GB, lr=0.1)
    opt.commit()
    w2, _ = opt.update(w1, b1, GW, GB, lr=0.1)
    v1 = GW[0]  # v ← 0.9·0 + g
    v2 = 0.9 * v1 + GW[0]
    np.testing.assert_allclose(w1[0], W[0] - 0.1 * v1, rtol=1e-15)
    np.testing.assert_allclose(w2[0], W[0] - 0.1 * v1 - 0.1 * v2, rtol=1e-15)
    state = opt.state()
    assert state["name"] == "momentum" and state["momentum"] == 0.9
    np.testing.assert_array_equal(state["velocity_w"][0], v1)  # the committed state: step 2 is pending
    np.testing.assert_array_equal(state["velocity_b"][0], GB[0])


def test_adam_first_two_steps_by_hand() -> None:
    b1, b2, eps = LIMITS.adam_beta1, LIMITS.adam_beta2, LIMITS.adam_epsilon
    opt = Adam(LAYOUT)
    lr = 0.01
    w1, bias1 = opt.update(W, B, GW, GB, lr=lr)
    opt.commit()
    w2, _ = opt.update(w1, bias1, GW, GB, lr=lr)
    g = GW[0][0, 0]
    m1, v1 = (1 - b1) * g, (1 - b2) * g * g
    step1 = lr * (m1 / (1 - b1)) / (math.sqrt(v1 / (1 - b2)) + eps)
    m2, v2 = b1 * m1 + (1 - b1) * g, b2 * v1 + (1 - b2) * g * g
    step2 = lr * (m2 / (1 - b1**2)) / (math.sqrt(v2 / (1 - b2**2)) + eps)
    assert w1[0][0, 0] == pytest.approx(W[0][0, 0] - step1, rel=1e-14)
    assert w2[0][0, 0] == pytest.approx(W[0][0, 0] - step1 - step2, rel=1e-14)
    state = opt.state()
    assert state["t"] == 1 and {"m_w", "v_w", "m_b", "v_b", "beta1", "beta2", "epsilon"} <= set(state)
    assert state["m_w"][0][0, 0] == pytest.approx(m1) and state["v_w"][0][0, 0] == pytest.approx(v1)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_update_mutates_nothing_until_commit(name: str) -> None:
    opt = OPTIMIZERS[name](LAYOUT)
    w, b = [W[0].copy()], [B[0].copy()]
    before = opt.state()
    opt.update(w, b, GW, GB, lr=0.1)
    assert np.array_equal(w[0], W[0]) and np.array_equal(b[0], B[0])
    after = opt.state()
    assert after["t"] == before["t"] == 0
    for key, value in before.items():
        if isinstance(value, list):
            assert all(np.array_equal(x, y) for x, y in zip(value, after[key], strict=True))


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_frozen_biases_keep_their_value_and_state(name: str) -> None:
    opt = OPTIMIZERS[name](LAYOUT)
    w, b = W, B
    for _ in range(3):
        w, b = opt.update(w, b, GW, GB, lr=0.1, train_biases=False)
        opt.commit()
    assert np.array_equal(b[0], B[0])
    assert not np.array_equal(w[0], W[0])
    for key, value in opt.state().items():
        if key.endswith("_b"):
            assert np.array_equal(value[0], np.zeros(1))  # never accumulated while frozen
