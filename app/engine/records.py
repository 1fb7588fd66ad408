"""Phase records: what each phase computed, for the batch (rows = examples) and for the traced example.

Keys are docs/engine.md's "Phase records" table. Arrays are copies (float64, rows = examples); the kernel's
column buffers are transposed back to the lectures' row-per-example tables here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from app.engine import dropout
from app.engine.hyper import Hyper
from app.engine.losses import Loss, output_delta
from app.engine.network import Network
from app.engine.optimizers import SGD
from app.engine.workspace import Program

FloatArray = NDArray[np.float64]
Record = dict[str, Any]


class PhaseContext(Protocol):
    """What records read besides the iteration in flight: the phase machine (app/engine/stepper.py)."""

    @property
    def net(self) -> Network: ...
    @property
    def loss(self) -> Loss: ...
    @property
    def fused(self) -> bool: ...
    @property
    def hyper(self) -> Hyper: ...
    @property
    def optimizer(self) -> SGD: ...


@dataclass
class Flight:
    """The iteration in progress: its batch, its compiled calls, the next phase and the traced example."""

    step: int
    epoch: int
    start: int
    stop: int
    indices: NDArray[np.int64]
    program: Program
    phase: int
    trace: dict[str, Any]


def phase_of(index: int, depth: int) -> tuple[str, int | None]:
    """(phase, layer) of phase number `index` in an iteration of a depth-L network."""
    if index < depth:
        return "forward", index + 1
    if index == depth:
        return "loss", None
    if index <= 2 * depth:
        return "backward", 2 * depth - index + 1
    return "update", None


def _rows(columns: FloatArray) -> FloatArray:
    """(n, B) columns as a (B, n) row-per-example copy."""
    return np.ascontiguousarray(columns.T)


def build_record(st: PhaseContext, flight: Flight, index: int) -> Record:
    """The record of phase `index` of the iteration `flight` (the update record after its commit)."""
    phase, layer = phase_of(index, st.net.depth)
    trace = flight.trace
    record: Record = {
        "phase": phase,
        "layer": layer,
        "step": flight.step,
        "epoch": flight.epoch,
        "batch": flight.indices.copy(),
    }
    example: Record = {"index": trace["index"], "in_batch": trace["in_batch"]}
    if phase == "forward":
        assert layer is not None
        record.update(_forward(st, flight, layer))
        own = trace["layers"][layer - 1]
        example.update({key: own[key].copy() for key in ("a_prev", "z", "a")})
        example.update(_dropped(own))
    elif phase == "loss":
        record.update(_loss(st, flight))
        example.update({key: np.copy(trace[key]) for key in ("output", "target", "grad_output")})
        example["loss"] = trace["loss"]
    elif phase == "backward":
        assert layer is not None
        record.update(_backward(st, flight, layer))
        own = trace["layers"][layer - 1]
        example.update({key: own[key].copy() for key in ("delta", "grad_weights", "grad_input")})
        example["activation_grad"] = None if own["activation_grad"] is None else own["activation_grad"].copy()
        example.update(_dropped(own))
    else:
        record.update(_update(st))
    record["example"] = example
    return record


def _dropped(own: Record) -> Record:
    """A hidden layer's dropout values of the traced example (mask, dropout rate, g(z)), or nothing."""
    return {
        key: np.copy(own[key]) if key != "dropout" else own[key]
        for key in ("mask", "g", "dropout")
        if key in own
    }


def _layer_dropout(st: PhaseContext, flight: Flight, layer: int) -> Record:
    """The batch's dropout at a hidden layer with a rate above 0: rate, masks m^l (B, n_l), g(z^l)."""
    rates = st.hyper.dropout
    if layer >= st.net.depth or not rates or rates[layer - 1] <= 0.0:
        return {}
    ws = flight.program.workspace
    return {"dropout": rates[layer - 1], "mask": _rows(ws.mask[layer - 1]), "g": _rows(ws.g[layer - 1])}


def _batch_x(st: PhaseContext, flight: Flight) -> FloatArray:
    """The batch's inputs as rows (B, n_0)."""
    return _rows(flight.program.x[: st.net.sizes[0]])


def _forward(st: PhaseContext, flight: Flight, layer: int) -> Record:
    """a_prev, z, a of the batch at `layer`."""
    ws = flight.program.workspace
    a_prev = _batch_x(st, flight) if layer == 1 else _rows(ws.a[layer - 2])
    return {
        "a_prev": a_prev,
        "z": _rows(ws.z[layer - 1]),
        "a": _rows(ws.a[layer - 1]),
        **_layer_dropout(st, flight, layer),
    }


def _loss(st: PhaseContext, flight: Flight) -> Record:
    """Mean data loss, regularisation, total, per-example losses, output, targets, ∂ℓ/∂a^L."""
    ws = flight.program.workspace
    z, a, y = _rows(ws.z[-1]), _rows(ws.a[-1]), _rows(flight.program.y)
    with np.errstate(all="ignore"):
        per_example = st.loss.value(z, a, y)
        # fused pairs never need ∂ℓ/∂a (δ^L = a − y directly): it is computed here for display only
        grad_output = st.loss.grad_output(z, a, y) if ws.grad_output is None else _rows(ws.grad_output)
    return {
        "loss": ws.loss,
        "regularization": ws.regularization,
        "total": ws.loss + ws.regularization,
        "per_example": per_example,
        "output": a,
        "targets": y,
        "grad_output": grad_output,
    }


