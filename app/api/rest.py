"""The REST API (docs/protocol.md): create, read, change, step and delete sessions; /api/meta."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.api.meta import build_meta
from app.api.responses import WireJSON
from app.live.hub import Hub
from app.rooms.codes import token_matches
from app.rooms.room import Room
from app.schemas import (
    LIVE_FIELDS,
    Parameters,
    RecoverRequest,
    ResetRequest,
    SelectRequest,
    SessionConfig,
    SessionState,
    StepReply,
    StepRequest,
)
from app.schemas.analyses import GradcheckVerdictReply
from app.schemas.state import DivergedAnswer, MessageAnswer, NothingToRecoverAnswer, ValidationAnswer
from app.sessions import analyses, operations, recovery, stepping
from app.sessions.labs import build_lab
from app.sessions.session import Session
from app.wire.frames import state_payload

router = APIRouter(prefix="/api", tags=["api"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": MessageAnswer, "description": "Unknown session"}}
INVALID: dict[int | str, dict[str, Any]] = {
    400: {"model": MessageAnswer, "description": "The body could not be read (not UTF-8 JSON)"},
    413: {"model": MessageAnswer, "description": "The body is larger than max_body_bytes"},
    422: {"model": ValidationAnswer, "description": "A field's value was refused (the message names it)"},
}


def get_hub(request: Request) -> Hub:
    """The application's hub."""
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(get_hub)]


def bearer(request: Request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def require_teacher(room: Room, request: Request, what: str) -> None:
    """403 unless the request carries the room's teacher token; `what` starts the message ("... needs")."""
    if not token_matches(bearer(request), room.token_hash):
        raise HTTPException(
            403, f"{what} needs the room's teacher token (Authorization: Bearer <teacher_token>)"
        )


def get_session(session_id: str, hub: HubDep, request: Request) -> Session:
    """The session named in the path (404 via UnknownSession otherwise), marked as used. A call that
    changes a classroom room's session needs the room's teacher token (403 otherwise)."""
    session = hub.store.get(session_id)
    if request.method not in ("GET", "HEAD"):
        room = hub.rooms.by_session(session.id)
        if room is not None:
            require_teacher(room, request, f"this session is room {room.code}'s: changing it")
    session.touch()
    return session


SessionDep = Annotated[Session, Depends(get_session)]


def state_answer(session: Session, status_code: int = 200) -> WireJSON:
    """The session's state as the answer."""
    return WireJSON(state_payload(session), status_code=status_code)


@router.post(
    "/sessions",
    status_code=201,
    response_model=SessionState,
    responses={**INVALID, 503: {"model": MessageAnswer, "description": "Session limit reached"}},
)
async def create_session(hub: HubDep, config: Annotated[SessionConfig | None, Body()] = None) -> Response:
    """Create a session; every field is optional (TF Playground's defaults). Answers 201 with its state."""
    values = config.model_dump(include=config.model_fields_set) if config is not None else {}
    lab = build_lab(values)
    session = hub.store.add(lab)
    hub.record_point(session)
    return state_answer(session, 201)


@router.get("/sessions/{session_id}", response_model=SessionState, responses=NOT_FOUND)
async def read_session(session: SessionDep) -> Response:
    """The full state: configuration, parameters, metrics, loss curve, data."""
    return state_answer(session)


@router.patch("/sessions/{session_id}", response_model=SessionState, responses={**NOT_FOUND, **INVALID})
async def change_session(session: SessionDep, hub: HubDep, config: SessionConfig) -> Response:
    """Change configuration fields: live hyperparameters alone change in place (no reset, logged as a
    change); any other field rebuilds the network and data with the given fields."""
    values = config.model_dump(include=config.model_fields_set)
    if set(values) - LIVE_FIELDS:
        await operations.rebuild(hub, session, values)
    elif values:
        await operations.set_hyper(hub, session, values)
    return state_answer(session)


@router.put(
    "/sessions/{session_id}/parameters", response_model=SessionState, responses={**NOT_FOUND, **INVALID}
)
async def put_parameters(session: SessionDep, hub: HubDep, parameters: Parameters) -> Response:
    """Set every weight and bias exactly (shapes must match the network)."""
    await operations.set_parameters(hub, session, parameters.weights, parameters.biases)
    return state_answer(session)


@router.post(
    "/sessions/{session_id}/step",
    response_model=StepReply,
    responses={
        **NOT_FOUND,
        **INVALID,
        409: {
            "model": DivergedAnswer,
            "description": "The step diverged; the session kept its last finite state",
        },
    },
)
async def step_session(session: SessionDep, hub: HubDep, request: StepRequest, http: Request) -> Response:
    """Step by phase, iteration or epoch; the records in order (the newest max_records_per_reply of them)."""
    try:  # the count's upper bound is this server's max_step_count
        StepRequest.model_validate(request.model_dump(), context={"settings": hub.settings})
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None
    result = await stepping.step(hub, session, request.unit, request.count, http.is_disconnected)
    reply = {"unit": request.unit, "count": request.count, **result.reply()}
    reply.update(records=result.records, omitted=result.omitted)
    return WireJSON({**reply, "state": state_payload(session)})


@router.post("/sessions/{session_id}/reset", response_model=SessionState, responses={**NOT_FOUND, **INVALID})
async def reset_session(session: SessionDep, hub: HubDep, request: ResetRequest | None = None) -> Response:
    """Back to the same initialisation (seed null) or re-randomise from a new seed; the curve restarts."""
    await operations.reset(hub, session, request.seed if request is not None else None)
    return state_answer(session)


@router.post(
    "/sessions/{session_id}/recover",
    status_code=201,
    response_model=SessionState,
    responses={
        **NOT_FOUND,
        **INVALID,
        409: {"model": NothingToRecoverAnswer, "description": "Nothing to recover: no way out on offer"},
    },
)
async def recover_session(
    session: SessionDep, hub: HubDep, request: RecoverRequest | None = None
) -> Response:
    """Take the way out of a divergence or a saturation: a branch of the run from the step its report
    names, at its suggested rate (or `learning_rate`): 201 with the new run's state (the run that diverged
    stays as it was); 409 when there is nothing to recover."""
    try:
        rate = request.learning_rate if request is not None else None
        child = await recovery.recover(hub, hub.store, session, rate)
    except recovery.NothingToRecover as exc:
        return WireJSON({"detail": str(exc)}, status_code=409)
    return state_answer(child, 201)


@router.post("/sessions/{session_id}/select", response_model=SessionState, responses={**NOT_FOUND, **INVALID})
async def select_example(session: SessionDep, hub: HubDep, request: SelectRequest) -> Response:
    """Trace one training example: its own values appear in every phase record."""
    await operations.select(hub, session, request.example)
    return state_answer(session)


@router.get("/sessions/{session_id}/gradcheck", response_model=GradcheckVerdictReply, responses=NOT_FOUND)
async def gradient_check(session: SessionDep) -> Response:
    """Central differences for every parameter: the relative error of each, per layer, the largest of W^l
    and b^l with verdicts, and the kinks near which the check sat (in a worker thread)."""
    return WireJSON(await analyses.gradcheck(session))


@router.delete("/sessions/{session_id}", status_code=204, responses=NOT_FOUND)
async def delete_session(session: SessionDep, hub: HubDep) -> Response:
    """Delete the session; its open sockets close with 4004."""
    hub.drop(session)
    return Response(status_code=204)


@router.get("/meta")
async def meta(hub: HubDep) -> Response:
    """Names (with formulas), coherent output/loss pairs, presets, limits and defaults."""
    return WireJSON(build_meta(hub.settings))
