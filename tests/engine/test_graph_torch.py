"""Fidelity against PyTorch's autograd (float64): random expressions of every allowed operation, built as a
tree that is written out as text for the parser and evaluated by torch on its own, each at a batch of
random points at once; values and every gradient agree to 1e-12."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from app.engine.graph import parse_expression

Env = dict[str, torch.Tensor]
Built = tuple[str, Callable[[Env], torch.Tensor]]
NAMES = ("x", "y", "z")
POINTS = 64
EXPRESSIONS = 300


def _leaf(rng: np.random.Generator) -> Built:
    if rng.random() < 0.7:
        name = NAMES[int(rng.integers(len(NAMES)))]
        return name, lambda env: env[name]
    number = float(np.round(rng.uniform(-2.0, 2.0), 3))
    return (f"({number})" if number < 0 else str(number)), lambda env: torch.tensor(
        number, dtype=torch.float64
    )


def _tree(rng: np.random.Generator, depth: int) -> Built:
    """A random expression of depth ≤ `depth` whose values stay finite (divisors in [1, 3], logs of numbers
    ≥ 0.5, powers of a base in (1, 2) when the exponent varies)."""
    if depth == 0 or rng.random() < 0.2:
        return _leaf(rng)
    kind = str(
        rng.choice(["add", "sub", "mul", "div", "pow", "neg", "exp", "log", "tanh", "sigmoid", "relu", "max"])
    )
    a, fa = _tree(rng, depth - 1)
    if kind in ("add", "sub", "mul", "max", "div", "pow"):
        b, fb = _tree(rng, depth - 1)
    if kind == "add":
        return f"({a} + {b})", lambda e: fa(e) + fb(e)
    if kind == "sub":
        return f"({a} - {b})", lambda e: fa(e) - fb(e)
    if kind == "mul":
        return f"({a} * {b})", lambda e: fa(e) * fb(e)
    if kind == "max":
        return f"max({a}, {b})", lambda e: torch.maximum(fa(e), fb(e))
    if kind == "div":
        return f"({a} / (2 + tanh({b})))", lambda e: fa(e) / (2 + torch.tanh(fb(e)))
    if kind == "pow" and rng.random() < 0.5:
        k = int(rng.integers(0, 4))
        return f"(tanh({a}) ** {k})", lambda e: torch.tanh(fa(e)) ** k
    if kind == "pow":
        return f"((1 + sigmoid({a})) ** tanh({b}))", lambda e: (1 + torch.sigmoid(fa(e))) ** torch.tanh(fb(e))
    if kind == "neg":
        return f"(-{a})", lambda e: -fa(e)
    if kind == "exp":
        return f"exp(tanh({a}))", lambda e: torch.exp(torch.tanh(fa(e)))
    if kind == "log":
        return f"log(0.5 + {a} * {a})", lambda e: torch.log(0.5 + fa(e) * fa(e))
    if kind == "tanh":
        return f"tanh({a})", lambda e: torch.tanh(fa(e))
    if kind == "sigmoid":
        return f"σ({a})", lambda e: torch.sigmoid(fa(e))
    return f"relu({a})", lambda e: torch.relu(fa(e))


def test_values_and_gradients_match_torch_autograd() -> None:
    rng = np.random.default_rng(20260311)
    kinds: set[str] = set()
    checked = 0
    while checked < EXPRESSIONS:
        text, build = _tree(rng, 5)
        expression = parse_expression(text)
        if not expression.variables:
            continue
        checked += 1
        points = {name: rng.uniform(-2.0, 2.0, POINTS) for name in NAMES}
        tensors = {
            name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
            for name, value in points.items()
        }
        expected = build(tensors) + torch.zeros(POINTS, dtype=torch.float64)
        expected.sum().backward()
        value, grads = expression.gradient(points)
        assert np.allclose(value, expected.detach().numpy(), rtol=1e-12, atol=1e-12), text
        for name in expression.variables:
            reference = tensors[name].grad
            assert reference is not None
            assert np.allclose(grads[name], reference.numpy(), rtol=1e-12, atol=1e-12), (text, name)
        kinds.update(node.op for node in expression.nodes)
    assert kinds == {
        "var",
        "const",
        "add",
        "sub",
        "mul",
        "div",
        "pow",
        "neg",
        "exp",
        "log",
        "tanh",
        "sigmoid",
        "relu",
        "max",
    }
