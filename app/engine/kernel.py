"""One training iteration compiled to a fixed list of NumPy calls on a Workspace's buffers.

The same calls serve both ways of running: phase by phase (`Program.phases`, checked and recorded after each
phase) and all at once (`Program.fast`, checked once at the end). They differ only in where the division by
B and the regularisation sum happen (per layer, or once over the flat gradient vector): elementwise IEEE
arithmetic, so the numbers are bit-identical either way.
"""

from __future__ import annotations

import numpy as np

from app.engine.activations import softmax_backward, softmax_forward
from app.engine.divergence import phase_checks, screens
from app.engine.losses import FUSED_PAIRS
from app.engine.network import Network
from app.engine.optimizers import SGD
from app.engine.workspace import FloatArray, Op, Program, Workspace


def _forward_ops(
    ws: Workspace, net: Network, blocks: list[FloatArray], x: FloatArray, layer: int, dropped: bool
) -> list[Op]:
    """z^l = [W^l | b^l] [a^(l−1); 1], then a^l = g(z^l) (`dropped`: g(z^l) apart, a^l = g ⊙ m/(1 − p))."""
    z, a = ws.z[layer - 1], ws.a[layer - 1]
    out = ws.g[layer - 1] if dropped else a
    previous = x if layer == 1 else ws.h[layer - 2]
    act = net.activations[layer - 1]
    if act.name == "softmax":
        activate: Op = (softmax_forward, (z, out, 0))  # over the units: axis 0 in columns
    elif act.name == "tanh":
        activate = (np.tanh, (z, out))
    else:
        activate = (act.forward_fn, (z, out))
    ops: list[Op] = [(blocks[layer - 1].dot, (previous, z)), activate]  # ndarray.dot: the cheapest call
    if dropped:
        ops.append((np.multiply, (out, ws.scale[layer - 1], a)))  # inverted dropout
    return ops


def _loss_ops(
    ws: Workspace, net: Network, loss: str, y: FloatArray, theta: FloatArray, reg: str, rates: FloatArray
) -> list[Op]:
    """∂ℓ/∂a^L, the batch's mean data loss, and the regularisation R with ∂R/∂θ."""
    a, z, count, n_out = ws.a[-1], ws.z[-1], float(ws.batch), float(net.sizes[-1])
    diff, g, scale, divisor = ws.diff.reshape(-1), ws.grad_output, 1.0, count
    ops: list[Op] = []
    if g is None and loss == "bce":

        def data_loss() -> None:  # Σ max(z,0) − y z + log(1 + e^{−|z|}), over the batch, / B
            ws.loss = float((np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))).sum()) / count

    elif g is None:

        def data_loss() -> None:  # Σ_k y_k (lse(z) − z_k) per example, summed, / B
            m = z.max(axis=0)
            lse = m + np.log(np.exp(z - m).sum(axis=0))
            ws.loss = float((y * (lse - z)).sum()) / count

    elif loss == "l1":
        ops.append((np.subtract, (a, y, ws.diff)))  # a − y
        ops.append((np.sign, (ws.diff, g)))  # ∂ℓ/∂a = sign(a − y), 0 at a = y (the subgradient)

        def data_loss() -> None:  # Σ_k |a_k − y_k| per example, summed, / B
            ws.loss = float(np.abs(diff).sum()) / count

    elif loss == "half_sse":
        ops.append((np.subtract, (a, y, g)))  # ∂ℓ/∂a = a − y
        diff, scale = g.reshape(-1), 0.5
    else:
        ops.append((np.subtract, (a, y, ws.diff)))  # a − y
        ops.append((np.add, (ws.diff, ws.diff, g)))  # ∂ℓ/∂a = 2(a − y) (sse)
        if loss == "mse" and n_out > 1:
            ops.append((np.divide, (g, n_out, g)))  # ∂ℓ/∂a = 2(a − y)/n (mse)
        divisor = count if loss == "sse" else count * n_out

    if g is not None and loss != "l1":

        def data_loss() -> None:  # half_sse ½Σ(a−y)², sse Σ(a−y)², mse (1/n)Σ(a−y)²; mean over the batch
            ws.loss = float(diff.dot(diff)) * scale / divisor

    ops.append((data_loss, ()))
    if reg == "l2":  # R = (λ/2) Σ W², ∂R/∂W = λW (rates = λ at weights, 0 at biases)

        def penalty() -> None:
            ws.regularization = 0.5 * float(np.dot(theta, ws.grad_reg))

        ops += [(np.multiply, (theta, rates, ws.grad_reg)), (penalty, ())]
    elif reg == "l1":  # R = λ Σ |W|, ∂R/∂W = λ sign(W)

        def penalty() -> None:
            ws.regularization = float(np.dot(rates, np.abs(theta)))

        ops += [(np.sign, (theta, ws.sign)), (np.multiply, (ws.sign, rates, ws.grad_reg)), (penalty, ())]
    return ops


