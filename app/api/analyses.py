"""The REST API of the network's analyses (docs/protocol.md, "Diagnostics, gradient check, restarts"):
diagnostics of the current parameters, random restarts, and keeping the best of them as a new session.
(The gradient check with its verdict is GET /api/sessions/{id}/gradcheck, app/api/rest.py.)"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from app.api.responses import WireJSON
from app.api.rest import INVALID, NOT_FOUND, HubDep, SessionDep, state_answer
from app.schemas.analyses import DiagnosticsReply, KeepRequest, RestartsReply, RestartsRequest
from app.schemas.state import MessageAnswer, SessionState
from app.sessions import analyses

router = APIRouter(prefix="/api", tags=["analyses"])

_ANSWERS: dict[int | str, dict[str, Any]] = {**NOT_FOUND, **INVALID}


@router.get("/sessions/{session_id}/diagnostics", response_model=DiagnosticsReply, responses=NOT_FOUND)
async def diagnostics(session: SessionDep) -> Response:
    """Per layer over the training set: dead ReLU units, saturated units, groups of identical units, and
    ‖∂L/∂W^l‖ of the gradient the last update used (the loss curve's points carry it for every step)."""
    return WireJSON(await analyses.diagnose(session))


@router.post("/sessions/{session_id}/restarts", response_model=RestartsReply, responses=_ANSWERS)
async def restarts(session: SessionDep, request: RestartsRequest | None = None) -> Response:
    """Train `runs` seeds of the session's configuration (its data unchanged) for `epochs` epochs each:
    every run's loss after each epoch and the best (lowest final training loss). The session is unchanged."""
    request = request if request is not None else RestartsRequest()
    return WireJSON(await analyses.run_restarts(session, request.runs, request.epochs, request.first_seed))


@router.post(
    "/sessions/{session_id}/restarts/keep",
    status_code=201,
    response_model=SessionState,
    responses={**_ANSWERS, 503: {"model": MessageAnswer, "description": "Session limit reached"}},
)
async def keep(session: SessionDep, hub: HubDep, request: KeepRequest) -> Response:
    """A new session: the run of `seed` trained `epochs` epochs (the restarts' curve of that seed, exactly,
    with its loss curve and timeline): 201 with its state."""
    child = await analyses.keep(hub, hub.store, session, request.seed, request.epochs)
    return state_answer(child, 201)
