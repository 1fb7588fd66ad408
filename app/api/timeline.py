"""The REST API of time travel (docs/protocol.md, "Timeline"): seek, step back, continue, branch, the
timeline, and a run's decision boundary at a recorded step."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.exceptions import RequestValidationError

from app.api.responses import WireJSON
from app.api.rest import INVALID, NOT_FOUND, HubDep, SessionDep, state_answer
from app.schemas.state import MessageAnswer, SessionState
from app.schemas.timeline import (
    BackReply,
    BackRequest,
    BoundaryReply,
    BranchRequest,
    SeekRequest,
    TimelineReply,
)
from app.sessions import branching, travel
from app.sessions.labs import OperationError
from app.wire.codec import to_wire
from app.wire.frames import state_payload

router = APIRouter(prefix="/api", tags=["timeline"])

_ANSWERS: dict[int | str, dict[str, Any]] = {**NOT_FOUND, **INVALID}


@router.post("/sessions/{session_id}/seek", response_model=SessionState, responses=_ANSWERS)
async def seek(session: SessionDep, hub: HubDep, request: SeekRequest) -> Response:
    """Go to recorded step `step` (a playing run pauses first): the run's state there, exactly."""
    await travel.seek(hub, session, request.step)
    return state_answer(session)


@router.post("/sessions/{session_id}/back", response_model=BackReply, responses=_ANSWERS)
async def back(session: SessionDep, hub: HubDep, request: BackRequest | None = None) -> Response:
    """One phase back (unit "phase") or back to the previous iteration boundary ("iteration"): the records
    shown there, those of the iteration so far, and the state."""
    unit = request.unit if request is not None else "phase"
    records = await travel.back(hub, session, unit)
    reply = {"unit": unit, "records": to_wire(records, "records"), "state": state_payload(session)}
    return WireJSON(reply)


@router.post("/sessions/{session_id}/continue", response_model=SessionState, responses=_ANSWERS)
async def continue_here(session: SessionDep, hub: HubDep) -> Response:
    """Continue from the current step: the recorded history after it is discarded."""
    await travel.discard_later(hub, session)
    return state_answer(session)


@router.post(
    "/sessions/{session_id}/branch",
    status_code=201,
    response_model=SessionState,
    responses={**_ANSWERS, 503: {"model": MessageAnswer, "description": "Session limit reached"}},
)
async def branch(session: SessionDep, hub: HubDep, request: BranchRequest) -> Response:
    """A new run from recorded step `step` with `changes`: 201 with its state (its own id, `parent`)."""
    changes = request.changes.model_dump(exclude_none=True)
    child = await branching.branch(hub, hub.store, session, request.step, changes, request.reason)
    return state_answer(child, 201)


@router.get("/sessions/{session_id}/timeline", response_model=TimelineReply, responses=_ANSWERS)
async def timeline(session: SessionDep) -> Response:
    """The run's timeline: first..latest, the current step, marks, branches and parent."""
    return WireJSON(session.timeline_payload())


@router.get("/sessions/{session_id}/boundary", response_model=BoundaryReply, responses=_ANSWERS)
async def boundary(session: SessionDep, hub: HubDep, step: Annotated[int, Query(ge=0, le=2**62)]) -> Response:
    """The run's decision boundary at recorded step `step`, the run not moved (to compare two runs)."""
    resolution = hub.settings.defaults.grid_resolution
    try:
        return WireJSON(await travel.boundary(session, step, resolution))
    except OperationError as exc:  # the step is the query's; a run without a plane, the session's data
        loc = ("query", "step") if exc.field == "step" else ("session", exc.field)
        error = {"type": "rejected", "loc": loc, "msg": exc.message, "input": step}
        raise RequestValidationError([error]) from None
