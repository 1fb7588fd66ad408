"""The graph's operations: each one's forward and its local derivatives side by side (micrograd style).

`forward(*inputs)` is the node's value; `local(inputs, out)` the partial derivative of the node's value with
respect to each input, evaluated at the forward values (the "local gradient" of lecture 000: downstream =
upstream × local). NumPy arrays throughout, so one op serves a single number and a whole grid alike.

Kink conventions (where the derivative does not exist, the value the graph uses):
- relu'(0) = 0 (relu passes the gradient only where its input is > 0), as PyTorch does;
- max(a, b) on a tie a = b routes the whole gradient to the first argument a (PyTorch splits it in half);
- a ** b with b = 0 has ∂/∂a = 0 (a⁰ = 1 is constant), also at a = 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.engine.activations import sigmoid_forward

Array = NDArray[np.float64]
Forward = Callable[..., Array]
Local = Callable[[tuple[Array, ...], Array], tuple[Array, ...]]


@dataclass(frozen=True)
class Op:
    """One operation: its name on the wire, how many inputs, how it is written, its value and derivatives.

    `gate` names the pattern its backward pass follows (lecture 000's gates): "distribute" (the upstream
    gradient goes unchanged to every input), "swap" (each input gets upstream × the other input), "route"
    (the whole gradient goes to one input, none to the others), or None.
    """

    name: str
    arity: int
    symbol: str
    forward: Forward
    local: Local
    gate: str | None = None
    # TeX of the value and of each local derivative: @0, @1 stand for the inputs' names, @o for the node's.
    tex: str = ""
    local_tex: tuple[str, ...] = ()


def _ones(a: Array) -> Array:
    return np.ones_like(a)


def _mask(condition: NDArray[np.bool_]) -> Array:
    return np.asarray(condition, dtype=np.float64)


def _pow_local(inputs: tuple[Array, ...], out: Array) -> tuple[Array, ...]:
    a, b = inputs
    d_base = np.where(b == 0, 0.0, b * a ** (b - 1.0))  # b·a^(b−1); 0 where b = 0 (a⁰ is constant)
    d_exponent = out * np.log(a)  # a^b · ln a (not finite for a ≤ 0: only constants' exponents may be so)
    return d_base, d_exponent


def _sigmoid(a: Array) -> Array:
    return sigmoid_forward(np.asarray(a, dtype=np.float64))


OPS: dict[str, Op] = {
    op.name: op
    for op in (
        Op(
            "add",
            2,
            "+",
            lambda a, b: a + b,
            lambda i, o: (_ones(o), _ones(o)),
            "distribute",
            "@0 + @1",
            ("1", "1"),
        ),
        Op(
            "sub",
            2,
            "−",
            lambda a, b: a - b,
            lambda i, o: (_ones(o), -_ones(o)),
            None,
            "@0 - @1",
            ("1", "-1"),
        ),
        Op(
            "mul", 2, "×", lambda a, b: a * b, lambda i, o: (i[1], i[0]), "swap", r"@0 \cdot @1", ("@1", "@0")
        ),
        Op(
            "div",
            2,
            "÷",
            lambda a, b: a / b,
            lambda i, o: (1.0 / i[1], -o / i[1]),
            None,
            r"\frac{@0}{@1}",
            (r"\frac{1}{@1}", r"-\frac{@0}{@1^{2}}"),
        ),
        Op(
            "pow",
            2,
            "**",
            lambda a, b: a**b,
            _pow_local,
            None,
            "@0^{@1}",
            (r"@1\,@0^{@1 - 1}", r"@0^{@1} \ln @0"),
        ),
        Op("neg", 1, "−", lambda a: -a, lambda i, o: (-_ones(o),), None, "-@0", ("-1",)),
        Op("exp", 1, "exp", np.exp, lambda i, o: (o,), None, "e^{@0}", ("e^{@0}",)),
        Op("log", 1, "log", np.log, lambda i, o: (1.0 / i[0],), None, r"\ln @0", (r"\frac{1}{@0}",)),
        Op("tanh", 1, "tanh", np.tanh, lambda i, o: (1.0 - o * o,), None, r"\tanh @0", ("1 - @o^{2}",)),
        Op("sigmoid", 1, "σ", _sigmoid, lambda i, o: (o * (1.0 - o),), None, r"\sigma(@0)", ("@o(1 - @o)",)),
        Op(
            "relu",
            1,
            "relu",
            lambda a: np.maximum(a, 0.0),
            lambda i, o: (_mask(i[0] > 0),),
            "route",
            r"\max(0, @0)",
            ("[@0 > 0]",),
        ),
        Op(
            "max",
            2,
            "max",
            np.maximum,
            lambda i, o: (_mask(i[0] >= i[1]), _mask(i[0] < i[1])),
            "route",
            r"\max(@0, @1)",
            (r"[@0 \ge @1]", "[@0 < @1]"),
        ),
    )
}

# The functions an expression may call, by the name it is written with (aliases included).
FUNCTIONS: dict[str, str] = {
    "exp": "exp",
    "log": "log",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "sigma": "sigmoid",
    "σ": "sigmoid",
    "relu": "relu",
    "max": "max",
}
