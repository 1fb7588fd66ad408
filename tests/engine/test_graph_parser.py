"""The expression parser: what it accepts, what it refuses and where (0-based character positions), bounds,
vectorised values and gradients against closed forms and central differences, polynomial degrees."""

from __future__ import annotations

import numpy as np
import pytest

from app.config import VIEWS
from app.engine.graph import ExpressionError, parse_expression


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("x +", 3, "end"),
        ("(x", 0, "never closed"),
        ("a.b", 1, "attribute"),
        ("σ(x) + a.b", 8, "attribute"),
        ("x[0]", 1, "subscript"),
        ("lambda: 1", 6, "lambda"),
        ("lambda x: x", 8, "lambda"),
        ("x < 1", 2, "comparison"),
        ("x == 1", 2, "comparison"),
        ("foo(x)", 0, "unknown function 'foo'"),
        ("x + os.system(1)", 6, "attribute"),
        ("__import__(x)", 0, "unknown function"),
        ("max(x)", 0, "takes 2 arguments, not 1"),
        ("exp(x, y)", 0, "takes 1 argument, not 2"),
        ("max(x, y=2)", 8, "="),
        ("exp(*x)", 4, "starred"),
        ("x^2", 1, "**"),
        ("exp + 1", 0, "function"),
        ("x if y else z", 0, "conditional"),
        ("x and y", 0, "and / or"),
        ("not x", 0, "not"),
        ("x % 2", 2, "operator"),
        ("x // 2", 2, "operator"),
        ("(x, y)", 0, "tuple"),
        ("True", 0, "real number"),
        ("2j", 0, "real number"),
        ("x + 'a'", 4, "string"),
        ("x; y", 1, "unexpected character"),
        ("x\0", 1, "unexpected character"),
        ("9" * 320, 0, "too large"),
        ("", 0, "empty"),
        ("  \n ", 0, "empty"),
    ],
)
def test_refused_with_position(text: str, position: int, words: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert caught.value.position == position, caught.value.message
    assert words in caught.value.message
    assert isinstance(caught.value, ValueError)


def test_bounds_never_recurse_out() -> None:
    cases = {
        "x" * (VIEWS.graph_max_chars + 1): "longer than",
        "(" * (VIEWS.graph_max_depth + 1) + "x" + ")" * (VIEWS.graph_max_depth + 1): "parentheses nested",
        "-" * (VIEWS.graph_max_chars - 1) + "x": "nested deeper",
        "-" * (VIEWS.graph_max_depth + 1) + "x": "nested deeper",
        "+".join([f"({'+'.join(['x'] * 11)})"] * 11): "more than",
        "+".join(f"v{i}" for i in range(VIEWS.graph_max_variables + 1)): "variables",
    }
    assert parse_expression("+".join([f"({'+'.join(['x'] * 6)})"] * 6)).evaluate({"x": 1.0}) == 36
    for text, words in cases.items():
        with pytest.raises(ExpressionError, match=words):
            parse_expression(text)


def test_known_variables_only() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression("x + w", ["x", "y"])
    assert caught.value.position == 4 and "'w'" in caught.value.message
    assert parse_expression("y * x", ["x", "y"]).variables == ("y", "x")


def test_lecture_notation_and_positions() -> None:
    expression = parse_expression("σ(w0 × x0 − 2) ÷ sigma(x0)\n+ relu(−x0)")
    assert expression.variables == ("w0", "x0")
    assert [n.op for n in expression.nodes if n.op == "var"] == [
        "var",
        "var",
    ]  # x0 used three times, one node
    x0 = expression.nodes[expression.variable_nodes["x0"]]
    assert (x0.start, x0.end) == (7, 9)
    value = expression.evaluate({"w0": 1.5, "x0": -0.5})
    s = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
    assert value == pytest.approx(s(1.5 * -0.5 - 2) / s(-0.5) + 0.5, rel=1e-15)


def test_lecture_graph_values() -> None:
    value, grads = parse_expression("(x + y) * z").gradient({"x": -2, "y": 5, "z": -4})
    assert value == -12.0 and grads == {"x": -4.0, "y": -4.0, "z": 3.0}
    neuron = parse_expression("sigmoid(w0*x0 + w1*x1 + w2)")
    value, grads = neuron.gradient({"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3})
    a = 1.0 / (1.0 + np.exp(-1.0))
    assert value == pytest.approx(a, rel=1e-15)
    expected = {"w0": -1.0, "x0": 2.0, "w1": -2.0, "x1": -3.0, "w2": 1.0}  # ∂z/∂·, times σ'(z) = a(1 − a)
    for name, dz in expected.items():
        assert float(grads[name]) == pytest.approx(a * (1 - a) * dz, rel=1e-14)


def test_vectorised_broadcasting_against_central_differences() -> None:
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0.2, 2.0, (2, 5, 7))
    expression = parse_expression("x**3 / y - exp(-x*y) + log(x + y) * tanh(y) + max(x, y) * relu(x - 1)")
    value, grads = expression.gradient({"x": x, "y": y[0]})  # y broadcast along the rows
    assert value.shape == grads["x"].shape == grads["y"].shape == (5, 7)
    h = 1e-6
    for name in ("x", "y"):
        up = {"x": x, "y": y[0]}
        down = dict(up)
        up[name] = up[name] + h
        down[name] = down[name] - h
        numeric = (expression.evaluate(up) - expression.evaluate(down)) / (2 * h)
        assert np.allclose(grads[name], numeric, rtol=1e-6, atol=1e-6)
    assert np.array_equal(expression.evaluate({"x": x, "y": y[0]}), value)


def test_non_finite_never_raises_and_kinks() -> None:
    assert np.isinf(parse_expression("1 / x").evaluate({"x": 0.0}))
    logs = parse_expression("log(x)").evaluate({"x": np.array([-1.0, 0.0, 1.0])})
    assert np.isnan(logs[0]) and logs[1] == -np.inf and logs[2] == 0.0
    assert np.isinf(parse_expression("exp(x)").evaluate({"x": 1000.0}))
    _, grads = parse_expression("relu(x) + max(x, y)").gradient({"x": np.array([0.0, 1.0]), "y": 0.0})
    assert grads["x"].tolist() == [1.0, 2.0]  # relu'(0) = 0; max's tie goes to its first argument
    _, grads = parse_expression("max(y, x)").gradient({"x": 0.0, "y": 0.0})
    assert grads == {"y": 1.0, "x": 0.0}
    _, grads = parse_expression("x ** 0 + x * x").gradient({"x": 0.0})
    assert grads["x"] == 0.0


def test_constant_expression_has_the_values_shape() -> None:
    assert parse_expression("2 * 3").evaluate({"x": np.zeros((2, 3))}).shape == (2, 3)
    with pytest.raises(ExpressionError, match="no value given for y"):
        parse_expression("x + y").evaluate({"x": 1.0})


@pytest.mark.parametrize(
    ("text", "degree"),
    [
        ("x**2 + 3*x*y - y/4", 2),
        ("(x + y)**3 * x", 4),
        ("x / (2 + 2)", 1),
        ("exp(2) * x + 1", 1),
        ("-(x*y*y)", 3),
        ("7", 0),
        ("x**2.5", None),
        ("x**-1", None),
        ("x / y", None),
        ("x / (2 - 2)", None),
        ("exp(x)", None),
        ("2**x", None),
        ("relu(x)", None),
        ("max(x, y)", None),
        ("log(0 - 1) * x", None),
    ],
)
def test_polynomial_degree(text: str, degree: int | None) -> None:
    assert parse_expression(text).polynomial_degree() == degree
