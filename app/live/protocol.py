"""Socket messages, from text to effect: parse (finite JSON only), validate against the schemas, run the
operation. `handle` returns the replies meant for the sender alone; what every socket of the session must
see (frames, state, changes, divergence) goes out through the hub. Every rejection is an error reply naming
the problem, and leaves the session as it was.

Error codes: bad_json, not_an_object, missing_type, unknown_type, invalid (a field's value), rejected (the
engine refused it, e.g. an incoherent loss), nothing_to_recover (a `recover` with no way out on
offer), session_limit (a branch when the server is full), binary_frame and rate_limited (from
app/live/endpoint.py), read_only (a control message on a room's session from a socket without the room's
teacher token, or from a follower), forbidden (a wrong teacher token), no_room (`auth` or `view` on a
session that has no room); the question messages' own codes are in app/live/asking.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from pydantic import ValidationError

from app.live import player, travel
from app.live.asking import QUESTION_MESSAGES
from app.live.hub import Hub
from app.rooms.codes import token_matches
from app.rooms.room import Room
from app.schemas import CLIENT_MESSAGE, MESSAGE_TYPES
from app.schemas import messages as m
from app.schemas.errors import describe
from app.schemas.rooms import AuthMessage, ViewMessage
from app.sessions import operations, recovery, stepping
from app.sessions.labs import Diverged, OperationError
from app.sessions.session import Session, SessionLimit
from app.wire.codec import dumps
from app.wire.frames import state_payload

_MAX_LISTED_ERRORS = 5


class Sender(Protocol):
    """The socket a message came from (app/live/connection.py), as the protocol uses it."""

    def request_state(self, build: Callable[[], str]) -> bool:
        """Queue a state reply built when sent (coalesced with one already waiting)."""

    async def left(self) -> bool:
        """True once the socket is closing or its peer has gone."""

    teacher: bool  # the socket proved it holds its room's teacher token


class BadJSON(ValueError):
    """The text is not JSON the lab accepts (malformed, NaN, Infinity, or a number beyond float64)."""


def error(code: str, field: str | None, message: str) -> dict[str, Any]:
    """An error reply."""
    return {"type": "error", "code": code, "field": field, "message": message}


def _refuse_constant(name: str) -> Any:
    """JSON's non-standard NaN / Infinity tokens are refused."""
    raise BadJSON(f"{name} is not a number JSON allows; every number must be finite")


def _finite_float(text: str) -> float:
    """A JSON number as a float, refusing those beyond float64's range (1e999 would read as infinity)."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise BadJSON(f"the number {text[:40]} is beyond float64's range; every number must be finite")
    return value


def parse(text: str) -> Any:
    """Strict JSON: BadJSON naming the problem for malformed text or non-finite numbers."""
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except BadJSON:
        raise
    except json.JSONDecodeError as exc:
        raise BadJSON(f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:
        raise BadJSON(f"unreadable JSON: {str(exc)[:120]}") from None


def validation_error(exc: ValidationError) -> dict[str, Any]:
    """An error reply for a message that failed validation: the first field, every problem (up to 5)."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    if first["type"] == "union_tag_not_found":
        return error("missing_type", "type", f'a message needs a "type": one of {", ".join(MESSAGE_TYPES)}')
    if first["type"] == "union_tag_invalid":
        tag = first.get("ctx", {}).get("tag", "")
        return error(
            "unknown_type", "type", f"unknown message type {tag!r}; known types: {', '.join(MESSAGE_TYPES)}"
        )
    described = [describe(dict(e), skip=1) for e in errors[:_MAX_LISTED_ERRORS]]
    more = len(errors) - len(described)
    message = "; ".join(text for _, text in described) + (f"; and {more} more" if more > 0 else "")
    return error("invalid", described[0][0] or None, message)


READ_ONLY_MESSAGES = (m.SyncMessage, m.HistoryMessage)  # what a room's followers may send


