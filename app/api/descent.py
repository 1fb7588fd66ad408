"""Gradient descent on a 2-D function (docs/protocol.md, "Gradient descent"): the path, a quadratic's
analysis, a contour grid and the preset functions. Stateless: every request is computed whole, bounded by
app/config.py ViewLimits."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter

from app.api.responses import WireJSON
from app.config import VIEWS
from app.engine.descent import (
    FUNCTIONS,
    LECTURE002_RATES,
    VARIABLES,
    StartNotFinite,
    Surface,
    contour_grid,
    descend,
    quadratic_of,
    verdict,
)
from app.engine.descent.quadratic import Quadratic
from app.engine.graph import ExpressionError, parse_expression
from app.schemas.descent import (
    ContourReply,
    ContourRequest,
    DescentInvalid,
    DescentReply,
    DescentRequest,
    FunctionsReply,
)
from app.schemas.errors import encodable
from app.schemas.state import MessageAnswer

router = APIRouter(prefix="/api/descent", tags=["descent"])

INVALID: dict[int | str, dict[str, Any]] = {
    400: {"model": MessageAnswer, "description": "The body could not be read (not UTF-8 JSON)"},
    413: {"model": MessageAnswer, "description": "The body is larger than max_body_bytes"},
    422: {"model": DescentInvalid, "description": "A field was refused (the message names it)"},
}


class Refused(Exception):
    """A field the schema could not judge (the expression, f at the start): answered as a 422."""

    def __init__(self, field: str, message: str, value: Any, position: int | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message, self.value, self.position = field, message, value, position

    def answer(self) -> WireJSON:
        """The 422 in the shape of every other one: loc, msg naming the field, type, input (+ position)."""
        detail: dict[str, Any] = {
            "loc": ["body", self.field],
            "msg": encodable(f"{self.field}: {self.message}"),
            "type": "rejected",
            "input": encodable(self.value),
        }
        if self.position is not None:
            detail["position"] = self.position
        return WireJSON({"detail": [detail]}, status_code=422)


def surface_of(text: str) -> Surface:
    """f(x, y) parsed; Refused naming `function` (with the character position) otherwise."""
    try:
        expression = parse_expression(text, VARIABLES)
    except ExpressionError as exc:
        position = getattr(exc, "position", None)
        message = getattr(exc, "message", str(exc))
        where = f" (at character {position})" if position is not None else ""
        raise Refused("function", f"{message}{where}", text, position) from exc
    unknown = [name for name in expression.variables if name not in VARIABLES]
    if unknown:
        raise Refused("function", f"f may use only x and y, not {', '.join(unknown)}", text)
    return Surface(expression)


def _finite(values: np.ndarray) -> list[Any]:
    """An array as nested lists with every non-finite number as null."""
    listed: list[Any] = np.where(np.isfinite(values), values, np.nan).tolist()

    def clean(item: Any) -> Any:
        if isinstance(item, list):
            return [clean(x) for x in item]
        return None if item != item else item

    return clean(listed)  # type: ignore[no-any-return]


OPTIONAL = ("threshold", "stationary_point", "stationary_value", "steps_per_tenfold")
REQUIRED = ("hessian", "gradient_at_origin", "value_at_origin", "eigenvalues", "axes", "factors", "rate")


def analysis(q: Quadratic, eta: float) -> dict[str, Any] | None:
    """A quadratic's analysis at learning rate η, as QuadraticAnalysis; a bound that is not finite (2/λ_max
    of a subnormal λ) is null, and an analysis with any other number not finite is left out (None)."""
    judged = verdict(q, eta)
    numbers = {
        "hessian": q.hessian.tolist(),
        "gradient_at_origin": q.gradient_at_origin.tolist(),
        "value_at_origin": q.value_at_origin,
        "diagonal": q.diagonal,
        "eigenvalues": q.eigenvalues.tolist(),
        "axes": q.axes.T.tolist(),
        "factors": judged.factors.tolist(),
        "threshold": judged.threshold,
        "stationary_point": None if q.stationary is None else q.stationary.tolist(),
        "stationary_value": q.stationary_value,
        "verdict": judged.name,
        "rule": judged.rule,
        "rate": judged.rate,
        "steps_per_tenfold": judged.steps_per_tenfold,
    }
    for key in OPTIONAL:
        if numbers[key] is not None and not _all_finite(numbers[key]):
            numbers[key] = None
    return numbers if all(_all_finite(numbers[key]) for key in REQUIRED) else None


def _all_finite(value: Any) -> bool:
    """Whether a number or a nested list of numbers is finite throughout."""
    return bool(np.all(np.isfinite(np.asarray(value, dtype=np.float64))))


@router.post("", response_model=DescentReply, responses=INVALID)
def run_descent(body: DescentRequest) -> Any:
    """The path x_{t+1} = x_t − η ∇f(x_t) from `start`: steps + 1 points [x, y, f] (fewer when it stops
    being finite: `stopped` says where and why), ∇f at each, and for a quadratic its analysis."""
    try:
        surface = surface_of(body.function)
        start = (body.start[0], body.start[1])
        try:
            path = descend(surface, start, body.learning_rate, body.steps)
        except StartNotFinite as exc:
            raise Refused("start", f"f cannot start there: {exc}", body.start) from exc
    except Refused as refused:
        return refused.answer()
    q = quadratic_of(surface)
    stopped = path.stopped
    return {
        "function": body.function,
        "learning_rate": body.learning_rate,
        "steps": body.steps,
        "path": np.column_stack([path.points, path.values]).tolist(),
        "gradients": path.gradients.tolist(),
        "stopped": None
        if stopped is None
        else {"step": stopped.step, "quantity": stopped.quantity, "reason": stopped.reason},
        "quadratic": None if q is None else analysis(q, body.learning_rate),
    }


@router.post("/contour", response_model=ContourReply, responses=INVALID)
def contour(body: ContourRequest) -> Any:
    """f on a resolution × resolution grid over the box (at most descent_max_grid a side)."""
    x_min, x_max, y_min, y_max = body.box
    try:
        surface = surface_of(body.function)
        if not (x_min < x_max and y_min < y_max):
            order = "must be [x_min, x_max, y_min, y_max] with x_min < x_max and y_min < y_max"
            raise Refused("box", f"{order}, got {body.box}", body.box)
    except Refused as refused:
        return refused.answer()
    grid = contour_grid(surface, (x_min, x_max, y_min, y_max), body.resolution)
    finite = grid.z[np.isfinite(grid.z)]
    return {
        "function": body.function,
        "xs": grid.xs.tolist(),
        "ys": grid.ys.tolist(),
        "z": _finite(grid.z),
        "z_min": float(finite.min()) if finite.size else None,
        "z_max": float(finite.max()) if finite.size else None,
    }


@router.get("/functions", response_model=FunctionsReply)
def functions() -> Any:
    """The preset functions the page offers, lecture 002's learning rates and the request bounds."""
    return {
        "functions": list(FUNCTIONS),
        "lecture_rates": list(LECTURE002_RATES),
        "limits": {
            "max_steps": VIEWS.descent_max_steps,
            "max_coordinate": VIEWS.descent_max_coordinate,
            "learning_rate_min": VIEWS.descent_learning_rate_min,
            "learning_rate_max": VIEWS.descent_learning_rate_max,
            "max_grid": VIEWS.descent_max_grid,
            "default_grid": VIEWS.descent_default_grid,
        },
    }
