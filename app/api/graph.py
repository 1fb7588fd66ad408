"""POST /api/graph: an expression's computation graph at given values, forward values and backward
gradients node by node; GET /api/graph/examples: the lectures' graphs (docs/protocol.md)."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from app.api.responses import WireJSON
from app.config import VIEWS
from app.engine.graph import EXAMPLES, ExpressionError, parse_expression, trace
from app.engine.graph.ops import FUNCTIONS
from app.schemas.errors import encodable
from app.schemas.graph import GraphExamplesReply, GraphReply, GraphRequest, GraphValidationAnswer
from app.schemas.state import MessageAnswer

router = APIRouter(prefix="/api/graph", tags=["graph"])

INVALID: dict[int | str, dict[str, Any]] = {
    400: {"model": MessageAnswer, "description": "The body could not be read (not UTF-8 JSON)"},
    413: {"model": MessageAnswer, "description": "The body is larger than max_body_bytes"},
    422: {
        "model": GraphValidationAnswer,
        "description": "Not an allowed expression (at `position`), a value missing or out of range, or no "
        "finite value or derivative at the values (division by zero, log of a number ≤ 0, overflow)",
    },
}


def _refused(field: list[str | int], message: str, position: int | None = None) -> Response:
    """A 422 shaped like every other one, with the position in the expression when there is one."""
    name = ".".join(str(part) for part in field)
    where = f" (at character {position})" if position is not None else ""
    detail = {
        "loc": encodable(["body", *field]),
        "msg": encodable(f"{name}: {message}{where}"),
        "type": "rejected",
        "input": None,
        "position": position,
    }
    return WireJSON({"detail": [detail]}, status_code=422)


@router.post("", response_model=GraphReply, responses=INVALID)
async def graph(request: GraphRequest) -> Response:
    """The graph of `expression` at `values`: f, ∂f/∂v for every variable v, the nodes in topological order
    (value, gradient, gate) and the edges (upstream × local = downstream)."""
    try:
        expression = parse_expression(request.expression)
    except ExpressionError as exc:
        return _refused(["expression"], exc.message, exc.position)
    for name in expression.variables:
        if name not in request.values:
            return _refused(["values", name], f"is required ({name} is a variable of the expression)")
    try:
        result = trace(expression, request.values)
    except ExpressionError as exc:
        return _refused(["expression"], exc.message, exc.position)
    body = {"expression": request.expression, "variables": list(expression.variables), **result}
    return WireJSON(encodable(body))


@router.get("/examples", response_model=GraphExamplesReply)
async def examples() -> Response:
    """The lectures' graphs (name, title, expression, values), the functions and the bounds."""
    limits = {
        "max_chars": VIEWS.graph_max_chars,
        "max_nodes": VIEWS.graph_max_nodes,
        "max_depth": VIEWS.graph_max_depth,
        "max_variables": VIEWS.graph_max_variables,
        "max_abs_value": VIEWS.graph_max_abs_value,
    }
    body = {
        "examples": [dataclasses.asdict(example) for example in EXAMPLES],
        "functions": sorted(set(FUNCTIONS)),
        "limits": limits,
    }
    return WireJSON(body)
