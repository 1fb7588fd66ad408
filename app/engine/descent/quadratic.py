"""A quadratic f (degree ≤ 2): its constant Hessian H, the per-axis factors 1 − ηλ_i, the threshold
η < 2/λ_max and the verdict; the closed form x_t = x* + (I − ηH)^t (x_0 − x*).

For a quadratic the gradient is affine, ∇f(p) = ∇f(0) + H p, so H's columns are ∇f(e_i) − ∇f(0): two
gradients at the unit points, not a finite difference (no step size, no truncation error). Gradient descent
then moves each coordinate along an eigenvector v_i of H independently: the distance to the stationary point
x* (∇f(x*) = 0) along v_i is multiplied by 1 − ηλ_i every step (lecture 002: f = 1.5x² + y² + 2 has
H = diag(3, 2), factors 1 − 3η and 1 − 2η).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.config import VIEWS
from app.engine.descent.surface import FloatArray, Surface

AXIS_NAMES = ("x", "y")


@dataclass(frozen=True)
class Quadratic:
    """f(p) = c + gᵀp + ½ pᵀHp. `eigenvalues` λ_i with `axes` v_i as columns; for a diagonal H they are
    H's diagonal along x and y (in that order). `stationary` is x* (None when H is singular)."""

    hessian: FloatArray
    gradient_at_origin: FloatArray
    value_at_origin: float
    diagonal: bool
    eigenvalues: FloatArray
    axes: FloatArray
    stationary: FloatArray | None
    stationary_value: float | None


@dataclass(frozen=True)
class Verdict:
    """What gradient descent does at this η: converges | crawls | oscillates | diverges, and why."""

    name: str
    rule: str
    factors: FloatArray
    threshold: float | None  # 2/λ_max, when λ_max > 0
    rate: float  # the slowest |1 − ηλ| (the one that decides)
    steps_per_tenfold: float | None  # steps for the distance to shrink 10× (None when it does not)


def quadratic_of(surface: Surface) -> Quadratic | None:
    """The quadratic's H, ∇f(0), f(0) and stationary point; None when f is not a polynomial of degree ≤ 2."""
    degree = surface.expression.polynomial_degree()
    if degree is None or degree > 2:
        return None
    xs = np.array([0.0, 1.0, 0.0])
    ys = np.array([0.0, 0.0, 1.0])
    f, g = surface.value_and_gradient(xs, ys)
    hessian = np.stack([g[1] - g[0], g[2] - g[0]], axis=1)  # column i: ∇f(e_i) − ∇f(0)
    hessian = (hessian + hessian.T) / 2  # ∂²f/∂x∂y = ∂²f/∂y∂x (equal but for rounding)
    if not np.all(np.isfinite(hessian)) or not np.all(np.isfinite(g[0])) or not math.isfinite(f[0]):
        return None
    diagonal = bool(hessian[0, 1] == 0.0)
    if diagonal:
        eigenvalues, axes = np.diag(hessian).copy(), np.eye(2)
    else:
        eigenvalues, axes = np.linalg.eigh(hessian)
    stationary: FloatArray | None = None
    stationary_value: float | None = None
    scale = float(np.abs(hessian).max())
    if scale > 0 and abs(np.linalg.det(hessian / scale)) > 1e-12:  # H far from singular, at any scale
        with np.errstate(all="ignore"):
            stationary = np.linalg.solve(hessian, -g[0])
        value, _ = surface.value_and_gradient(stationary[0], stationary[1])
        stationary_value = float(value)
    return Quadratic(
        hessian, g[0].copy(), float(f[0]), diagonal, eigenvalues, axes, stationary, stationary_value
    )


def _n(value: float | None) -> str:
    """A number as the rule writes it: 6 significant digits, a true minus sign."""
    return "—" if value is None else f"{value:.6g}".replace("-", "−")


def _direction(q: Quadratic, i: int) -> str:
    """How the rule names eigen-direction i: "x" / "y" for a diagonal H, else "v1" / "v2"."""
    return AXIS_NAMES[i] if q.diagonal else f"v{i + 1}"


def _tenfold(rate: float) -> float | None:
    """Steps for a distance multiplied by `rate` per step to shrink 10×."""
    return math.log(10) / -math.log(rate) if 0 < rate < 1 else (0.0 if rate == 0 else None)


