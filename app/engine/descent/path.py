"""The gradient descent path x_{t+1} = x_t − η ∇f(x_t) in float64, stopped where it stops being finite."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.config import LIMITS
from app.engine.descent.surface import FloatArray, Surface

THRESHOLD = LIMITS.divergence_threshold
QUANTITIES = ("x", "y")
GRADIENT_NAMES = ("∂f/∂x", "∂f/∂y")


@dataclass(frozen=True)
class Stop:
    """Why the path ends before its last step: `step` is the first point not kept (the path holds
    points 0..step−1), `quantity` the value that was not finite or beyond the threshold."""

    step: int
    quantity: str
    value: float
    reason: str


@dataclass(frozen=True)
class Path:
    """Points x_0..x_k (rows (x, y)), f there, ∇f there (the last row: the gradient of the next step,
    non-finite when that is what stopped the path), and the stop, if any."""

    points: FloatArray
    values: FloatArray
    gradients: FloatArray
    stopped: Stop | None


class StartNotFinite(ValueError):
    """f or ∇f is not finite (or beyond the threshold) at the start point: there is no path."""


def _bad(value: float) -> bool:
    """Not finite, or beyond the divergence threshold."""
    return not abs(value) <= THRESHOLD  # also true for nan


def _describe(value: float) -> str:
    """A bad value in words: "nan", "inf", or the number beyond the threshold."""
    if np.isnan(value):
        return "not a number (nan)"
    if np.isinf(value):
        return "infinite"
    return f"{value:.6g}, beyond ±{THRESHOLD:g} (the divergence threshold)"


def _first_bad(point: FloatArray, value: float, grad: FloatArray) -> tuple[str, float] | None:
    """The first of x, y, f, ∂f/∂x, ∂f/∂y that is not finite or beyond the threshold."""
    named = [*zip(QUANTITIES, point, strict=True), ("f", value), *zip(GRADIENT_NAMES, grad, strict=True)]
    for name, number in named:
        if _bad(float(number)):
            return name, float(number)
    return None


def descend(surface: Surface, start: tuple[float, float], eta: float, steps: int) -> Path:
    """Up to `steps` steps of gradient descent from `start` with learning rate `eta`.

    Each step is x_{t+1} = x_t − η ∇f(x_t), componentwise in float64. The path stops at the first point
    where x, y, f or ∇f is not finite or beyond LIMITS.divergence_threshold; that point is not kept.
    """
    points = np.empty((steps + 1, 2))
    values = np.empty(steps + 1)
    grads = np.empty((steps + 1, 2))
    p = np.array(start, dtype=np.float64)
    f, g = surface.value_and_gradient(p[0], p[1])
    bad = _first_bad(p, float(f), g)
    if bad is not None:
        name, number = bad
        raise StartNotFinite(f"{name} is {_describe(number)} at the start point ({p[0]:g}, {p[1]:g})")
    points[0], values[0], grads[0] = p, f, g
    stopped = None
    kept = 1
    for t in range(steps):
        with np.errstate(all="ignore"):
            p = points[t] - eta * grads[t]
        f, g = surface.value_and_gradient(p[0], p[1])
        bad = _first_bad(p, float(f), g)
        if bad is not None:
            name, number = bad
            reason = f"at step {t + 1} {name} is {_describe(number)}: the path stops at step {t}"
            stopped = Stop(step=t + 1, quantity=name, value=number, reason=reason)
            break
        points[t + 1], values[t + 1], grads[t + 1] = p, f, g
        kept = t + 2
    return Path(points[:kept].copy(), values[:kept].copy(), grads[:kept].copy(), stopped)
