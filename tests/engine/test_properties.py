"""Property tests over shapes, activations, output/loss pairs, hyperparameters and data (hypothesis)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from app.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from app.engine.gradcheck import numeric_gradient
from app.engine.losses import COHERENT_PAIRS, LOSSES
from tests.engine.factory import network, stepper

PAIRS = [(out, loss) for out, losses in COHERENT_PAIRS.items() for loss in losses]
SMOOTH = sorted(set(HIDDEN_ACTIVATIONS) - {"step"})
finite = st.floats(-3.0, 3.0, allow_nan=False)


@st.composite
def problems(draw: st.DrawFn) -> dict[str, Any]:
    """A network with random shape, activations, output/loss pair and parameters, and data for it."""
    hidden = draw(st.lists(st.integers(1, 5), max_size=3))
    acts = [draw(st.sampled_from(SMOOTH)) for _ in hidden]
    out, loss = draw(st.sampled_from(PAIRS))
    n_in, n_out = draw(st.integers(1, 4)), draw(st.integers(2 if out == "softmax" else 1, 4))
    rows = draw(st.integers(1, 6))
    sizes = [n_in, *hidden, n_out]
    net = network(sizes, acts, out, seed=draw(st.integers(0, 10_000)))
    weights = [draw(arrays(np.float64, w.shape, elements=finite)) for w in net.weights()]
    biases = [draw(arrays(np.float64, b.shape, elements=finite)) for b in net.biases()]
    net.set_parameters(weights, biases)
    x = draw(arrays(np.float64, (rows, n_in), elements=finite))
    if out == "softmax":
        y = np.eye(n_out)[draw(arrays(np.int64, rows, elements=st.integers(0, n_out - 1)))]
    elif out == "sigmoid":
        y = draw(arrays(np.float64, (rows, n_out), elements=st.sampled_from([0.0, 1.0])))
    else:
        y = draw(arrays(np.float64, (rows, n_out), elements=finite))
    reg = draw(st.sampled_from(["none", "l1", "l2"]))
    return {"net": net, "x": x, "y": y, "loss": LOSSES[loss], "reg": reg, "rate": draw(st.floats(0.0, 1.0))}


@settings(max_examples=120, deadline=None)
@given(problems())
def test_backprop_gradients_are_finite_and_match_finite_differences(p: dict[str, Any]) -> None:
    net, x, y = p["net"], p["x"], p["y"]
    kinked = {"relu", "leaky_relu"}
    layers = net.forward(x)
    for (z, _), act in zip(layers, net.activations, strict=True):  # hidden and output (a relu output)
        assume(act.name not in kinked or np.abs(z).min() > 1e-2)  # away from the kink at z = 0
    if p["loss"].name == "l1":
        assume(np.abs(layers[-1][1] - y).min() > 1e-2)  # away from |ŷ − y|'s kink
    if p["reg"] == "l1":
        assume(min(np.abs(w).min() for w in net.weights()) > 1e-2)  # away from |W|'s kink at 0
    grad_w, grad_b = net.gradients(x, y, p["loss"], p["reg"], p["rate"])
    analytic = np.zeros(net.layout.size)
    net.layout.pack(grad_w, grad_b, analytic)  # the flat order numeric_gradient uses: [W^l | b^l] row by row
    assert np.all(np.isfinite(analytic))
    numeric = numeric_gradient(net, x, y, p["loss"], p["reg"], p["rate"])
    scale = 1.0 + float(np.abs(net.losses(x, y, p["loss"], "none", 0.0)[0]))  # round-off grows with L
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8 * scale)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 10)), elements=st.floats(-800, 800)))
def test_softmax_rows_are_distributions(z: np.ndarray) -> None:
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        p = OUTPUT_ACTIVATIONS["softmax"].forward(z)
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-13)
    order = np.argsort(z, axis=1, kind="stable")
    assert np.all(np.diff(np.take_along_axis(p, order, axis=1), axis=1) >= 0)  # a larger z, a larger p


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PAIRS), st.data())
def test_losses_are_never_negative(pair: tuple[str, str], data: st.DataObject) -> None:
    out, loss = pair
    n = data.draw(st.integers(2 if out == "softmax" else 1, 5))
    z = data.draw(arrays(np.float64, (3, n), elements=st.floats(-700, 700)))
    if out == "softmax":
        y = np.eye(n)[data.draw(arrays(np.int64, 3, elements=st.integers(0, n - 1)))]
    elif out == "sigmoid":
        y = data.draw(arrays(np.float64, (3, n), elements=st.sampled_from([0.0, 1.0])))
    else:
        y = data.draw(arrays(np.float64, (3, n), elements=st.floats(-1e3, 1e3)))
    act = OUTPUT_ACTIVATIONS[out]
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        values = LOSSES[loss].value(z, act.forward(z), y)
    assert values.shape == (3,) and np.all(np.isfinite(values)) and np.all(values >= 0)


@settings(max_examples=25, deadline=None)
@given(
    pair=st.sampled_from(PAIRS),
    act=st.sampled_from(sorted(HIDDEN_ACTIVATIONS)),
    hidden=st.lists(st.integers(1, 4), max_size=3),
    optimizer=st.sampled_from(["sgd", "momentum", "adam"]),
    reg=st.sampled_from(["none", "l1", "l2"]),
    batch_size=st.integers(1, 30),
    rows=st.integers(1, 25),
    phases=st.integers(0, 30),
    train_biases=st.booleans(),
    drop_last=st.booleans(),
)
def test_fast_training_equals_phase_stepping_bit_for_bit(
    pair: tuple[str, str],
    act: str,
    hidden: list[int],
    optimizer: str,
    reg: str,
    batch_size: int,
    rows: int,
    phases: int,
    train_biases: bool,
    drop_last: bool,
) -> None:
    out, loss = pair
    config: dict[str, Any] = dict(
        hidden=hidden, act=act, out=out, loss=loss, n_out=3 if out == "softmax" else 1, rows=rows,
        optimizer=optimizer, regularization=reg, regularization_rate=0.01, batch_size=batch_size,
        train_biases=train_biases, drop_last=drop_last, learning_rate=0.05,
    )  # fmt: skip
    slow, fast = stepper(**config), stepper(**config)
    for _ in range(phases):
        slow.step_phase()
    iterations = slow.step + 4
    while slow.step < iterations:
        slow.step_phase()
    for _ in range(phases % slow.phases):  # leave the fast one mid-iteration too, then let train finish it
        fast.step_phase()
    fast.train(iterations - fast.step)
    assert fast.step == slow.step
    np.testing.assert_array_equal(fast.net.theta, slow.net.theta)
    assert fast.cursor() == slow.cursor()