def verdict(q: Quadratic, eta: float, slow: float = VIEWS.descent_slow_factor) -> Verdict:
    """converges / crawls / oscillates / diverges at learning rate η, with the rule that decided."""
    lam = q.eigenvalues
    with np.errstate(all="ignore"):  # |λ| near float64's range: inf factors are judged, then left out
        factors = 1.0 - eta * lam
        lam_max = float(lam.max())
        threshold = float(np.float64(2.0) / lam_max) if lam_max > 0 else None

    def judged(name: str, rule: str, rate: float) -> Verdict:
        return Verdict(name, rule, factors, threshold, rate, _tenfold(rate))

    if float(lam.min()) < 0:
        i = int(np.argmin(lam))
        rule = (
            f"λ_{_direction(q, i)} = {_n(lam[i])} < 0: f has no minimum (a saddle or a maximum), and the "
            f"factor 1 − ηλ = {_n(factors[i])} > 1 pushes the path away along {_direction(q, i)} every step"
        )
        return judged("diverges", rule, float(abs(factors[i])))
    flat = [i for i in range(2) if lam[i] == 0]
    drift = q.axes[:, flat].T @ q.gradient_at_origin if flat else np.zeros(0)
    if np.any(drift != 0):
        i = flat[int(np.argmax(np.abs(drift)))]
        rule = (
            f"λ_{_direction(q, i)} = 0 and f is linear along {_direction(q, i)}: there is no minimum, "
            f"the path moves the same distance every step for ever"
        )
        return judged("diverges", rule, 1.0)
    curved = [i for i in range(2) if lam[i] > 0]
    if not curved:
        return judged("converges", "f is constant: every point is a minimum and the path does not move", 0.0)
    i = max(curved, key=lambda k: abs(factors[k]))
    r = float(factors[i])
    rate = abs(r)
    axis = _direction(q, i)
    slowest = f"the slowest factor 1 − ηλ_{axis} = 1 − {_n(eta)}·{_n(lam[i])} = {_n(r)}"
    if rate > 1:
        rule = (
            f"{slowest}: |1 − ηλ| > 1 because η > 2/λ_max = {_n(threshold)}, so the distance to the "
            f"minimum grows {_n(rate)}× every step"
        )
        return judged("diverges", rule, rate)
    if r == -1:
        rule = f"{slowest}: η = 2/λ_max exactly, the path jumps between two points for ever"
        return judged("oscillates", rule, rate)
    if r == 1:
        rule = (
            f"{slowest}: ηλ is below float64's resolution next to 1, so the path does not move along {axis}"
        )
        return judged("crawls", rule, rate)
    tenfold = _tenfold(rate)
    steps = f"{tenfold:.0f} steps per 10× closer" if tenfold else "one step to the minimum"
    if rate >= slow and r < 0:
        rule = (
            f"{slowest} is negative and |1 − ηλ| ≥ {slow:g}: the path jumps across the minimum along "
            f"{axis} every step and gets closer slowly ({steps}); η is just under 2/λ_max = {_n(threshold)}"
        )
        return judged("oscillates", rule, rate)
    if rate >= slow:
        rule = f"{slowest} ≥ {slow:g}: each step moves a small part of the way ({steps})"
        return judged("crawls", rule, rate)
    zigzag = " (zig-zagging along the axes whose factor is negative)" if np.any(factors[curved] < 0) else ""
    rule = f"every |1 − ηλ| ≤ {_n(rate)} < {slow:g}: the distance shrinks fast ({steps}){zigzag}"
    return judged("converges", rule, rate)


def closed_form(q: Quadratic, start: tuple[float, float], eta: float, steps: int) -> FloatArray:
    """x_t = x* + (I − ηH)^t (x_0 − x*) for t = 0..steps (rows), through H's eigen-decomposition."""
    if q.stationary is None:
        raise ValueError("the closed form needs a stationary point (H is singular)")
    t = np.arange(steps + 1)[:, None]
    offset = q.axes.T @ (np.asarray(start, dtype=np.float64) - q.stationary)  # x_0 − x* along each v_i
    along = offset[None, :] * (1.0 - eta * q.eigenvalues)[None, :] ** t
    return q.stationary[None, :] + along @ q.axes.T
