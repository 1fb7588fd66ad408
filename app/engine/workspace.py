"""Preallocated buffers for one batch size, and a compiled iteration: the NumPy calls bound to them.

Here examples are columns (the lectures' column vectors): z^l = [W^l | b^l] [a^(l−1); 1] is an (n_l, B)
matrix product, the bias folded in by a row of ones kept under each hidden layer's activations. A small
network's iteration is mostly per-call overhead (~1 µs per NumPy call), so every buffer is allocated once per
batch size and every call is bound to its arrays in advance (kernel.compile_program).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.engine.network import Network

FloatArray = NDArray[np.float64]
Op = tuple[Callable[..., Any], tuple[Any, ...]]
Check = tuple[str, int | None, FloatArray, float]  # quantity, layer, values, bound on |value|


class Workspace:
    """Column buffers for batches of B examples; everything divergence-checked lives in one flat `chk`."""

    def __init__(self, net: Network, batch: int, fused: bool) -> None:
        sizes, depth, b = net.sizes, net.depth, batch
        heights = [sizes[i] + (1 if i < depth else 0) for i in range(1, depth + 1)]  # + the ones row
        starts = [0, *np.cumsum(heights).tolist()]
        rows, n_out, p = starts[-1], sizes[-1], net.layout.size
        lengths = [rows * b, rows * b, 0 if fused else n_out * b, sum(sizes[1:]) * b, sum(sizes[1:-1]) * b]
        self.chk = np.zeros(sum(lengths) + 3 * p)
        cursor = 0

        def take(count: int, shape: tuple[int, ...]) -> FloatArray:
            nonlocal cursor
            cursor += count
            return self.chk[cursor - count : cursor].reshape(shape)

        self.batch = b
        self.z_all = take(rows * b, (rows, b))
        self.a_all = take(rows * b, (rows, b))
        self.z = [self.z_all[s : s + n] for s, n in zip(starts, sizes[1:], strict=False)]  # z^l (n_l, B)
        self.a = [self.a_all[s : s + n] for s, n in zip(starts, sizes[1:], strict=False)]  # a^l (n_l, B)
        self.h = [self.a_all[s : s + n + 1] for s, n in zip(starts, sizes[1:-1], strict=False)]  # [a^l; 1]
        for h in self.h:
            h[-1] = 1.0
        # ∂ℓ/∂a^L; with a fused output/loss pair δ^L = a − y skips it (records compute it for display only)
        self.grad_output = None if fused else take(n_out * b, (n_out, b))
        self.delta = [take(n * b, (n, b)) for n in sizes[1:]]  # δ^l (n_l, B)
        # ∂ℓ/∂a^(l−1) = W^lᵀ δ^l (n_(l−1), B) for l ≥ 2 (at l = 1 it is ∂ℓ/∂x: records compute it for display)
        self.grad_input: list[FloatArray | None] = [None] + [take(n * b, (n, b)) for n in sizes[1:-1]]
        self.grad_data = take(p, (p,))  # flat [∂L/∂W^l | ∂L/∂b^l] of the data loss, mean over the batch
        self.grad_reg = take(p, (p,))  # ∂R/∂θ (0 at biases)
        self.grad_total = take(p, (p,))  # the gradient the update uses when there is regularisation
        # their per-layer [∂/∂W^l | ∂/∂b^l] blocks
        self.grad_data_blocks = net.layout.blocks(self.grad_data)
        self.grad_reg_blocks = net.layout.blocks(self.grad_reg)
        self.grad_total_blocks = net.layout.blocks(self.grad_total)
        self.derivative = np.zeros((rows, b))  # g'(z^l), stacked like a_all (not checked: bounded by z)
        self.s = [self.derivative[s : s + n] for s, n in zip(starts, sizes[1:], strict=False)]
        self.diff = np.zeros((n_out, b))  # a^L − y
        self.sign = np.zeros(p)
        # dropout (app/engine/dropout.py), hidden units stacked: m^l, m^l/(1 − p_l), g(z^l) before the mask
        hidden = sum(sizes[1:-1])
        self.mask_all, self.scale_all, g_all = (
            np.ones((hidden, b)),
            np.ones((hidden, b)),
            np.zeros((hidden, b)),
        )
        ends = np.cumsum(sizes[1:-1]).tolist()
        bounds = list(zip([0, *ends], ends, strict=False))
        self.mask = [self.mask_all[lo:hi] for lo, hi in bounds]
        self.scale = [self.scale_all[lo:hi] for lo, hi in bounds]
        self.g = [g_all[lo:hi] for lo, hi in bounds]
        self.starts = starts
        self.loss = 0.0  # mean data loss of the batch
        self.regularization = 0.0  # R(θ)


@dataclass
class Program:
    """One iteration's calls: per phase (forward 1..L, loss, backward L..1, update) and all at once."""

    workspace: Workspace
    x: FloatArray  # the batch's inputs (n_0 + 1, B), a row of ones last
    y: FloatArray  # its targets (n_L, B)
    phases: list[list[Op]]
    fast: list[Op]
    checks: list[list[Check]]  # what each phase must leave finite and within the threshold
    screens: list[tuple[FloatArray, float]]  # (values, bound on Σ values²) covering every check


def run(ops: list[Op]) -> None:
    """Execute bound NumPy calls in order."""
    for fn, args in ops:
        fn(*args)
