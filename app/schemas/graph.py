"""The computation-graph view's REST bodies: POST /api/graph, GET /api/graph/examples (docs/protocol.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from app.config import VIEWS
from app.schemas.state import ErrorDetail
from app.schemas.types import Outgoing, Strict, Within

GraphValue = Annotated[float, Within(-VIEWS.graph_max_abs_value, VIEWS.graph_max_abs_value)]
Gate = Literal["distribute", "swap", "route"]


class GraphRequest(Strict):
    """An expression and a value for each of its variables (values for other names are ignored)."""

    expression: str = Field(
        description=(
            f"At most {VIEWS.graph_max_chars} characters: numbers, variable names, + - * / ** (also × ÷ −), "
            "parentheses, unary minus, exp log tanh sigmoid (σ, sigma) relu and max(a, b)"
        ),
        examples=["(x + y) * z"],
    )
    values: dict[str, GraphValue] = Field(
        default_factory=dict, max_length=VIEWS.graph_max_variables, examples=[{"x": -2, "y": 5, "z": -4}]
    )


class GraphNode(Outgoing):
    """A node in topological order: a variable ("var"), a number ("const") or an operation."""

    id: str
    op: str
    label: str = Field(description="what the node is drawn as: the name, the number or the operator")
    name: str = Field(description="TeX: the variable, the number, f for the output, q or q_{k} in between")
    text: str = Field(description="the characters of the expression it was written with")
    start: int
    end: int
    inputs: list[str]
    value: float
    grad: float | None = Field(description="∂f/∂node (null for numbers, which are not differentiated)")
    gate: Gate | None
    fan_out: int = Field(description="its uses; above 1 its gradient is the sum of theirs")
    tex: str = Field(description="TeX of the operation on its inputs' names")
    tex_values: str = Field(description="the same on its inputs' values")


class GraphEdge(Outgoing):
    """An input of an operation: the gradient flowing back along it, upstream × local = downstream."""

    from_: str = Field(alias="from")
    to: str
    slot: int
    upstream: float = Field(description="∂f/∂(to)")
    local: float | None = Field(description="∂(to)/∂(from) (null from a number)")
    downstream: float | None = Field(description="upstream × local: this use's part of ∂f/∂(from)")
    local_tex: str


class GraphReply(Outgoing):
    """The graph at the values: f, every variable's gradient, the nodes and their edges."""

    expression: str
    variables: list[str]
    value: float
    gradients: dict[str, float]
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class GraphExample(Outgoing):
    """A lecture's graph."""

    name: str
    title: str
    expression: str
    values: dict[str, float]
    description: str


class GraphLimits(Outgoing):
    """The bounds of an expression and its values (app/config.py ViewLimits)."""

    max_chars: int
    max_nodes: int
    max_depth: int
    max_variables: int
    max_abs_value: float


class GraphExamplesReply(Outgoing):
    """The lecture examples, the functions an expression may call and the bounds."""

    examples: list[GraphExample]
    functions: list[str]
    limits: GraphLimits


class GraphErrorDetail(ErrorDetail):
    """A 422 entry; `position` is the 0-based character of the expression where it went wrong."""

    position: int | None = None


class GraphValidationAnswer(Outgoing):
    """A 422 answer of POST /api/graph."""

    detail: list[GraphErrorDetail]