def _backward(st: PhaseContext, flight: Flight, layer: int) -> Record:
    """δ^l, the gradients of layer l (total, data and regularisation parts), ∂ℓ/∂a^(l−1) and g'(z^l)."""
    ws, layout, net = flight.program.workspace, st.net.layout, st.net
    data = ws.grad_data_blocks[layer - 1]
    has_reg = st.hyper.regularization != "none"  # settings stay fixed while an iteration runs
    reg = ws.grad_reg_blocks[layer - 1][:, :-1] if has_reg else np.zeros_like(data[:, :-1])
    total = ws.grad_total_blocks[layer - 1][:, :-1] if has_reg else data[:, :-1]
    delta = _rows(ws.delta[layer - 1])
    grad_input = ws.grad_input[layer - 1]
    # at the first layer ∂ℓ/∂x = δ W^1 is shown only: the update does not need it
    grad_input_rows = delta @ layout.weights(net.theta)[0] if grad_input is None else _rows(grad_input)
    act = net.activations[layer - 1]
    if not act.elementwise:
        activation_grad = None
    elif layer == net.depth and st.fused:  # shown only: the fused δ^L = a − y does not use it
        activation_grad = act.derivative(_rows(ws.z[-1]), _rows(ws.a[-1]))
    else:
        activation_grad = _rows(ws.s[layer - 1])
    return {
        "delta": delta,
        "grad_weights": total.copy(),
        "grad_weights_data": data[:, :-1].copy(),
        "grad_weights_reg": reg.copy(),
        "grad_biases": data[:, -1].copy(),
        "grad_input": grad_input_rows,
        "activation_grad": activation_grad,
        **_layer_dropout(st, flight, layer),
    }


def _update(st: PhaseContext) -> Record:
    """Weights and biases before and after the committed update, the change, and the optimizer's state."""
    layout = st.net.layout
    before_w, after_w = layout.weights(st.net.spare), layout.weights(st.net.theta)
    before_b, after_b = layout.biases(st.net.spare), layout.biases(st.net.theta)
    return {
        "weights_before": [w.copy() for w in before_w],
        "weights": [w.copy() for w in after_w],
        "biases_before": [b.copy() for b in before_b],
        "biases": [b.copy() for b in after_b],
        "weight_changes": [new - old for new, old in zip(after_w, before_w, strict=True)],
        "bias_changes": [new - old for new, old in zip(after_b, before_b, strict=True)],
        "learning_rate": st.hyper.learning_rate,
        "optimizer": st.optimizer.name,
        "optimizer_state": st.optimizer.state(),
    }


def trace_example(
    net: Network,
    x: FloatArray,
    y: FloatArray,
    loss: Loss,
    masks: tuple[FloatArray, FloatArray] | None = None,
    rates: Sequence[float] = (),
) -> dict[str, Any]:
    """One example's own values (x (n_0,), y (n_L,)): the loss terms and, per layer, a_prev, z, a, delta,
    grad_weights (δ a_prevᵀ of this example), grad_input and activation_grad g'(z) (None for softmax);
    `masks`: its dropout (mask, scale) over the hidden units stacked, adding mask, dropout and g = g(z)
    (before the mask) to each hidden layer."""
    hidden = net.sizes[1:-1]
    scales = None if masks is None else [s[None, :] for s in dropout.split(masks[1], hidden)]
    inputs, zs, gs, acts = net.passes(x[None, :], scales)
    with np.errstate(all="ignore"):
        a, target, z = acts[-1], y[None, :], zs[-1]
        value = float(loss.value(z, a, target)[0])
        grad_output = loss.grad_output(z, a, target)
        delta = output_delta(loss, net.activations[-1], z, a, target)  # δ^L
        layers: list[dict[str, Any]] = [{} for _ in range(net.depth)]
        for layer in range(net.depth, 0, -1):
            grad_w, _, grad_input = net.backward_layer(layer, delta, inputs[layer - 1])
            slope = net.activations[layer - 1].derivative(zs[layer - 1], gs[layer - 1])  # g'(z^l)
            layers[layer - 1] = {
                "a_prev": inputs[layer - 1][0],
                "z": zs[layer - 1][0],
                "a": acts[layer - 1][0],
                "delta": delta[0],
                "grad_weights": grad_w,
                "grad_input": grad_input[0],
                "activation_grad": None if slope is None else slope[0],
            }
            if layer > 1:  # chain rule: δ^(l−1) = ∂ℓ/∂a^(l−1) ⊙ g'(z^(l−1)) (⊙ the dropout scale)
                delta = net.hidden_delta(layer - 1, zs[layer - 2], gs[layer - 2], grad_input, scales)
    if masks is not None:
        for i, mask in enumerate(dropout.split(masks[0], hidden)):
            if rates[i] > 0.0:
                layers[i].update({"mask": mask.copy(), "dropout": float(rates[i]), "g": gs[i][0]})
    return {
        "layers": layers,
        "loss": value,
        "output": a[0],
        "target": y.copy(),
        "grad_output": grad_output[0],
    }
