"""The activation explorer's numbers: every elementwise activation g and its g′ sampled by the engine's own
functions, the regions where g′ vanishes, and a layer's pre-activations z over the training set.

Regions (the rule of app/engine/health.py): at z, g is **dead** where g′(z) = 0 exactly (no gradient passes:
ReLU for z ≤ 0, the step everywhere) and **saturated** where 0 < |g′(z)| ≤ LIMITS.saturation_slope × g's
largest slope (health.MAX_SLOPE: tanh's and sigmoid's plateaus, leaky ReLU's negative side); activations
without a largest slope there (step, linear) have no saturated region. A region's ends are found by
bisection between the samples where the class changes; a region reaching an end of the window is open there
(None: every activation keeps its class beyond the window). Softmax is not elementwise: it has a formula
and no curve.

A layer's z (evaluation mode: the reference forward pass) are binned per unit into `bins` equal bins of
[−h, h], with the counts below and above the window; each unit's dead and saturated counts (over every
training example), and the units that are dead on every example (lecture 002's dead ReLU) or saturated on at
least LIMITS.saturation_examples of them (health's saturated unit).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS
from app.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Activation
from app.engine.errors import EngineError
from app.engine.health import MAX_SLOPE
from app.engine.network import Network

FloatArray = NDArray[np.float64]
NORMAL, SATURATED, DEAD = 0, 1, 2
BISECTIONS = 60
ACTIVATIONS: dict[str, Activation] = {**HIDDEN_ACTIVATIONS, **OUTPUT_ACTIVATIONS}


def threshold(name: str) -> float | None:
    """|g′| at or below this (and above 0) is saturated; None when g has no saturated region."""
    slope = MAX_SLOPE.get(name)
    return None if slope is None else LIMITS.saturation_slope * slope


def classify(act: Activation, z: FloatArray) -> NDArray[np.int64]:
    """NORMAL, SATURATED or DEAD at every z (an elementwise activation)."""
    with np.errstate(all="ignore"):
        slope = np.abs(act.derivative(z, act.forward(z)))  # type: ignore[arg-type]
    kind = np.where(slope == 0.0, DEAD, NORMAL)
    limit = threshold(act.name)
    if limit is not None:
        kind = np.where((kind == NORMAL) & ~(slope > limit), SATURATED, kind)
    return kind.astype(np.int64)


def _edge(act: Activation, lo: float, hi: float) -> float:
    """Where the class changes between lo and hi (bisection on the engine's g′)."""
    left = classify(act, np.array([lo]))[0]
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if classify(act, np.array([mid]))[0] == left:
            lo = mid
        else:
            hi = mid
    return round(0.5 * (lo + hi), 12)  # an edge at a sample (0 for ReLU) reads as that sample


def regions(act: Activation, z: FloatArray) -> dict[str, list[list[float | None]]]:
    """The saturated and dead intervals [lo, hi] over the samples z (None: open beyond the window)."""
    kind = classify(act, z)
    found: dict[str, list[list[float | None]]] = {"saturated": [], "dead": []}
    start = 0
    for i in range(1, len(z) + 1):
        if i < len(z) and kind[i] == kind[start]:
            continue
        name = {SATURATED: "saturated", DEAD: "dead"}.get(int(kind[start]))
        if name is not None:
            lo = None if start == 0 else _edge(act, float(z[start - 1]), float(z[start]))
            hi = None if i == len(z) else _edge(act, float(z[i - 1]), float(z[i]))
            found[name].append([lo, hi])
        start = i
    return found


def curves(half_width: float, points: int) -> dict[str, Any]:
    """z (points,) over [−h, h] and, per activation, g, g′, its formulas, its threshold and regions."""
    z = np.linspace(-half_width, half_width, points)
    if points % 2:
        z[points // 2] = 0.0
    entries = []
    for name, act in ACTIVATIONS.items():
        entry: dict[str, Any] = {
            "name": name,
            "formula": act.formula,
            "derivative_formula": act.derivative_formula,
            "elementwise": act.elementwise,
            "hidden": name in HIDDEN_ACTIVATIONS,
            "output": name in OUTPUT_ACTIVATIONS,
            "max_slope": MAX_SLOPE.get(name),
            "threshold": threshold(name) if act.elementwise else None,
            "g": None,
            "dg": None,
            "saturated": [],
            "dead": [],
        }
        if act.elementwise:
            with np.errstate(all="ignore"):
                g = act.forward(z)
                entry["g"], entry["dg"] = g, act.derivative(z, g)
            entry.update(regions(act, z))
        entries.append(entry)
    return {"z": z, "activations": entries}


def layer_preactivations(net: Network, x: FloatArray, layer: int) -> FloatArray:
    """z^layer (N, n_l) over the rows x, evaluation mode."""
    if isinstance(layer, bool) or not isinstance(layer, int) or not 1 <= layer <= net.depth:
        raise EngineError("layer", f"layer = {layer!r}: expected an integer in [1, {net.depth}]")
    a = x
    with np.errstate(all="ignore"):
        for index, block in enumerate(net.blocks[:layer]):
            z: FloatArray = a @ block[:, :-1].T + block[:, -1]
            a = net.activations[index].forward(z)
    return z


def histogram(net: Network, x: FloatArray, layer: int, half_width: float, bins: int) -> dict[str, Any]:
    """Layer `layer`'s z over the rows x binned per unit on [−h, h] (see the module), with its counts."""
    z = layer_preactivations(net, x, layer)
    act = net.activations[layer - 1]
    edges = np.linspace(-half_width, half_width, bins + 1)
    finite = np.isfinite(z)
    inside = finite & (z >= -half_width) & (z <= half_width)
    position = np.clip(np.floor((z + half_width) / (2 * half_width) * bins), 0, bins - 1)
    counts = np.zeros((z.shape[1], bins), dtype=np.int64)
    for unit in range(z.shape[1]):
        counts[unit] = np.bincount(position[inside[:, unit], unit].astype(np.int64), minlength=bins)
    report: dict[str, Any] = {
        "activation": act.name,
        "examples": int(z.shape[0]),
        "units": int(z.shape[1]),
        "edges": edges,
        "counts": counts,
        "below": np.count_nonzero(finite & (z < -half_width), axis=0),
        "above": np.count_nonzero(finite & (z > half_width), axis=0),
        "min": [_finite_or_none(v) for v in np.min(np.where(finite, z, np.inf), axis=0)],
        "max": [_finite_or_none(v) for v in np.max(np.where(finite, z, -np.inf), axis=0)],
        "dead": None,
        "saturated": None,
        "dead_units": None,
        "saturated_units": None,
    }
    if act.elementwise and len(z):
        kind = classify(act, z)
        dead = np.count_nonzero(kind == DEAD, axis=0)
        saturated = np.count_nonzero(kind == SATURATED, axis=0)
        flat = (dead + saturated) >= LIMITS.saturation_examples * len(z)
        report.update(
            dead=dead,
            saturated=saturated,
            dead_units=int(np.count_nonzero(dead == len(z))),
            saturated_units=int(np.count_nonzero(flat)) if threshold(act.name) is not None else 0,
        )
    return report


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None
