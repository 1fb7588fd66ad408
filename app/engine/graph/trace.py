"""One expression at one point, as the graph view steps it: nodes with their values and gradients, edges with
upstream × local = downstream, the gate each node is, and every input's gradient.

Nodes come in topological order (inputs before the operations that use them, the output f last); a node's
gradient ∂f/∂node is the sum of the downstream gradients of the edges leaving it (its uses: a variable or a
subexpression used twice sums two). Numbers (constants) are not differentiated: their edges carry the
upstream gradient only. A value, a local derivative or a gradient that is not finite (division by zero, the
log of a number ≤ 0, an overflow) is a DomainError naming the node and its position.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from app.engine.graph.expression import Backward, Expression
from app.engine.graph.ops import OPS
from app.engine.graph.parser import ExpressionError, Node

_TRAILING_DIGITS = re.compile(r"^([^\d_]+)_?(\d+)$")


class DomainError(ExpressionError):
    """The expression has no finite value or derivative at these values (`position`: the node's start)."""


def _number_text(number: float) -> str:
    return f"{number:.12g}"


def tex_name(name: str) -> str:
    """A variable's name in TeX: w0 and w_0 as w_{0}."""
    match = _TRAILING_DIGITS.match(name)
    return f"{match.group(1)}_{{{match.group(2)}}}" if match else name


def _names(expression: Expression) -> list[str]:
    """Each node's name in TeX: a variable's own, the number, the output f, the operations in between q
    (one) or q_1, q_2, ... (a letter no variable uses)."""
    taken = set(expression.variables)
    letter = next(ch for ch in "qurstuvhgk" if ch not in taken)
    inner = [i for i, n in enumerate(expression.nodes[:-1]) if n.op not in ("var", "const")]
    names: list[str] = []
    for index, node in enumerate(expression.nodes):
        if node.op == "var":
            names.append(tex_name(node.name))
        elif node.op == "const":
            text = _number_text(node.number)
            names.append(f"({text})" if node.number < 0 else text)
        elif index == len(expression.nodes) - 1:
            names.append("f" if "f" not in taken else "F")
        else:
            names.append(letter if len(inner) == 1 else f"{letter}_{{{inner.index(index) + 1}}}")
    return names


def _tex_number(value: float) -> str:
    """A value in TeX, in parentheses when negative: 3, (-0.25), 1.5 \\times 10^{-7}."""
    mantissa, _, exponent = f"{value:.4g}".partition("e")
    text = f"{mantissa} \\times 10^{{{int(exponent)}}}" if exponent else mantissa
    return f"({text})" if value < 0 else text


def _label(node: Node, symbol: str) -> str:
    """What the node is drawn as: a variable's name, the number, the operator."""
    if node.op == "var":
        return node.name
    return _number_text(node.number) if node.op == "const" else symbol


def _fill(template: str, node: Node, names: list[str], own: str) -> str:
    out = template.replace("@o", own)
    for slot, source in enumerate(node.inputs):
        out = out.replace(f"@{slot}", names[source])
    return out


def _check_values(expression: Expression, run: Backward) -> None:
    """The first node whose value is not finite (its inputs are): why, at its position."""
    for index, node in enumerate(expression.nodes):
        value = float(run.values[index])
        if math.isfinite(value):
            continue
        text = expression.text[node.start : node.end]
        inputs = [float(run.values[i]) for i in node.inputs]
        shown = [_number_text(v) for v in inputs]
        sources = [expression.nodes[i] for i in node.inputs]
        parts = [expression.text[source.start : source.end] for source in sources]
        position = node.start
        if node.op == "div" and inputs[1] == 0:
            reason, position = f"division by zero: {parts[1]} = 0", sources[1].start
        elif node.op == "log" and inputs[0] <= 0:
            reason, position = f"log of a number ≤ 0: {parts[0]} = {shown[0]}", sources[0].start
        elif node.op == "pow" and math.isnan(value):
            named = [f"{p} = {s}" for p, s, n in zip(parts, shown, sources, strict=True) if n.op != "const"]
            reason = f"{text} is not a real number ({', '.join(named)})"
        else:
            reason = f"{text} overflows (it is beyond ±1.8e308)"
        raise DomainError(reason, position)


def _check_gradient(expression: Expression, index: int, grad: float) -> None:
    if not math.isfinite(grad):
        node = expression.nodes[index]
        text = expression.text[node.start : node.end]
        raise DomainError(f"the derivative of f with respect to {text} is not finite here", node.start)


def trace(expression: Expression, values: Mapping[str, float]) -> dict[str, Any]:
    """The graph at `values` (one number per variable): value, gradients, nodes and edges (all finite)."""
    run = expression.backward({name: float(values[name]) for name in expression.variables})
    _check_values(expression, run)
    names = _names(expression)
    numbers = [_tex_number(float(v)) for v in run.values]
    ids = [f"n{i}" for i in range(len(expression.nodes))]
    fan_out = [0] * len(expression.nodes)
    edges: list[dict[str, Any]] = []
    for index, node in enumerate(expression.nodes):
        op = OPS.get(node.op)
        for slot, source in enumerate(node.inputs):
            fan_out[source] += 1
            upstream = float(run.grads[index])
            number = expression.nodes[source].op == "const"
            local = None if number else float(run.locals[index][slot])
            downstream = None if local is None else upstream * local
            if local is not None and not (math.isfinite(local) and math.isfinite(downstream or 0.0)):
                _check_gradient(expression, source, math.inf)
            assert op is not None
            edges.append(
                {
                    "from": ids[source],
                    "to": ids[index],
                    "slot": slot,
                    "upstream": upstream,
                    "local": local,
                    "downstream": downstream,
                    "local_tex": _fill(op.local_tex[slot], node, names, names[index]),
                }
            )
    nodes: list[dict[str, Any]] = []
    for index, node in enumerate(expression.nodes):
        number = node.op == "const"
        grad = None if number else float(run.grads[index])
        if grad is not None:
            _check_gradient(expression, index, grad)
        op = OPS.get(node.op)
        nodes.append(
            {
                "id": ids[index],
                "op": node.op,
                "label": _label(node, op.symbol if op else ""),
                "name": names[index],
                "text": expression.text[node.start : node.end],
                "start": node.start,
                "end": node.end,
                "inputs": [ids[i] for i in node.inputs],
                "value": float(run.values[index]),
                "grad": grad,
                "gate": op.gate if op else None,
                "fan_out": fan_out[index],
                "tex": _fill(op.tex, node, names, names[index]) if op else names[index],
                "tex_values": _fill(op.tex, node, numbers, numbers[index]) if op else numbers[index],
            }
        )
    gradients = {name: float(run.grads[i]) for name, i in expression.variable_nodes.items()}
    return {"value": float(run.values[-1]), "gradients": gradients, "nodes": nodes, "edges": edges}
