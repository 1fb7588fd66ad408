"""The graph as the view steps it: lecture values node by node, upstream × local = downstream on every edge,
fan-out summed, shared subexpressions as one node, gates named, numbers not differentiated, and no finite
value or derivative reported at the node that has none."""

from __future__ import annotations

import math
from typing import Any

import pytest

from app.engine.graph import EXAMPLES, DomainError, parse_expression, trace


def run(text: str, **values: float) -> dict[str, Any]:
    return trace(parse_expression(text), values)


def test_lecture_000_node_by_node() -> None:
    graph = run("(x + y) * z", x=-2, y=5, z=-4)
    assert [(n["name"], n["value"], n["grad"]) for n in graph["nodes"]] == [
        ("x", -2.0, -4.0),
        ("y", 5.0, -4.0),
        ("q", 3.0, -4.0),
        ("z", -4.0, 3.0),
        ("f", -12.0, 1.0),
    ]
    assert [n["tex"] for n in graph["nodes"]][2:] == ["x + y", "z", r"q \cdot z"]
    locals_ = {(e["from"], e["to"]): (e["upstream"], e["local"], e["downstream"]) for e in graph["edges"]}
    assert locals_ == {
        ("n0", "n2"): (-4.0, 1.0, -4.0),  # ∂q/∂x = 1
        ("n1", "n2"): (-4.0, 1.0, -4.0),
        ("n2", "n4"): (1.0, -4.0, -4.0),  # ∂f/∂q = z
        ("n3", "n4"): (1.0, 3.0, 3.0),  # ∂f/∂z = q
    }


def test_every_example_sums_its_edges() -> None:
    for example in EXAMPLES:
        graph = trace(parse_expression(example.expression), example.values)
        for node in graph["nodes"]:
            leaving = [e["downstream"] for e in graph["edges"] if e["from"] == node["id"]]
            assert node["fan_out"] == len(leaving)
            if node["op"] != "const" and leaving:
                assert node["grad"] == pytest.approx(sum(leaving), rel=1e-15, abs=1e-300)
        for edge in graph["edges"]:
            if edge["local"] is not None:
                assert edge["downstream"] == edge["upstream"] * edge["local"]


def test_fan_out_and_shared_subexpressions() -> None:
    graph = run("x * x + x", x=3)
    x = graph["nodes"][0]
    assert (x["fan_out"], x["grad"]) == (3, 7.0)  # 2x + 1: three uses, one node
    assert [e["downstream"] for e in graph["edges"] if e["from"] == "n0"] == [3.0, 3.0, 1.0]
    graph = run("(x + y) * (x + y)", x=1, y=2)
    assert [n["op"] for n in graph["nodes"]] == ["var", "var", "add", "mul"]
    assert graph["nodes"][2]["fan_out"] == 2 and graph["gradients"] == {"x": 6.0, "y": 6.0}


def test_gates_and_kinks() -> None:
    graph = run("2 * (x*y + max(z, w))", x=3, y=-4, z=2, w=-1)
    gates = {n["op"]: n["gate"] for n in graph["nodes"]}
    assert gates == {"const": None, "var": None, "mul": "swap", "add": "distribute", "max": "route"}
    assert graph["gradients"] == {"x": -8.0, "y": 6.0, "z": 2.0, "w": 0.0}
    number = graph["nodes"][0]
    assert number["op"] == "const" and number["grad"] is None
    assert [e["local"] for e in graph["edges"] if e["from"] == number["id"]] == [None]
    assert run("max(x, y) + relu(x)", x=0, y=0)["gradients"] == {"x": 1.0, "y": 0.0}


def test_names_and_tex() -> None:
    graph = run("sigmoid(w0*x0 + w1*x1 + w2)", w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
    assert [n["name"] for n in graph["nodes"]][:3] == ["w_{0}", "x_{0}", "q_{1}"]
    assert graph["nodes"][-1]["tex"] == r"\sigma(q_{4})"
    assert [e["local_tex"] for e in graph["edges"] if e["to"] == graph["nodes"][-1]["id"]] == ["f(1 - f)"]
    assert run("q * f", q=1, f=2)["nodes"][-1]["name"] == "F"
    assert run("-2 * x", x=1)["nodes"][-1]["tex"] == r"(-2) \cdot x"


@pytest.mark.parametrize(
    ("text", "values", "words", "position"),
    [
        ("3 + 1 / (x - 2)", {"x": 2}, "division by zero: x - 2 = 0", 9),
        ("log(x)", {"x": 0}, "log of a number ≤ 0: x = 0", 4),
        ("exp(x) * 2", {"x": 710}, "exp(x) overflows", 0),
        ("x ** 0.5", {"x": -4}, "not a real number (x = -4)", 0),
        ("y + x ** 0.5", {"x": 0, "y": 1}, "with respect to x is not finite", 4),
        ("x ** y", {"x": -2, "y": 2}, "with respect to y", 5),
    ],
)
def test_no_finite_value_names_the_node(
    text: str, values: dict[str, float], words: str, position: int
) -> None:
    with pytest.raises(DomainError) as caught:
        trace(parse_expression(text), values)
    assert words in caught.value.message and caught.value.position == position


def test_everything_reported_is_finite() -> None:
    graph = run("0 * log(x) + exp(y) - exp(y)", x=1e-300, y=700)
    numbers = [n["value"] for n in graph["nodes"]] + [v for e in graph["edges"] for v in (e["upstream"],)]
    assert all(math.isfinite(v) for v in numbers)
