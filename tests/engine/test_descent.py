"""Gradient descent on f(x, y) (app/engine/descent/): the path against the closed form of a quadratic,
lecture 002's three learning rates, the threshold 2/λ_max, paths that overflow and the contour grid."""

from __future__ import annotations

import numpy as np
import pytest

from app.config import LIMITS
from app.engine.descent import (
    FUNCTIONS,
    LECTURE002_RATES,
    StartNotFinite,
    Surface,
    closed_form,
    contour_grid,
    descend,
    quadratic_of,
    verdict,
)
from app.engine.graph import parse_expression

LECTURE = "1.5*x**2 + y**2 + 2"


def surface(text: str) -> Surface:
    return Surface(parse_expression(text, ("x", "y")))


# (f, its Hessian written by hand, its stationary point x*)
QUADRATICS = [
    (LECTURE, [[3.0, 0.0], [0.0, 2.0]], [0.0, 0.0]),
    ("x**2 + 1.8*x*y + y**2", [[2.0, 1.8], [1.8, 2.0]], [0.0, 0.0]),
    ("(x - 1)**2 + 2*(y + 0.5)**2 + 0.5*x*y - 3", [[2.0, 0.5], [0.5, 4.0]], None),
    ("0.5*x**2 + 10*y**2", [[1.0, 0.0], [0.0, 20.0]], [0.0, 0.0]),
]


@pytest.mark.parametrize(("text", "hessian", "stationary"), QUADRATICS)
def test_the_path_of_a_quadratic_is_its_closed_form(
    text: str, hessian: list[list[float]], stationary: list[float] | None
) -> None:
    f = surface(text)
    q = quadratic_of(f)
    assert q is not None
    assert q.hessian.tolist() == hessian  # two gradients of an affine ∇f: no step size, no truncation
    assert q.stationary is not None
    if stationary is not None:
        np.testing.assert_array_equal(q.stationary, stationary)
    g_star = f.value_and_gradient(q.stationary[0], q.stationary[1])[1]
    assert np.abs(g_star).max() < 1e-14  # ∇f(x*) = 0
    threshold = 2 / q.eigenvalues.max()
    for eta in threshold * np.array([0.01, 0.3, 0.5, 0.9, 0.999]):
        start = (3.5, -2.25)
        path = descend(f, start, float(eta), 400)
        assert path.stopped is None and len(path.points) == 401
        exact = closed_form(q, start, float(eta), 400)
        # relative to the distance from x* (what the factors shrink); ~t·ε of rounding after t steps
        scale = np.abs(exact - q.stationary).max(axis=1, keepdims=True) + np.abs(q.stationary).max()
        error = np.abs(path.points - exact) / (scale + 1e-300)
        assert error.max() < 1e-12, (text, eta, error.max())
        values = f.value(path.points[:, 0], path.points[:, 1])
        np.testing.assert_array_equal(path.values, values)


def test_lecture002s_learning_rates_converge_crawl_and_oscillate() -> None:
    f = surface(LECTURE)
    q = quadratic_of(f)
    assert q is not None and q.diagonal
    assert q.eigenvalues.tolist() == [3.0, 2.0]
    found = {}
    for eta in LECTURE002_RATES:
        judged = verdict(q, eta)
        assert judged.factors.tolist() == [1 - 3 * eta, 1 - 2 * eta]  # per axis: 1 − 3η, 1 − 2η
        assert judged.threshold == pytest.approx(2 / 3, rel=1e-15)
        found[eta] = judged.name
        # the path agrees: x_t = (1 − 3η)^t x_0 on the x axis
        path = descend(f, (4.0, 4.0), eta, 50)
        assert path.points[50, 0] == pytest.approx(4.0 * (1 - 3 * eta) ** 50, rel=1e-12)
    assert found == {0.1: "converges", 0.001: "crawls", 0.665757: "oscillates"}
    oscillating = descend(f, (4.0, 4.0), 0.665757, 6).points[:, 0]
    assert np.all(np.sign(oscillating) == [1, -1, 1, -1, 1, -1, 1])  # x jumps across the minimum
    assert np.all(np.abs(np.diff(np.abs(oscillating))) < 0.02)  # and barely gets closer
    assert "0.998" in verdict(q, 0.001).rule and "−0.997271" not in verdict(q, 0.001).rule


