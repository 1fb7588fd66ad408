"""The functions the descent view offers: lecture 002's bowl and a few that fail in instructive ways."""

from __future__ import annotations

from typing import TypedDict


class FunctionPreset(TypedDict):
    """A named f(x, y) with a start point, a learning rate and the box its contour plot shows."""

    name: str
    title: str
    function: str
    start: list[float]
    learning_rate: float
    steps: int
    box: list[float]  # x_min, x_max, y_min, y_max
    note: str


# Lecture 002's learning rates for its f: converge, crawl, oscillate (1 − 3η = −0.997271).
LECTURE002_RATES = (0.1, 0.001, 0.665757)

FUNCTIONS: tuple[FunctionPreset, ...] = (
    {
        "name": "lecture002",
        "title": "Lecture 002: 1.5x² + y² + 2",
        "function": "1.5*x**2 + y**2 + 2",
        "start": [4.0, 4.0],
        "learning_rate": 0.1,
        "steps": 100,
        "box": [-5.0, 5.0, -5.0, 5.0],
        "note": (
            "∇f = (3x, 2y), so each step multiplies x by 1 − 3η and y by 1 − 2η: η = 0.1 converges, "
            "η = 0.001 crawls, η = 0.665757 oscillates (1 − 3η = −0.997), η > 2/3 diverges."
        ),
    },
    {
        "name": "elongated",
        "title": "Elongated bowl: 0.5x² + 10y²",
        "function": "0.5*x**2 + 10*y**2",
        "start": [4.5, 1.0],
        "learning_rate": 0.09,
        "steps": 100,
        "box": [-5.0, 5.0, -2.0, 2.0],
        "note": (
            "λ = 1 and 20: η must stay below 2/20 = 0.1 for y, and then x shrinks by at least 0.9 per step. "
            "A badly conditioned bowl zig-zags across and crawls along."
        ),
    },
    {
        "name": "tilted",
        "title": "Tilted valley: x² + 1.8xy + y²",
        "function": "x**2 + 1.8*x*y + y**2",
        "start": [3.0, -1.0],
        "learning_rate": 0.4,
        "steps": 50,
        "box": [-4.0, 4.0, -4.0, 4.0],
        "note": "H is not diagonal: its eigenvectors (1, 1) and (1, −1) with λ = 3.8 and 0.2 are the axes.",
    },
    {
        "name": "saddle",
        "title": "Saddle: x² − y²",
        "function": "x**2 - y**2",
        "start": [4.0, 0.05],
        "learning_rate": 0.1,
        "steps": 40,
        "box": [-5.0, 5.0, -5.0, 5.0],
        "note": "λ_y = −2 < 0: no minimum; y grows by 1 + 2η each step while x settles.",
    },
    {
        "name": "rosenbrock",
        "title": "Rosenbrock valley: (1 − x)² + 100(y − x²)²",
        "function": "(1 - x)**2 + 100*(y - x**2)**2",
        "start": [-1.2, 1.0],
        "learning_rate": 0.001,
        "steps": 1000,
        "box": [-2.0, 2.0, -1.0, 3.0],
        "note": (
            "The minimum is at (1, 1) in a curved, narrow valley: the path falls into the valley at once, "
            "then crawls along it; a larger η overshoots across it."
        ),
    },
    {
        "name": "double_well",
        "title": "Two minima: x⁴ − 2x² + y²",
        "function": "x**4 - 2*x**2 + y**2",
        "start": [0.2, 1.5],
        "learning_rate": 0.05,
        "steps": 100,
        "box": [-2.0, 2.0, -2.0, 2.0],
        "note": "Minima at (±1, 0): which one the path reaches depends on the sign of the start's x.",
    },
)
