"""The lectures' computation graphs, ready to step (the graph view's picker and GET /api/graph/examples)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Example:
    """A named expression with the values the lecture uses."""

    name: str
    title: str
    expression: str
    values: dict[str, float] = field(default_factory=dict)
    description: str = ""


EXAMPLES: tuple[Example, ...] = (
    Example(
        "chain",
        "Lecture 000: f = (x + y)z",
        "(x + y) * z",
        {"x": -2.0, "y": 5.0, "z": -4.0},
        "q = x + y, f = qz: ∂f/∂q = z, ∂f/∂z = q; ∂f/∂x = ∂f/∂q · ∂q/∂x (upstream × local) = −4.",
    ),
    Example(
        "neuron",
        "A sigmoid neuron σ(w₀x₀ + w₁x₁ + w₂)",
        "sigmoid(w0*x0 + w1*x1 + w2)",
        {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0},
        "z = 1, a = σ(1) = 0.73; σ'(z) = a(1 − a) = 0.20 flows back to every weight and input.",
    ),
    Example(
        "logistic",
        "Lecture 000: logistic regression's loss",
        "-(y*log(sigmoid(w1*x1 + w2*x2 + b)) + (1 - y)*log(1 - sigmoid(w1*x1 + w2*x2 + b)))",
        {"w1": 0.5, "x1": 1.0, "w2": -0.25, "x2": 2.0, "b": 0.1, "y": 1.0},
        "z = w₁x₁ + w₂x₂ + b, a = σ(z), ℒ = −(y log a + (1 − y) log(1 − a)): a feeds two logs (its gradient "
        "sums both, −y/a + (1 − y)/(1 − a)), and dz = a − y, db = dz, dw = dz·x.",
    ),
    Example(
        "gates",
        "Gates: add distributes, multiply swaps, max routes",
        "2 * (x*y + max(z, w))",
        {"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0},
        "The add gate hands its gradient to both inputs, the multiply gate gives each input the other's "
        "value times it, the max gate routes it all to the larger input (z) and none to w.",
    ),
)
