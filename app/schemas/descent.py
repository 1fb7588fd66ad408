"""Gradient descent on a 2-D function (POST /api/descent, /api/descent/contour, GET /api/descent/functions).

Bounds from app/config.py ViewLimits ("gradient descent"). Non-finite numbers never go out: a path ends
where it stops being finite (`stopped` says where and why) and a contour cell where f is not finite is null.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from app.config import VIEWS
from app.schemas.state import ErrorDetail
from app.schemas.types import Integer, Outgoing, Strict, Within

Coordinate = Annotated[float, Within(-VIEWS.descent_max_coordinate, VIEWS.descent_max_coordinate)]
FunctionText = Annotated[str, Field(min_length=1, max_length=VIEWS.graph_max_chars)]
Point = Annotated[list[Coordinate], Field(min_length=2, max_length=2)]


class DescentRequest(Strict):
    """f(x, y), the start point x_0, the learning rate η and the number of steps."""

    function: FunctionText = Field(examples=["1.5*x**2 + y**2 + 2"])
    start: Point = Field(examples=[[4.0, 4.0]])
    learning_rate: Annotated[
        float, Within(VIEWS.descent_learning_rate_min, VIEWS.descent_learning_rate_max)
    ] = Field(examples=[0.1])
    steps: Annotated[Integer, Within(0, VIEWS.descent_max_steps)] = Field(examples=[50])


class ContourRequest(Strict):
    """f(x, y) over box = [x_min, x_max, y_min, y_max] (x_min < x_max, y_min < y_max) on resolution ×
    resolution points."""

    function: FunctionText = Field(examples=["1.5*x**2 + y**2 + 2"])
    box: Annotated[list[Coordinate], Field(min_length=4, max_length=4)] = Field(examples=[[-5, 5, -5, 5]])
    resolution: Annotated[Integer, Within(2, VIEWS.descent_max_grid)] = VIEWS.descent_default_grid


class Stopped(Outgoing):
    """Where the path stopped being finite: `step` is the first step not kept (the path ends at step − 1)."""

    step: int
    quantity: Literal["x", "y", "f", "∂f/∂x", "∂f/∂y"]
    reason: str


class QuadraticAnalysis(Outgoing):
    """f = c + gᵀp + ½pᵀHp: H (constant), the factors 1 − ηλ_i along H's eigenvectors (x and y when H is
    diagonal), the threshold 2/λ_max and the verdict with the rule that decided it."""

    hessian: list[list[float]]
    gradient_at_origin: list[float]
    value_at_origin: float
    diagonal: bool
    eigenvalues: list[float]
    axes: list[list[float]]  # axes[i] = the eigenvector v_i of eigenvalues[i]
    factors: list[float]  # 1 − η λ_i
    threshold: float | None  # 2 / λ_max (None when λ_max ≤ 0)
    stationary_point: list[float] | None
    stationary_value: float | None
    verdict: Literal["converges", "crawls", "oscillates", "diverges"]
    rule: str
    rate: float  # the slowest |1 − ηλ_i|
    steps_per_tenfold: float | None


class DescentReply(Outgoing):
    """The path [x_t, y_t, f(x_t, y_t)] from the start (steps + 1 points unless it stopped), ∇f at each."""

    function: str
    learning_rate: float
    steps: int
    path: list[list[float]]
    gradients: list[list[float]]
    stopped: Stopped | None
    quadratic: QuadraticAnalysis | None


class ContourReply(Outgoing):
    """z[j][i] = f(xs[i], ys[j]) (rows are y, as plotly's contour takes it); null where f is not finite."""

    function: str
    xs: list[float]
    ys: list[float]
    z: list[list[float | None]]
    z_min: float | None
    z_max: float | None


class FunctionPresetOut(Outgoing):
    """A preset f(x, y) with its start point, learning rate and box."""

    name: str
    title: str
    function: str
    start: list[float]
    learning_rate: float
    steps: int
    box: list[float]
    note: str


class FunctionsReply(Outgoing):
    """The page's preset functions and lecture 002's learning rates."""

    functions: list[FunctionPresetOut]
    lecture_rates: list[float]
    limits: dict[str, float]


class RefusedDetail(ErrorDetail):
    """A 422 entry; for a bad expression, `position` is the character where the parser stopped."""

    position: int | None = None


class DescentInvalid(Outgoing):
    """A 422 answer of the descent routes."""

    detail: list[RefusedDetail]
