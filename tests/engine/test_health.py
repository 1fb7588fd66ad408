"""Dead-end rules: when a loss has begun to blow up, which units are saturated, when a loss is flat."""

from __future__ import annotations

from app.config import LIMITS
from app.engine import health
from app.engine.lab import Lab, LabConfig


def test_calm_is_within_the_factor_of_the_best_so_far() -> None:
    f = LIMITS.blowup_factor
    assert health.calm(1.0, 1.0) and health.calm(f * 0.5, 0.5)
    assert not health.calm(f * 0.5 * 1.0001, 0.5)
    assert not health.calm(None, 1.0) and not health.calm(float("inf"), 1.0) and not health.calm(1.0, None)
    assert health.calm(0.0, 0.0) and not health.calm(1e-300, 0.0)


def lab_with(hidden: str, weight: float, bias: float) -> Lab:
    """A 2-3-1 network whose hidden weights are all `weight` and biases `bias`."""
    weights = [[[weight, -weight]] * 3, [[0.1, 0.2, 0.3]]]
    biases = [[bias] * 3, [0.0]]
    return Lab(LabConfig(hidden_layers=(3,), activation=hidden, weights=weights, biases=biases))


def test_tanh_units_at_their_plateaus_are_saturated_and_small_weights_are_not() -> None:
    x = lab_with("tanh", 0.1, 0.0).data.x_train
    saturated = lab_with("tanh", 0.0, 50.0)  # z = 50 everywhere: g'(z) = 1 − tanh²(50) ≈ 0
    assert health.saturated_units(saturated.network, x, ["tanh"]) == (3, 3)
    healthy = lab_with("tanh", 0.1, 0.0)
    assert health.saturated_units(healthy.network, x, ["tanh"]) == (0, 3)
    # the output unit counts when named (tanh output with z = 0.1·a... is not saturated)
    assert health.saturated_units(healthy.network, x, ["tanh", "tanh"]) == (0, 4)


def test_dead_relus_count_and_step_and_linear_never_do() -> None:
    dead = lab_with("relu", 0.0, -5.0)  # z = −5 for every example: g' = 0
    x = dead.data.x_train
    assert health.saturated_units(dead.network, x, ["relu"]) == (3, 3)
    for name in ("step", "linear"):
        lab = lab_with(name, 0.0, -5.0)
        assert health.saturated_units(lab.network, x, [name]) == (0, 0)


def test_the_threshold_is_on_the_slope_relative_to_the_largest() -> None:
    # sigmoid: g' ≤ 0.02 × 0.25 = 0.005 ⇔ |z| ≥ 5.29; z = 5 is not saturated, z = 6 is
    x = lab_with("sigmoid", 0.0, 0.0).data.x_train
    assert health.saturated_units(lab_with("sigmoid", 0.0, 5.0).network, x, ["sigmoid"]) == (0, 3)
    assert health.saturated_units(lab_with("sigmoid", 0.0, 6.0).network, x, ["sigmoid"]) == (3, 3)


def test_mostly_saturated_and_flat() -> None:
    assert health.mostly_saturated(6, 7) and not health.mostly_saturated(2, 7)
    assert not health.mostly_saturated(0, 0)
    assert health.flat([1.048, 1.048 * (1 - 1e-9), 1.048])
    assert not health.flat([1.0, 0.99]) and not health.flat([1.0, None]) and not health.flat([])


def test_output_saturates_only_when_its_slope_enters_delta() -> None:
    assert health.output_saturates("tanh", "mse") and health.output_saturates("sigmoid", "mse")
    assert not health.output_saturates("sigmoid", "bce") and not health.output_saturates("linear", "mse")
    assert not health.output_saturates("softmax", "cross_entropy")
