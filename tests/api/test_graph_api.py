"""POST /api/graph and GET /api/graph/examples through the real app: the lecture's numbers, the names the
page reads, and every kind of bad input answered 422 naming its field (never a 500, never NaN)."""

from __future__ import annotations

import json
import math

import pytest
from fastapi.testclient import TestClient

from app.config import VIEWS


def _finite(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


def test_lecture_graph(client: TestClient) -> None:
    response = client.post(
        "/api/graph", json={"expression": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["value"] == -12.0 and body["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0}
    nodes = {node["id"]: node for node in body["nodes"]}
    order = [node["id"] for node in body["nodes"]]
    for node in body["nodes"]:  # topological: inputs before the node
        assert {"id", "op", "value", "grad"} <= set(node)
        assert all(order.index(i) < order.index(node["id"]) for i in node["inputs"])
    q = next(node for node in body["nodes"] if node["op"] == "add")
    assert (q["value"], q["grad"], q["gate"], q["name"]) == (3.0, -4.0, "distribute", "q")
    assert body["nodes"][-1]["gate"] == "swap" and body["nodes"][-1]["grad"] == 1.0
    for edge in body["edges"]:
        assert edge["downstream"] == edge["upstream"] * edge["local"]
        assert edge["upstream"] == nodes[edge["to"]]["grad"]
    # the q → f edge: upstream 1 × local z = −4
    (edge,) = [e for e in body["edges"] if e["from"] == q["id"]]
    assert (edge["upstream"], edge["local"], edge["downstream"], edge["local_tex"]) == (1.0, -4.0, -4.0, "z")


def test_examples_are_the_lectures_and_all_step(client: TestClient) -> None:
    body = client.get("/api/graph/examples").json()
    assert body["limits"]["max_chars"] == VIEWS.graph_max_chars and "sigmoid" in body["functions"]
    names = [example["name"] for example in body["examples"]]
    assert names[:3] == ["chain", "neuron", "logistic"]
    for example in body["examples"]:
        reply = client.post(
            "/api/graph", json={"expression": example["expression"], "values": example["values"]}
        )
        assert reply.status_code == 200, reply.text
    logistic = body["examples"][2]
    reply = client.post(
        "/api/graph", json={"expression": logistic["expression"], "values": logistic["values"]}
    )
    nodes = reply.json()["nodes"]
    a = next(node for node in nodes if node["op"] == "sigmoid")
    z = next(node for node in nodes if node["id"] == a["inputs"][0])
    assert a["fan_out"] == 2  # a feeds log(a) and 1 − a: its gradient sums both
    assert z["grad"] == pytest.approx(a["value"] - logistic["values"]["y"], abs=1e-15)  # dz = a − y
    assert reply.json()["gradients"]["b"] == pytest.approx(z["grad"], abs=1e-15)  # db = dz


@pytest.mark.parametrize(
    ("body", "loc", "words", "position"),
    [
        ({"expression": "x +", "values": {"x": 1}}, ["body", "expression"], "end", 3),
        ({"expression": "x.__class__", "values": {"x": 1}}, ["body", "expression"], "attribute", 1),
        ({"expression": "foo(x)", "values": {"x": 1}}, ["body", "expression"], "unknown function", 0),
        ({"expression": "max(x)", "values": {"x": 1}}, ["body", "expression"], "2 arguments", 0),
        ({"expression": "lambda: 1", "values": {}}, ["body", "expression"], "lambda", 6),
        ({"expression": "x[0]", "values": {"x": 1}}, ["body", "expression"], "subscript", 1),
        (
            {"expression": "x" * (VIEWS.graph_max_chars + 1)},
            ["body", "expression"],
            "longer",
            VIEWS.graph_max_chars,
        ),
        ({"expression": "(" * 80 + "x" + ")" * 80}, ["body", "expression"], "nested", VIEWS.graph_max_depth),
        ({"expression": "1 / (x - 2)", "values": {"x": 2}}, ["body", "expression"], "division by zero", 5),
        ({"expression": "log(x)", "values": {"x": -1}}, ["body", "expression"], "log of a number ≤ 0", 4),
        ({"expression": "exp(x)", "values": {"x": 800}}, ["body", "expression"], "overflows", 0),
        ({"expression": "x * x * x", "values": {"x": 1e6}}, ["body", "expression"], None, None),
        ({"expression": "x ** 0.5", "values": {"x": 0}}, ["body", "expression"], "not finite", 0),
        ({"expression": "x ** 0.5", "values": {"x": -1}}, ["body", "expression"], "not a real number", 0),
        ({"expression": "x + y", "values": {"x": 1}}, ["body", "values", "y"], "required", None),
        ({"expression": "x", "values": {"x": 1e7}}, ["body", "values", "x"], "between", None),
        ({"expression": "x", "values": {"x": "1"}}, ["body", "values", "x"], "number", None),
        ({"expression": "x", "values": {"x": True}}, ["body", "values", "x"], "number", None),
        ({"expression": 3, "values": {}}, ["body", "expression"], "string", None),
        ({"values": {}}, ["body", "expression"], "required", None),
        ({"expression": "x", "values": {"x": 1}, "extra": 1}, ["body", "extra"], "not a known field", None),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client: TestClient, body, loc, words, position) -> None:
    response = client.post("/api/graph", json=body)
    if words is None:  # 1e18 is finite: a valid graph
        assert response.status_code == 200 and response.json()["value"] == 1e18
        return
    assert response.status_code == 422, response.text
    (detail,) = response.json()["detail"]
    assert detail["loc"] == loc and words in detail["msg"], detail
    assert detail["msg"].startswith(".".join(loc[1:]) + ":")
    if position is not None:
        assert detail["position"] == position and f"(at character {position})" in detail["msg"]


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_values_are_refused(client: TestClient, raw: str) -> None:
    content = '{"expression": "x * 2", "values": {"x": ' + raw + "}}"
    response = client.post("/api/graph", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "values", "x"]


def test_never_nan_on_the_wire(client: TestClient) -> None:
    cases = [
        ("0 * log(x)", {"x": 0.0}),
        ("relu(x) * y + max(x, y)", {"x": 0.0, "y": 0.0}),
        ("exp(x) - exp(x)", {"x": 709.0}),
        ("x ** y", {"x": -2.0, "y": 2.0}),
        ("sigmoid(x) * tanh(y)", {"x": -1e6, "y": 1e6}),
        ("2 * 3", {}),
        ("\ud800 + x", {"x": 1.0}),
    ]
    for expression, values in cases:
        content = json.dumps({"expression": expression, "values": values})  # a lone surrogate as \ud800
        response = client.post("/api/graph", content=content, headers={"content-type": "application/json"})
        assert response.status_code in (200, 422), (expression, response.text)
        text = response.text
        assert "NaN" not in text and "Infinity" not in text
        assert _finite(json.loads(text))
