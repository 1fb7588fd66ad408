"""Classroom rooms over REST (docs/protocol.md, "Rooms"): open a room around a session, look it up by code,
its QR code, fork its run, and the teacher-only calls (roster, lock, close) with `Authorization: Bearer
<teacher_token>`.

Every lookup by code counts against the client address's unknown-code budget when the code is not a room's
(app/rooms/guesses.py: 429 once it is spent).
"""

from __future__ import annotations

import io
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response

from app.api.responses import WireJSON
from app.api.rest import INVALID, HubDep, require_teacher, state_answer
from app.config import WILDCARD, Settings
from app.netaddr import primary_address, student_base_url
from app.rooms import operations as rooms
from app.rooms.codes import BadCode, normalize
from app.rooms.registry import RoomLimit, RoomTaken, UnknownRoom, clean_name
from app.rooms.room import Room
from app.schemas.rooms import ForkRequest, RoomCreate, RoomCreated, RoomInfo, RoomPatch, Roster
from app.schemas.state import MessageAnswer, SessionState, ValidationAnswer
from app.sessions.session import Session

router = APIRouter(prefix="/api", tags=["rooms"])

_ANSWER = {"model": MessageAnswer}
LOOKUP: dict[int | str, dict[str, Any]] = {
    404: {**_ANSWER, "description": "No open room has this code (or it has closed)"},
    422: {"model": ValidationAnswer, "description": "Not a room code"},
    429: {**_ANSWER, "description": "Too many unknown codes from this address"},
}
TEACHER: dict[int | str, dict[str, Any]] = {
    **LOOKUP,
    403: {**_ANSWER, "description": "Not the room's teacher token"},
}


def join_url(request: Request, code: str, settings: Settings) -> str:
    """The link students open, /r/{code} on settings.public_url when set; else on this machine's network
    address when the teacher reached it through loopback and it listens on every interface (a student's
    laptop cannot open the teacher's 127.0.0.1); else on this server as the teacher's browser reached it."""
    server = request.scope.get("server")
    port = server[1] if server else (request.url.port or settings.port)
    base = student_base_url(
        settings.public_url,
        str(request.base_url),
        wildcard=settings.host in WILDCARD,
        port=port,
        primary=primary_address(settings.own_addresses_cache_seconds),
    )
    return f"{base}/r/{code}"


def client_address(request: Request) -> str:
    """The address the request came from (the guess budget's key)."""
    return request.client.host if request.client else "unknown"


def _code_pattern(settings: Settings) -> str:
    """A code as the path may carry it (either case), for the OpenAPI schema."""
    letters = "".join(sorted({*settings.room_code_alphabet, *settings.room_code_alphabet.lower()}))
    return f"^[{letters}]{{{settings.room_code_length}}}$"


Code = Annotated[
    str, Path(pattern=_code_pattern(Settings()), description="the room's join code (either case)")
]


def get_room(code: Code, hub: HubDep, request: Request) -> Room:
    """The open room with this code: 422 not a code, 404 no such room, 429 past the guess budget."""
    address = client_address(request)
    if hub.guesses.blocked(address):
        raise HTTPException(
            429,
            "too many unknown room codes from this address: wait a minute before trying again",
            headers={"Retry-After": str(hub.guesses.retry_after())},
        )
    try:
        return hub.rooms.get(normalize(code, hub.settings))
    except BadCode as exc:
        hub.guesses.missed(address)
        detail = [{"loc": ["path", "code"], "msg": str(exc), "type": "value_error", "input": code}]
        raise HTTPException(422, detail) from None
    except UnknownRoom as exc:
        hub.guesses.missed(address)
        raise HTTPException(404, str(exc)) from None


RoomDep = Annotated[Room, Depends(get_room)]


def teacher_room(room: RoomDep, request: Request) -> Room:
    """The room, when the request carries its teacher token (403 otherwise)."""
    require_teacher(room, request, f"room {room.code}: this")
    return room


