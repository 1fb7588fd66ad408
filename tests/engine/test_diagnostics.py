"""The network's analyses: dead and saturated units, symmetry after zero init, the gradient norms of the last
update, the gradient check's verdict and kinks, and random restarts against independently created runs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from app.config import LIMITS, VIEWS
from app.engine import diagnostics, restarts
from app.engine.lab import Lab, LabConfig
from app.engine.losses import LOSSES


def relu_lab() -> Lab:
    """2-4-3-1 ReLU: layer 1 has units 0 and 1 dead (z = −1 and z = 0 on every example), unit 2 active on
    exactly one training example, unit 3 always active; layer 2 has unit 0 dead, unit 1 always active and
    unit 2 active on that one example."""
    lab = Lab(LabConfig(hidden_layers=(4, 3), activation="relu", output_activation="sigmoid", loss="bce"))
    x = lab.data.x_train
    top = float(np.max(x[:, 0]))
    second = float(np.sort(x[:, 0])[-2])
    w1 = [[0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]
    b1 = [-1.0, 0.0, -(top + second) / 2, 100.0]  # unit 1: z = 0 exactly (≤ 0: dead)
    w2 = [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 0.0]]
    lab.set_parameters([w1, w2, [[1.0, 1.0, 1.0]]], [b1, [-0.5, 0.0, 0.0], [0.0]])
    return lab


def test_dead_relus_are_units_with_z_at_most_zero_on_every_training_example() -> None:
    lab = relu_lab()
    names = diagnostics.layer_activations(lab.config)
    assert diagnostics.dead_units(lab.network, lab.data.x_train, names) == [2, 1, None]
    # unit 2 of layer 2 is fed by the unit active on one example only: z > 0 there, so it is alive
    report = diagnostics.analyse(lab)
    assert [layer["dead"] for layer in report["layers"]] == [2, 1, None]
    # saturated (health.py): a dead ReLU has g' = 0 everywhere; the one-example unit on ≥ 80 % too
    assert [layer["saturated"] for layer in report["layers"]] == [3, 2, None]


def test_saturated_units_per_layer_use_health_definition() -> None:
    config = LabConfig(hidden_layers=(3, 2), activation="tanh", output_activation="tanh", loss="half_sse")
    lab = Lab(config)
    lab.set_parameters(
        [np.zeros((3, 2)), np.full((2, 3), 0.1), np.full((1, 2), 0.1)], [[50.0, 0.0, -50.0], [0, 0], [0]]
    )
    names = diagnostics.saturation_names(lab.config)
    assert names == ["tanh", "tanh", "tanh"]  # a tanh output's g' enters δ^L
    counts = [layer["saturated"] for layer in diagnostics.analyse(lab)["layers"]]
    # independently: g' = 1 − tanh²(z) ≤ slope on at least the fraction of examples
    z1 = lab.data.x_train @ np.zeros((2, 3)) + [50.0, 0.0, -50.0]
    flat = np.mean(1 - np.tanh(z1) ** 2 <= LIMITS.saturation_slope, axis=0) >= LIMITS.saturation_examples
    assert counts[0] == int(flat.sum()) == 2
    assert counts[1:] == [0, 0]


def test_identical_rows_after_zero_init_stay_identical() -> None:
    config = LabConfig(hidden_layers=(4, 3), activation="tanh", init="zeros", bias_init=0.1, seed=3)
    lab = Lab(config)
    for _ in range(2):
        groups = diagnostics.symmetric_groups(lab.network)
        assert groups[0] == [{"units": [0, 1, 2, 3], "outgoing_identical": True}]
        assert groups[1] == [{"units": [0, 1, 2], "outgoing_identical": True}]
        assert groups[2] == []  # a single output unit has nothing to be identical with
        lab.train(60)
    w1 = lab.weights[0]
    assert np.all(w1 == w1[0]) and np.any(w1 != 0.0)  # learned, and still identical
    random = Lab(replace(config, init="xavier"))
    assert diagnostics.symmetric_groups(random.network) == [[], [], []]


def reference_norms(lab: Lab, rows: np.ndarray) -> list[float]:
    """‖∂L/∂W^l‖ by the network's reference backprop (not the stepper's kernel) on `rows`."""
    st = lab.config
    grad_w, _ = lab.network.gradients(
        lab.data.x_train[rows],
        lab.data.y_train[rows],
        LOSSES[st.loss],
        st.regularization,
        st.regularization_rate,
    )
    return [float(np.linalg.norm(g)) for g in grad_w]


def test_gradient_norms_are_those_of_the_gradient_the_last_update_used() -> None:
    config = LabConfig(
        hidden_layers=(5, 3),
        activation="sigmoid",
        batch_size=10,
        shuffle=False,
        regularization="l2",
        regularization_rate=0.01,
        seed=2,
    )
    lab = Lab(config)
    assert diagnostics.gradient_norms(lab.network, lab.last_gradient()) is None
    for iterations, way in ((7, "train"), (1, "iteration"), (1, "phases")):
        k = lab.step
        rows = np.arange(10 * k, 10 * k + 10) % lab.data.n_train
        expected = reference_norms(lab, rows)  # before the update: what the update uses
        if way == "train":
            lab.train(iterations - 1)
            rows = np.arange(10 * lab.step, 10 * lab.step + 10)
            expected = reference_norms(lab, rows)
            lab.train(1)
        elif way == "iteration":
            lab.step_iteration()
        else:
            while lab.step == k:
                lab.step_phase()
        got = diagnostics.gradient_norms(lab.network, lab.last_gradient())
        assert got is not None
        np.testing.assert_allclose(np.array(got), np.array(expected), rtol=1e-12)
    # an iteration begun by phases (its backward run) leaves the last update's norms as they were
    before = diagnostics.gradient_norms(lab.network, lab.last_gradient())
    lab.train(3)
    before = diagnostics.gradient_norms(lab.network, lab.last_gradient())
    for _ in range(2 * lab.network.depth + 1):
        lab.step_phase()
    assert diagnostics.gradient_norms(lab.network, lab.last_gradient()) == before


def test_the_vanishing_gradient_preset_shows_it_and_relu_does_not() -> None:
    base = LabConfig(
        hidden_layers=(8,) * 6,
        activation="sigmoid",
        output_activation="sigmoid",
        loss="bce",
        init="xavier",
        bias_init=0.0,
        learning_rate=0.1,
    )
    for config, vanishing in ((base, True), (replace(base, activation="relu", init="he"), False)):
        lab = Lab(config)
        lab.train(25)
        norms = diagnostics.gradient_norms(lab.network, lab.last_gradient())
        assert norms is not None
        assert (norms[0] < 0.01 * norms[5]) is vanishing


def test_gradient_check_verdicts_and_kinks() -> None:
    smooth = Lab(LabConfig(hidden_layers=(3,), activation="tanh"))
    report = diagnostics.gradcheck_report(smooth, smooth.gradient_check())
    assert report["verdict"] == "agrees" and not report["near_kink"]
    assert all(r["weights_max"] < VIEWS.gradcheck_agree for r in report["rows"])
    kinked = Lab(LabConfig(hidden_layers=(2,), activation="relu"))
    kinked.set_parameters([np.zeros((2, 2)), [[1.0, 1.0]]], [[0.0, 0.5], [0.0]])  # unit 0: z = 0 exactly
    report = diagnostics.gradcheck_report(kinked, kinked.gradient_check())
    rows = len(kinked.gradcheck_rows())
    assert report["near_kink"] and report["kinks"] == [
        {"what": "relu", "layer": 1, "count": rows, "closest": 0.0}
    ]
    assert [diagnostics.verdict(e) for e in (1e-9, 1e-5, 1e-2, float("nan"), None)] == [
        "agrees",
        "close",
        "disagrees",
        "disagrees",
        "disagrees",
    ]


def test_restarts_equal_independently_created_runs_and_the_best_is_the_lowest() -> None:
    config = LabConfig(hidden_layers=(3,), activation="tanh", learning_rate=0.1, seed=11, batch_size=25)
    data = Lab(config).data
    seeds = restarts.seeds_from(11, 3)
    report = restarts.restarts(config, data, seeds, 4)
    assert [run["seed"] for run in report["runs"]] == [11, 12, 13]
    for run in report["runs"]:
        own = Lab(replace(config, seed=run["seed"]), data)  # built with that seed, stepped by records
        curve = [own.metrics()["train_loss"]]
        for _ in range(4):
            own.step_epoch()
            curve.append(own.metrics()["train_loss"])
        assert run["train_loss"] == curve and run["diverged"] is None
    finals = [run["train_loss"][-1] for run in report["runs"]]
    assert report["best"] == int(np.argmin(finals))


def test_restart_work_is_bounded_naming_epochs() -> None:
    lab = Lab(LabConfig(hidden_layers=(16,) * 6, points=2000, batch_size=1))
    try:
        restarts.check_work(lab, 16, 500)
    except ValueError as error:
        assert error.field == "epochs" and "allowed 1.." in str(error)  # type: ignore[attr-defined]
    else:
        raise AssertionError("16 × 500 epochs of 1000 single-example batches passed the bound")