def _derivative_ops(ws: Workspace, net: Network, fused: bool, dropped: frozenset[int]) -> list[Op]:
    """g'(z^l) for every layer that needs it: one call per run of consecutive layers sharing an activation
    (a layer with dropout on its own: its g'(z^l) is taken from g(z^l), not from the dropped-out a^l)."""
    needed = list(range(net.depth - 1))  # hidden layers (0-based)
    if not fused and net.activations[-1].elementwise:
        needed.append(net.depth - 1)
    runs: list[list[int]] = []  # [first, last] layer indices of each run
    for i in needed:
        joins = runs and runs[-1][1] == i - 1 and net.activations[i] is net.activations[i - 1]
        if joins and i not in dropped and i - 1 not in dropped:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    ops: list[Op] = []
    for first, last in runs:
        lo, hi = ws.starts[first], ws.starts[last] + net.sizes[last + 1]  # rows between: ones rows, harmless
        z, a, out = ws.z_all[lo:hi], ws.a_all[lo:hi], ws.derivative[lo:hi]
        if first in dropped:
            a = ws.g[first]
        derivative = net.activations[first].derivative_fn
        assert derivative is not None  # softmax (the only one without) is never a hidden layer
        if net.activations[first].name == "tanh":  # 1 − a², the same two ufunc calls without the wrapper
            ops += [(np.multiply, (a, a, out)), (np.subtract, (np.ones_like(out), out, out))]
        else:
            ops.append((derivative, (z, a, out)))
    return ops


def _backward_ops(
    ws: Workspace,
    net: Network,
    blocks: list[FloatArray],
    x: FloatArray,
    y: FloatArray,
    layer: int,
    fused: bool,
    reg: bool,
    per_layer: bool,
    dropped: bool = False,
) -> list[Op]:
    """δ^l, then ∂L/∂[W^l | b^l] = (1/B) δ^l [a^(l−1); 1]ᵀ and ∂ℓ/∂a^(l−1) = W^lᵀ δ^l."""
    delta = ws.delta[layer - 1]
    ops: list[Op] = []
    if layer == net.depth:
        if fused:
            ops.append((np.subtract, (ws.a[-1], y, delta)))  # δ^L = a − y (sigmoid + bce, softmax + CE)
        elif net.activations[-1].elementwise:
            ops.append((np.multiply, (ws.grad_output, ws.s[-1], delta)))  # δ^L = ∂ℓ/∂a ⊙ g'(z^L)
        else:  # δ^L = softmax Jacobian-vector product a ⊙ (∂ℓ/∂a − Σ_k ∂ℓ/∂a_k a_k)
            ops.append((softmax_backward, (ws.a[-1], ws.grad_output, delta, 0)))
    else:
        ops.append((np.multiply, (ws.grad_input[layer], ws.s[layer - 1], delta)))  # δ^l = ∂ℓ/∂a^l ⊙ g'(z^l)
        if dropped:
            ops.append((np.multiply, (delta, ws.scale[layer - 1], delta)))  # ⊙ m^l/(1 − p_l): the same mask
    previous = x if layer == 1 else ws.h[layer - 2]
    grad = ws.grad_data_blocks[layer - 1]
    ops.append((delta.dot, (previous.T, grad)))  # Σ_i δ_i [a_i; 1]ᵀ
    if per_layer:
        ops.append((np.divide, (grad, float(ws.batch), grad)))  # mean over the batch
        if reg:
            total, reg_grad = ws.grad_total_blocks[layer - 1], ws.grad_reg_blocks[layer - 1]
            ops.append((np.add, (grad, reg_grad, total)))  # + ∂R/∂W
    grad_input = ws.grad_input[layer - 1]
    if grad_input is not None:
        ops.append((blocks[layer - 1][:, :-1].T.dot, (delta, grad_input)))  # W^lᵀ δ^l
    return ops


def compile_program(
    ws: Workspace,
    net: Network,
    optimizer: SGD,
    x: FloatArray,
    y: FloatArray,
    loss: str,
    reg: str,
    reg_rate: float,
    lr: float,
    train_biases: bool,
    dropout: tuple[tuple[float, ...], Op] | None = None,
) -> Program:
    """The iteration on inputs x (n_0 + 1, B) (a row of ones last) and targets y (n_L, B); `dropout`: the
    rate per hidden layer and the call that draws this iteration's masks into the workspace (first)."""
    fused = (net.activations[-1].name, loss) in FUSED_PAIRS
    blocks, theta, new = net.layout.blocks(net.theta), net.theta, net.spare
    has_reg = reg != "none"
    rates = reg_rate * net.layout.weight_mask
    grad = ws.grad_total if has_reg else ws.grad_data
    dropped = frozenset(i for i, p in enumerate(dropout[0] if dropout else ()) if p > 0.0)  # 0-based
    forward = [
        _forward_ops(ws, net, blocks, x, layer, layer - 1 in dropped) for layer in range(1, net.depth + 1)
    ]
    if dropout is not None:
        forward[0].insert(0, dropout[1])
    loss_ops = _loss_ops(ws, net, loss, y, theta, reg, rates)
    layers = range(net.depth, 0, -1)
    derivatives = _derivative_ops(ws, net, fused, dropped)
    backward = [
        _backward_ops(ws, net, blocks, x, y, layer, fused, has_reg, True, layer - 1 in dropped)
        for layer in layers
    ]
    backward[0] = derivatives + backward[0]
    update = optimizer.ops(theta, grad, new, lr, train_biases)
    fast = [op for ops in forward for op in ops] + loss_ops + derivatives
    for layer in layers:
        fast += _backward_ops(ws, net, blocks, x, y, layer, fused, has_reg, False, layer - 1 in dropped)
    fast.append((np.divide, (ws.grad_data, float(ws.batch), ws.grad_data)))
    if has_reg:
        fast.append((np.add, (ws.grad_data, ws.grad_reg, ws.grad_total)))
    fast += update
    return Program(
        workspace=ws,
        x=x,
        y=y,
        phases=[*forward, loss_ops, *backward, update],
        fast=fast,
        checks=phase_checks(ws, net, optimizer, has_reg),
        screens=screens(ws, net, optimizer),
    )
