"""A parsed expression: vectorised forward values, reverse-mode gradients, its polynomial degree.

Values broadcast (NumPy rules): a variable may be a number or an array (a grid), and the value and every
gradient come back with the broadcast shape of all the values given. Arithmetic runs under
np.errstate(all="ignore"): a division by zero or an overflow gives inf or nan where it happens and never
raises; the callers decide what a non-finite number means.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from app.engine.graph.ops import OPS
from app.engine.graph.parser import ExpressionError, Node, parse_nodes

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Backward:
    """One reverse pass: every node's value and gradient ∂f/∂node, and each node's local derivatives (one
    per input, in the order of node.inputs), all with the broadcast shape."""

    values: list[Array]
    grads: list[Array]
    locals: list[tuple[Array, ...]]


class Expression:
    """An expression's graph: `nodes` in topological order (the output last), variables by first use."""

    def __init__(self, text: str, nodes: list[Node], variable_nodes: dict[str, int]) -> None:
        self.text = text
        self.nodes = tuple(nodes)
        self.variable_nodes = dict(variable_nodes)
        self.variables: tuple[str, ...] = tuple(variable_nodes)

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def _inputs(self, values: Mapping[str, ArrayLike]) -> tuple[dict[str, Array], tuple[int, ...]]:
        arrays: dict[str, Array] = {}
        for name in self.variables:
            if name not in values:
                raise ExpressionError(
                    f"no value given for {name}", self.nodes[self.variable_nodes[name]].start
                )
        for name, value in values.items():
            arrays[name] = np.asarray(value, dtype=np.float64)
        shape = np.broadcast_shapes(*(array.shape for array in arrays.values())) if arrays else ()
        return arrays, shape

    def forward(self, values: Mapping[str, ArrayLike]) -> list[Array]:
        """Every node's value, in node order, each broadcast to the shape of all the values given."""
        arrays, shape = self._inputs(values)
        out: list[Array] = []
        with np.errstate(all="ignore"):
            for node in self.nodes:
                if node.op == "var":
                    result = arrays[node.name]
                elif node.op == "const":
                    result = np.asarray(node.number, dtype=np.float64)
                else:
                    result = np.asarray(
                        OPS[node.op].forward(*(out[i] for i in node.inputs)), dtype=np.float64
                    )
                out.append(np.broadcast_to(result, shape))
        return out

    def evaluate(self, values: Mapping[str, ArrayLike]) -> Array:
        """f at the values (numbers or arrays, broadcast); nan or inf where it is not finite."""
        return np.array(self.forward(values)[-1], dtype=np.float64)

    def backward(self, values: Mapping[str, ArrayLike]) -> Backward:
        """The forward values, then every node's gradient in reverse order: each input receives
        upstream × local, summed over all the uses of the input (fan-out)."""
        forward = self.forward(values)
        shape = forward[-1].shape
        grads = [np.zeros(shape) for _ in self.nodes]
        locals_: list[tuple[Array, ...]] = [() for _ in self.nodes]
        grads[-1] = np.ones(shape)
        with np.errstate(all="ignore"):
            for index in range(len(self.nodes) - 1, -1, -1):
                node = self.nodes[index]
                if not node.inputs:
                    continue
                inputs = tuple(forward[i] for i in node.inputs)
                derivatives = OPS[node.op].local(inputs, forward[index])
                locals_[index] = tuple(
                    np.broadcast_to(np.asarray(d, dtype=np.float64), shape) for d in derivatives
                )
                for source, local in zip(node.inputs, locals_[index], strict=True):
                    if self.nodes[source].op == "const":
                        continue  # numbers are not differentiated (a constant exponent's ln of a base < 0)
                    grads[source] = grads[source] + grads[index] * local
        return Backward(forward, grads, locals_)

    def gradient(self, values: Mapping[str, ArrayLike]) -> tuple[Array, dict[str, Array]]:
        """f and ∂f/∂v of every variable v (reverse mode), each with the broadcast shape of the values."""
        result = self.backward(values)
        grads = {name: np.array(result.grads[i], dtype=np.float64) for name, i in self.variable_nodes.items()}
        return np.array(result.values[-1], dtype=np.float64), grads

    def polynomial_degree(self) -> int | None:
        """The (structural) degree when f is a polynomial in its variables: sums, products, division by a
        constant and powers by a constant integer ≥ 0 only, and functions only of numbers; else None."""
        degrees: list[int | None] = []
        for index, node in enumerate(self.nodes):
            degrees.append(self._degree(index, node, degrees))
        return degrees[-1]

    def _degree(self, index: int, node: Node, degrees: list[int | None]) -> int | None:
        if node.op == "var":
            return 1
        if node.op == "const":
            return 0
        inputs = [degrees[i] for i in node.inputs]
        if None in inputs:
            return None
        known = [d for d in inputs if d is not None]
        if all(d == 0 for d in known):  # no variable below: a number (if it is a finite one)
            return 0 if bool(np.isfinite(self._constant(index))) else None
        if node.op in ("add", "sub", "neg"):
            return max(known)
        if node.op == "mul":
            return sum(known)
        if node.op == "div":
            return known[0] if known[1] == 0 and self._constant(node.inputs[1]) != 0 else None
        if node.op == "pow" and known[1] == 0:
            exponent = self._constant(node.inputs[1])
            if np.isfinite(exponent) and exponent >= 0 and exponent == int(exponent):
                return known[0] * int(exponent)
        return None

    def _constant(self, index: int) -> float:
        """The value of node `index`, whose subgraph holds no variable."""
        values: dict[int, float] = {}
        with np.errstate(all="ignore"):
            for i, node in enumerate(self.nodes[: index + 1]):
                if node.op == "const":
                    values[i] = node.number
                elif node.op != "var" and all(j in values for j in node.inputs):
                    values[i] = float(OPS[node.op].forward(*(np.float64(values[j]) for j in node.inputs)))
        return values[index]


def parse_expression(text: str, variables: Collection[str] | None = None) -> Expression:
    """The expression written in `text` (ExpressionError with the position when it is not allowed). With
    `variables`, any other name is an error."""
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text", 0)
    nodes, variable_nodes = parse_nodes(text, variables)
    return Expression(text, nodes, variable_nodes)