TeacherDep = Annotated[Room, Depends(teacher_room)]


def room_session(hub: HubDep, room: Room) -> Session:
    """The room's session (always there while the room is open: dropping a session closes its room)."""
    return hub.store.get(room.session_id)


@router.post(
    "/rooms",
    status_code=201,
    response_model=RoomCreated,
    responses={
        **INVALID,
        404: {**_ANSWER, "description": "Unknown session"},
        409: {**_ANSWER, "description": "The session has a room already"},
        503: {**_ANSWER, "description": "The server holds its maximum of rooms"},
    },
)
async def open_room(body: RoomCreate, hub: HubDep, request: Request) -> Response:
    """Open a classroom room around a session (the teacher's). The teacher token is shown once: keep it."""
    session = hub.store.get(body.session)
    try:
        room, token = hub.rooms.create(session.id)
    except RoomTaken as exc:
        raise HTTPException(409, str(exc)) from None
    except RoomLimit as exc:
        raise HTTPException(503, str(exc)) from None
    answer = RoomCreated(
        code=room.code,
        teacher_token=token,
        join_url=join_url(request, room.code, hub.settings),
        qr_url=f"/api/rooms/{room.code}/qr.svg",
        session=session.id,
    )
    return WireJSON(answer.model_dump(), status_code=201)


@router.get("/rooms/{code}", response_model=RoomInfo, responses=LOOKUP)
async def read_room(room: RoomDep, hub: HubDep) -> Response:
    """The room as anyone with its code sees it."""
    return WireJSON(room.info(room_session(hub, room).step))


@router.get("/rooms/{code}/qr.svg", responses=LOOKUP)
async def room_qr(room: RoomDep, hub: HubDep, request: Request) -> Response:
    """The join URL as a QR code (SVG, drawn here: no third party sees the code)."""
    out = io.BytesIO()
    segno.make(join_url(request, room.code, hub.settings), error="m").save(
        out, kind="svg", scale=8, border=4, dark="#000", light="#fff"
    )
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get("/rooms/{code}/roster", response_model=Roster, responses=TEACHER)
async def read_roster(room: TeacherDep, hub: HubDep) -> Response:
    """Who follows, who explores their fork, by name (teacher only)."""
    return WireJSON(rooms.roster(room, hub.store))


@router.patch("/rooms/{code}", response_model=RoomInfo, responses={**TEACHER, **INVALID})
async def change_room(body: RoomPatch, room: TeacherDep, hub: HubDep) -> Response:
    """Lock or unlock forking (teacher only); every follower is told."""
    session = room_session(hub, room)
    if body.locked != room.locked:
        room.locked = body.locked
        rooms.announce(room)
    return WireJSON(room.info(session.step))


@router.delete("/rooms/{code}", status_code=204, responses=TEACHER)
async def close_room(room: TeacherDep, hub: HubDep) -> Response:
    """Close the room (teacher only): every student is told; forks stay as ordinary sessions."""
    rooms.close(hub, hub.rooms, room, room_session(hub, room))
    return Response(status_code=204)


@router.post(
    "/rooms/{code}/fork",
    status_code=201,
    response_model=SessionState,
    responses={
        **LOOKUP,
        **INVALID,
        423: {**_ANSWER, "description": "Forking is locked"},
        503: {**_ANSWER, "description": "The server holds its maximum of sessions"},
    },
)
async def fork_room(room: RoomDep, hub: HubDep, body: ForkRequest | None = None) -> Response:
    """Explore on my own: a new session in the room's session's exact current state (201 with its state)."""
    body = body if body is not None else ForkRequest()
    session = room_session(hub, room)
    name = clean_name(body.name, hub.settings)
    member = room.member(body.member, name, hub.settings.max_room_members)
    try:
        child = await rooms.fork(hub, hub.store, room, session, member.id)
    except rooms.ForkLocked as exc:
        raise HTTPException(423, str(exc)) from None
    return state_answer(child, 201)
