"""The REST API of two lecture views (docs/protocol.md, "Loss surface" and "Activations"): the training loss
over two parameters of a session's network with the run's path, the engine's activation curves, and a
layer's pre-activations over the training set."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.exceptions import RequestValidationError

from app.api.responses import WireJSON
from app.api.rest import INVALID, NOT_FOUND, SessionDep
from app.config import LIMITS, VIEWS
from app.engine import explorer
from app.schemas.surface import (
    MAX_LAYER,
    ActivationsReply,
    PreactivationsReply,
    SurfaceReply,
    SurfaceRequest,
)
from app.sessions import explore
from app.sessions.labs import OperationError
from app.wire.codec import to_wire

router = APIRouter(prefix="/api", tags=["views"])

_ANSWERS: dict[int | str, dict[str, Any]] = {**NOT_FOUND, **INVALID}
HalfWidth = Annotated[
    float, Query(ge=VIEWS.activation_half_width_min, le=VIEWS.activation_half_width_max, allow_inf_nan=False)
]
Bins = Annotated[int, Query(ge=VIEWS.preactivation_bins_min, le=VIEWS.preactivation_bins_max)]


@router.post("/sessions/{session_id}/surface", response_model=SurfaceReply, responses=_ANSWERS)
async def surface(session: SessionDep, request: SurfaceRequest) -> Response:
    """The training loss (the session's loss + regularisation, evaluation mode) over a grid of two
    parameters around their current values, the others held, and the run's path through them."""
    first, second = request.first.model_dump(), request.second.model_dump()
    reply = await explore.surface(session, first, second, request.span, request.resolution)
    return WireJSON(reply)


@lru_cache(maxsize=16)
def _curves(half_width: float) -> dict[str, Any]:
    sampled = explorer.curves(half_width, VIEWS.activation_points)
    activations = [
        {
            **entry,
            "g": None if entry["g"] is None else _nullable_list(entry["g"].tolist()),
            "dg": None if entry["dg"] is None else _nullable_list(entry["dg"].tolist()),
        }
        for entry in sampled["activations"]
    ]
    return {
        "half_width": half_width,
        "points": VIEWS.activation_points,
        "saturation_slope": LIMITS.saturation_slope,
        "saturation_examples": LIMITS.saturation_examples,
        "z": to_wire(sampled["z"], "z"),
        "activations": activations,
    }


def _nullable_list(values: list[float]) -> list[float | None]:
    return [v if v == v and abs(v) != float("inf") else None for v in values]


@router.get("/activations", response_model=ActivationsReply)
async def activations(half_width: HalfWidth = VIEWS.activation_half_width) -> Response:
    """Every activation of the engine: g and g′ sampled by the engine on [−half_width, half_width], the
    formulas, and the saturated and dead regions."""
    return WireJSON(_curves(float(half_width)))


@router.get("/sessions/{session_id}/preactivations", response_model=PreactivationsReply, responses=_ANSWERS)
async def preactivations(
    session: SessionDep,
    layer: Annotated[int, Query(ge=1, le=MAX_LAYER)],
    half_width: HalfWidth = VIEWS.activation_half_width,
    bins: Bins = VIEWS.preactivation_bins,
) -> Response:
    """Layer `layer`'s pre-activations z over the training set (evaluation mode), binned per unit on
    [−half_width, half_width], with the examples and units in the layer's dead and saturated regions."""
    try:
        return WireJSON(await explore.preactivations(session, layer, float(half_width), bins))
    except OperationError as exc:
        error = {"type": "rejected", "loc": ("query", exc.field), "msg": exc.message, "input": layer}
        raise RequestValidationError([error]) from None
