"""What the numbers say about a network's training (lectures 001–003), pure NumPy.

- **Gradient norms.** ‖∂L/∂W^l‖_F of the batch gradient the last update used, per layer: with sigmoid
  layers δ^(l−1) = (W^lᵀ δ^l) ⊙ σ'(z^(l−1)) shrinks by σ' ≤ 1/4 per layer, so ‖∂L/∂W^1‖ ≪ ‖∂L/∂W^L‖
  (the vanishing gradient); ReLU's g' = 1 where it is active keeps them comparable.
- **Dead ReLU units** (lecture 002): a ReLU unit whose z ≤ 0 on every training example; its g'(z) = 0 on
  all of them, so no example ever updates its incoming weights again.
- **Saturated units**: app/engine/health.py's definition and thresholds, per layer.
- **Symmetry** (lecture 001): units of a layer with identical incoming rows [W^l_j | b^l_j] compute the
  same z on every example; when their outgoing weights (columns of W^(l+1)) are identical too, they get
  identical gradients and stay identical forever (what zero initialisation does to a whole layer).
- **Gradient check verdict**: the largest relative error of a layer against VIEWS.gradcheck_agree and
  VIEWS.gradcheck_doubt, and whether the check sat near a kink (ReLU / leaky ReLU / step at z = 0, L1 at
  W = 0, the L1 loss at a = y), where central differences straddle a corner and may disagree.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS, VIEWS
from app.engine import health
from app.engine.lab import Lab
from app.engine.labconfig import LabConfig, hidden_activations
from app.engine.network import Network

FloatArray = NDArray[np.float64]
KINKED = ("relu", "leaky_relu", "step")  # activations with a corner (or a jump) at z = 0


def layer_activations(config: LabConfig) -> list[str]:
    """Every layer's activation name, the output's last."""
    return [*hidden_activations(config), config.output_activation]


def saturation_names(config: LabConfig) -> list[str]:
    """health.saturated_units' `names`: the hidden layers', and the output's when its g' enters δ^L."""
    names = list(hidden_activations(config))
    if health.output_saturates(config.output_activation, config.loss):
        names.append(config.output_activation)
    return names


def gradient_norms(net: Network, flat: FloatArray | None) -> list[float] | None:
    """‖∂L/∂W^l‖_F for l = 1..L of a flat gradient laid out as the network's θ (None stays None)."""
    if flat is None:
        return None
    with np.errstate(all="ignore"):
        return [float(np.sqrt(np.sum(w * w))) for w in net.layout.weights(flat)]


def dead_units(net: Network, x: FloatArray, names: list[str]) -> list[int | None]:
    """Per layer: ReLU units with z ≤ 0 on every row of x (None for a layer that is not ReLU)."""
    counts: list[int | None] = []
    with np.errstate(all="ignore"):
        for (z, _), name in zip(net.forward(x), names, strict=True):
            counts.append(int(np.count_nonzero(np.all(z <= 0.0, axis=0))) if name == "relu" else None)
    return counts


