"""Share by link (docs/protocol.md, "Share and export"): a URL whose fragment recreates the run (its
settings, seed and exact current weights when they fit), and the call that opening it makes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError

from app.api.responses import WireJSON
from app.api.rest import INVALID, NOT_FOUND, HubDep, SessionDep, state_answer
from app.engine.errors import EngineError
from app.export import link
from app.schemas import SessionConfig, SessionState
from app.schemas.export import LinkReply, LinkRequest
from app.schemas.state import MessageAnswer
from app.sessions.labs import OperationError, build_lab
from app.wire.frames import config_view

router = APIRouter(prefix="/api", tags=["share"])


def _hide(value: str) -> tuple[str, ...]:
    parts = tuple(p for p in value.split(",") if p)
    unknown = [p for p in parts if p not in link.HIDE]
    if unknown:
        raise OperationError("hide", f"hide: {', '.join(unknown)} is not one of {', '.join(link.HIDE)}")
    return parts


@router.get("/sessions/{session_id}/link", response_model=LinkReply, responses={**NOT_FOUND, **INVALID})
async def share_link(
    session: SessionDep, request: Request, hide: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    """A URL of this page that recreates the session: its settings and seed, and its exact current weights
    when the link stays within link_max_chars (`weights_included` says; `message` why not). `hide`: parts of
    the page the link hides (comma-separated: settings, formulas, tabs, timeline)."""
    config = {k: v for k, v in config_view(session).items() if k not in ("weights", "biases")}
    lab = session.lab
    weights = [w.tolist() for w in lab.weights]
    biases = [b.tolist() for b in lab.biases]
    try:
        shared = link.share(config, lab.step, weights, biases, _hide(hide))
    except EngineError as error:
        raise OperationError.from_engine(error) from None
    url = f"{str(request.base_url).rstrip('/')}/#{shared['fragment']}"
    body: dict[str, Any] = {
        "url": url,
        "chars": len(url),
        "step": lab.step,
        "weights_included": shared["weights_included"],
        "message": shared["message"],
    }
    return WireJSON(body)


@router.post(
    "/sessions/from-link",
    status_code=201,
    response_model=SessionState,
    responses={**INVALID, 503: {"model": MessageAnswer, "description": "Session limit reached"}},
)
async def open_link(hub: HubDep, request: LinkRequest) -> Response:
    """Create the session a share link describes (its fragment, or the whole URL): the same settings, and
    its weights exactly when the link carries them. A link cut short or changed: 422 naming `link`."""
    try:
        shared = link.decode(request.link)
    except EngineError as error:
        raise OperationError.from_engine(error) from None
    try:
        config = SessionConfig.model_validate(shared.config)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise OperationError("link", f"link: its setting {where} is refused: {first['msg']}") from None
    values = config.model_dump(include=config.model_fields_set)
    if shared.weights is not None:
        values["weights"], values["biases"] = shared.weights, shared.biases
    lab = build_lab(values)
    session = hub.store.add(lab)
    hub.record_point(session)
    return state_answer(session, 201)