async def handle(
    hub: Hub, session: Session, text: str, sender: Sender | None = None, follower: bool = False
) -> list[dict[str, Any]]:
    """Run one text message on the session from `sender` (its state reply is queued there, coalesced);
    the replies for the sender alone. A `follower` (a room's socket) may only read."""
    try:
        data = parse(text)
    except BadJSON as exc:
        return [error("bad_json", None, str(exc))]
    if not isinstance(data, dict):
        return [error("not_an_object", None, 'a message must be a JSON object with a "type"')]
    try:
        message = CLIENT_MESSAGE.validate_python(data, context={"settings": hub.settings})
    except ValidationError as exc:
        return [validation_error(exc)]
    session.touch()
    room = hub.rooms.by_session(session.id)
    if isinstance(message, QUESTION_MESSAGES):
        return hub.asking.handle(session, room, message, sender, follower)
    if follower or room is not None:
        refusal = _room_rules(hub, room, message, sender, follower)
        if refusal is not None:
            return refusal
    elif isinstance(message, AuthMessage | ViewMessage):
        return [error("no_room", "type", f"{message.type}: this session has no classroom room")]
    try:
        return await dispatch(hub, session, message, sender)
    except OperationError as exc:
        return [error("rejected", exc.field, exc.message)]
    except Diverged:
        return []  # the diverged message already went to every socket of the session
    except SessionLimit as exc:
        return [error("session_limit", None, str(exc))]
    except recovery.NothingToRecover as exc:
        return [error("nothing_to_recover", None, str(exc))]


def _room_rules(
    hub: Hub, room: Room | None, message: m.ClientMessage, sender: Sender | None, follower: bool
) -> list[dict[str, Any]] | None:
    """The replies when a room's rules take the message (auth, view, a refused control), else None."""
    if follower or room is None:
        if isinstance(message, READ_ONLY_MESSAGES):
            return None
        return [error("read_only", None, "you are following the class: the teacher's run is read-only here")]
    if isinstance(message, AuthMessage):
        if sender is None or not token_matches(message.token, room.token_hash):
            return [error("forbidden", "token", f"token: not the teacher token of room {room.code}")]
        sender.teacher = True
        return [{"type": "authorized", "room": room.code}, *hub.asking.joined(room, None, teacher=True)]
    teacher = sender is not None and sender.teacher
    if isinstance(message, ViewMessage):
        if not teacher:
            return [error("read_only", None, "only the teacher's tab sets the room's view")]
        room.view = message.model_dump()
        room.fanout.send_text(dumps(room.view))
        return []
    if teacher or isinstance(message, READ_ONLY_MESSAGES):
        return None
    return [
        error(
            "read_only",
            None,
            f"this session is room {room.code}'s: only the teacher's tab (holding its token) changes it",
        )
    ]


async def dispatch(
    hub: Hub, session: Session, message: m.ClientMessage, sender: Sender | None = None
) -> list[dict[str, Any]]:
    """Apply a validated message."""
    if isinstance(message, m.StepMessage):
        result = await stepping.step(
            hub, session, message.unit, message.count, sender.left if sender else None
        )
        if result.stopped is not None:
            return [{"type": "stepped", "unit": message.unit, **result.reply()}]
    elif isinstance(message, m.PlayMessage):
        player.play(hub, session, message.speed, message.fps)
    elif isinstance(message, m.PauseMessage):
        player.pause(hub, session)
    elif isinstance(message, m.SetMessage):
        changes = message.changes.model_dump(exclude_none=True)
        if not changes:
            return [error("invalid", "changes", "changes: give at least one hyperparameter to change")]
        await operations.set_hyper(hub, session, changes)
    elif isinstance(message, m.RebuildMessage):
        config = message.config
        await operations.rebuild(hub, session, config.model_dump(include=config.model_fields_set))
    elif isinstance(message, m.SetParametersMessage):
        await operations.set_parameters(hub, session, message.weights, message.biases)
    elif isinstance(message, m.SetWeightMessage):
        await operations.set_weight(hub, session, message.layer, message.row, message.col, message.value)
    elif isinstance(message, m.SetBiasMessage):
        await operations.set_bias(hub, session, message.layer, message.row, message.value)
    elif isinstance(message, m.ResetMessage):
        await operations.reset(hub, session, message.seed)
    elif isinstance(message, m.RecoverMessage):
        return await travel.recover(hub, session, message.learning_rate)
    elif isinstance(message, travel.TRAVEL_MESSAGES):
        return await travel.dispatch(hub, session, message)
    elif isinstance(message, m.SelectMessage):
        await operations.select(hub, session, message.example)
    elif isinstance(message, m.AddPointMessage):
        x1, x2 = message.x
        await operations.change_points(hub, session, (x1, x2, message.label), None)
    elif isinstance(message, m.RemovePointMessage):
        await operations.change_points(hub, session, None, message.index)
    elif isinstance(message, m.HistoryMessage):
        return [{"type": "history", "since": message.since, "points": session.history_since(message.since)}]
    elif sender is not None:
        sender.request_state(lambda: hub.state_text(session))
    else:
        return [{"type": "state", **state_payload(session)}]
    return []