def symmetric_groups(net: Network) -> list[list[dict[str, Any]]]:
    """Per layer: groups (two or more units) with identical [W^l_j | b^l_j] rows, each {"units": [j, ...],
    "outgoing_identical": their columns of W^(l+1) are identical too (then they stay identical)}."""
    out: list[list[dict[str, Any]]] = []
    blocks = net.blocks
    for index, block in enumerate(blocks):
        _, inverse, counts = np.unique(block, axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
        groups: list[dict[str, Any]] = []
        for label in np.flatnonzero(counts > 1):
            units = np.flatnonzero(inverse == label)
            above = blocks[index + 1][:, :-1][:, units] if index + 1 < len(blocks) else None
            same = above is None or bool(np.all(above == above[:, :1]))
            groups.append({"units": units.tolist(), "outgoing_identical": same})
        groups.sort(key=lambda g: int(g["units"][0]))
        out.append(groups)
    return out


def analyse(lab: Lab) -> dict[str, Any]:
    """The Diagnostics view's numbers for the lab's current parameters (DiagnosticsReply's fields)."""
    net, config, x = lab.network, lab.config, lab.data.x_train
    names = layer_activations(config)
    dead = dead_units(net, x, names)
    saturated = health.saturated_per_layer(net, x, saturation_names(config))
    groups = symmetric_groups(net)
    norms = gradient_norms(net, lab.last_gradient())
    layers = [
        {
            "layer": layer,
            "activation": names[layer - 1],
            "units": net.sizes[layer],
            "dead": dead[layer - 1],
            "saturated": saturated[layer - 1],
            "symmetric": groups[layer - 1],
            "grad_norm": None if norms is None else norms[layer - 1],
        }
        for layer in range(1, net.depth + 1)
    ]
    return {
        "step": lab.step,
        "examples": len(x),
        "layers": layers,
        "saturation": {
            "slope": LIMITS.saturation_slope,
            "examples": LIMITS.saturation_examples,
            "max_slope": health.MAX_SLOPE,
        },
    }


def verdict(error: float | None) -> str:
    """ "agrees" (< VIEWS.gradcheck_agree), "close" (< VIEWS.gradcheck_doubt), else "disagrees" (a
    non-finite error too)."""
    if error is None or not np.isfinite(error):
        return "disagrees"
    if error < VIEWS.gradcheck_agree:
        return "agrees"
    return "close" if error < VIEWS.gradcheck_doubt else "disagrees"


def kinks(lab: Lab) -> list[dict[str, Any]]:
    """Where the gradient check's rows sit within VIEWS.gradcheck_kink_margin of a kink: {"what", "layer",
    "count", "closest"} per kinked layer, L1-regularised layer or L1 loss that has any."""
    net, config, margin = lab.network, lab.config, VIEWS.gradcheck_kink_margin
    rows = lab.gradcheck_rows()
    x, y = lab.data.x_train[rows], lab.data.y_train[rows]
    found: list[dict[str, Any]] = []

    def note(what: str, layer: int | None, distance: FloatArray) -> None:
        near = np.abs(distance) < margin
        if np.any(near):
            closest = float(np.min(np.abs(distance)))
            found.append(
                {"what": what, "layer": layer, "count": int(np.count_nonzero(near)), "closest": closest}
            )

    with np.errstate(all="ignore"):
        layers = net.forward(x)
        for layer, ((z, _), name) in enumerate(zip(layers, layer_activations(config), strict=True), 1):
            if name in KINKED:
                note(name, layer, z)
        if config.regularization == "l1" and config.regularization_rate > 0:
            for layer, w in enumerate(net.weight_views(), 1):
                note("l1_regularization", layer, w)
        if config.loss == "l1":
            note("l1_loss", None, layers[-1][1] - y)
    return found


def gradcheck_report(lab: Lab, layers: list[dict[str, Any]]) -> dict[str, Any]:
    """The gradient check's per-layer largest errors of W^l and b^l with verdicts, the overall verdict and
    the kinks near which the check sat (`layers`: Lab.gradient_check's report)."""
    rows: list[dict[str, Any]] = []
    for entry in layers:
        w_max = float(np.max(entry["weights_rel_error"])) if entry["weights_rel_error"].size else 0.0
        b_max = float(np.max(entry["biases_rel_error"])) if entry["biases_rel_error"].size else 0.0
        rows.append(
            {
                "weights_max": w_max,
                "biases_max": b_max,
                "weights_verdict": verdict(w_max),
                "biases_verdict": verdict(b_max),
            }
        )
    both = [value for r in rows for value in (r["weights_max"], r["biases_max"])]
    worst = float(np.max(both)) if both else 0.0  # NaN stays NaN: "disagrees"
    near = kinks(lab)
    return {
        "rows": rows,
        "verdict": verdict(worst),
        "examples": len(lab.gradcheck_rows()),
        "step_size": LIMITS.gradcheck_step,
        "thresholds": {"agree": VIEWS.gradcheck_agree, "doubt": VIEWS.gradcheck_doubt},
        "kink_margin": VIEWS.gradcheck_kink_margin,
        "kinks": near,
        "near_kink": bool(near),
    }
