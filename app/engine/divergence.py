"""Divergence: which computed values must stay finite and within LIMITS.divergence_threshold (T).

Checked per phase: forward z^l, a^l; loss ∂ℓ/∂a^L (when the update uses it), the mean data loss and R;
backward δ^l, ∂L/∂W^l, ∂L/∂b^l, ∂ℓ/∂a^(l−1); update the new W^l, b^l and optimizer state (Adam's second
moment v, in gradient² units, against T²). The traced example's own values and display-only values
(∂ℓ/∂x, ∂ℓ/∂a^L of a fused pair) never stop training.

The fast path checks one iteration at once with a few screens: Σ x² ≤ T² over a flat buffer proves every
|x| ≤ T in it; only when a screen fails are the phases checked one by one, the same way as when stepping.
"""

from __future__ import annotations

import numpy as np

from app.config import LIMITS
from app.engine.network import Network
from app.engine.optimizers import SGD
from app.engine.workspace import Check, FloatArray, Program, Workspace

THRESHOLD = LIMITS.divergence_threshold


def phase_checks(ws: Workspace, net: Network, optimizer: SGD, reg: bool) -> list[list[Check]]:
    """Per phase, the arrays that must stay finite and within the threshold (scalars are checked apart)."""
    t = THRESHOLD
    checks: list[list[Check]] = [
        [("z", i + 1, ws.z[i], t), ("a", i + 1, ws.a[i], t)] for i in range(net.depth)
    ]
    checks.append([] if ws.grad_output is None else [("grad_output", None, ws.grad_output, t)])
    grads = ws.grad_total_blocks if reg else ws.grad_data_blocks
    biases = ws.grad_data_blocks
    for layer in range(net.depth, 0, -1):
        phase: list[Check] = [
            ("delta", layer, ws.delta[layer - 1], t),
            ("grad_weights", layer, grads[layer - 1][:, :-1], t),
            ("grad_biases", layer, biases[layer - 1][:, -1], t),
        ]
        grad_input = ws.grad_input[layer - 1]
        if grad_input is not None:
            phase.append(("grad_input", layer, grad_input, t))
        checks.append(phase)
    update: list[Check] = []
    for layer, block in enumerate(net.layout.blocks(net.spare), start=1):
        update += [("weights", layer, block[:, :-1], t), ("biases", layer, block[:, -1], t)]
    for slot, values in optimizer.pending.items():
        bound = t * t if slot in optimizer.squared else t
        for layer, block in enumerate(net.layout.blocks(values), start=1):
            update += [(f"{slot}_w", layer, block[:, :-1], bound), (f"{slot}_b", layer, block[:, -1], bound)]
    checks.append(update)
    return checks


def screens(ws: Workspace, net: Network, optimizer: SGD) -> list[tuple[FloatArray, float]]:
    """Vectors whose Σ x² ≤ bound² proves every check passes (a failed screen falls back to the checks)."""
    t2 = THRESHOLD * THRESHOLD
    result = [(ws.chk, t2), (net.spare, t2)]
    for slot, values in optimizer.pending.items():
        result.append((values, t2 * t2 if slot in optimizer.squared else t2))
    return result


def first_violation(program: Program, index: int, depth: int) -> tuple[str, int | None, float, float] | None:
    """(quantity, layer, value, bound) of the first value phase `index` left out of range, or None."""
    ws = program.workspace
    if index == depth:  # the loss phase: the batch's scalars too
        for quantity, value in (("loss", ws.loss), ("regularization", ws.regularization)):
            if not abs(value) <= THRESHOLD:
                return quantity, None, value, THRESHOLD
    for quantity, layer, values, bound in program.checks[index]:
        if not np.abs(values).max() <= bound:  # a NaN maximum compares false: caught too
            bad = ~(np.abs(values) <= bound)
            return quantity, layer, float(values[bad].flat[0]), bound
    return None