def test_the_threshold_two_over_lambda_max() -> None:
    f = surface(LECTURE)
    q = quadratic_of(f)
    assert q is not None
    below, above = verdict(q, 0.666), verdict(q, 0.667)
    assert below.name == "oscillates" and below.rate < 1
    assert above.name == "diverges" and above.rate > 1 and "2/λ_max = 0.666667" in above.rule
    assert verdict(q, 2 / 3).name == "oscillates"  # |1 − 3η| = 1: two points for ever
    for eta, grows in ((0.666, False), (0.667, True)):
        x = descend(f, (1.0, 0.0), eta, 200).points[:, 0]
        assert bool(abs(x[-1]) > 1) is grows
    saddle = quadratic_of(surface("x**2 - y**2"))
    assert saddle is not None and verdict(saddle, 0.1).name == "diverges"
    assert saddle.stationary is not None  # the saddle point; the closed form still holds there
    assert verdict(saddle, 0.1).threshold == pytest.approx(1.0)
    drifting = quadratic_of(surface("x**2 + y"))
    assert drifting is not None and verdict(drifting, 0.1).name == "diverges"
    tiny = quadratic_of(surface("1e-320*x**2 + y**2"))  # ηλ_x is lost next to 1: x never moves
    assert tiny is not None and verdict(tiny, 0.1).name == "crawls" and verdict(tiny, 0.1).threshold == 1.0
    assert quadratic_of(surface("x**4 + y**2")) is None
    assert quadratic_of(surface("exp(x) + y**2")) is None
    tilted = quadratic_of(surface("x**2 + 1.8*x*y + y**2"))
    assert tilted is not None and not tilted.diagonal
    assert tilted.eigenvalues == pytest.approx([0.2, 3.8], rel=1e-14)
    assert np.abs(tilted.axes.T @ tilted.hessian @ tilted.axes - np.diag(tilted.eigenvalues)).max() < 1e-14


@pytest.mark.parametrize(
    ("text", "start", "eta", "quantity"),
    [
        (LECTURE, (4.0, 4.0), 1.0, "f"),  # x doubles each step (1 − 3η = −2) until f passes the threshold
        (LECTURE, (4.0, 4.0), 10.0, "f"),
        ("exp(x**2)", (2.0, 0.0), 1.0, "f"),  # x jumps to −216: e^{x²} overflows
        ("log(x) + y**2", (0.5, 1.0), 1.0, "f"),  # x jumps below 0: log is nan there
    ],
)
def test_a_path_stops_cleanly_where_it_stops_being_finite(
    text: str, start: tuple[float, float], eta: float, quantity: str
) -> None:
    path = descend(surface(text), start, eta, 1000)
    assert path.stopped is not None and path.stopped.quantity == quantity
    assert len(path.points) == path.stopped.step  # points 0..step − 1 kept
    kept = np.concatenate([path.points.ravel(), path.values, path.gradients.ravel()])
    assert np.all(np.isfinite(kept)) and np.abs(kept).max() <= LIMITS.divergence_threshold
    assert f"at step {path.stopped.step} {quantity} is" in path.stopped.reason


def test_no_path_from_a_start_where_f_is_not_finite() -> None:
    with pytest.raises(StartNotFinite, match=r"f is not a number \(nan\) at the start point \(-1, 0\)"):
        descend(surface("log(x)"), (-1.0, 0.0), 0.1, 10)
    path = descend(surface(LECTURE), (4.0, 4.0), 0.1, 0)
    assert path.points.tolist() == [[4.0, 4.0]] and path.stopped is None


def test_the_contour_grid() -> None:
    grid = contour_grid(surface("log(x) + y"), (-1.0, 3.0, -2.0, 2.0), 5)
    assert grid.xs.tolist() == [-1.0, 0.0, 1.0, 2.0, 3.0] and grid.ys.tolist() == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert np.isnan(grid.z[:, :2]).all()  # log of −1 is nan, log 0 = −inf: both nan on the grid
    np.testing.assert_array_equal(grid.z[:, 2:], np.log(grid.xs[None, 2:]) + grid.ys[:, None])  # rows are y
    constant = contour_grid(surface("2"), (0.0, 1.0, 0.0, 1.0), 3)
    assert constant.z.tolist() == [[2.0] * 3] * 3


def test_every_preset_parses_and_starts_finite() -> None:
    for preset in FUNCTIONS:
        f = surface(preset["function"])
        path = descend(f, (preset["start"][0], preset["start"][1]), preset["learning_rate"], preset["steps"])
        x_min, x_max, y_min, y_max = preset["box"]
        assert x_min <= preset["start"][0] <= x_max and y_min <= preset["start"][1] <= y_max
        assert preset["name"] == "saddle" or path.stopped is None
