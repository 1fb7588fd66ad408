"""Share links (docs/protocol.md, "Share and export"): GET a session's link, POST one to open it as a new
session. The run travels in the URL's fragment, which no server sees, so no log holds the weights."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError

from app.api.responses import WireJSON
from app.api.rest import INVALID, NOT_FOUND, HubDep, SessionDep, state_answer
from app.export.link import LinkError, check_hide, lab_from_link, link_config, make_link, read_link
from app.schemas.errors import encodable, field_path
from app.schemas.share import FromLinkRequest, LinkReply, LinkSettings
from app.schemas.state import MessageAnswer, SessionState
from app.sessions.labs import OperationError

router = APIRouter(prefix="/api", tags=["share"])


def _refuse(message: str) -> NoReturn:
    """A 422 naming the body's field link, the message as it is."""
    raise OperationError("link", f"link: {message}")


@router.get("/sessions/{session_id}/link", response_model=LinkReply, responses={**NOT_FOUND, **INVALID})
async def session_link(
    session: SessionDep,
    request: Request,
    hide: Annotated[str, Query(max_length=200, description="parts to hide, comma separated")] = "",
) -> Response:
    """The session's share link on the page's origin: settings, seed and (when the link stays within
    link_max_bytes) the exact weights; `hide` names parts of the page the link hides (SHARE.link_hide)."""
    try:
        parts = check_hide([name for name in hide.split(",") if name])
    except LinkError as exc:
        detail = {"loc": ["query", "hide"], "msg": encodable(str(exc)), "type": "rejected", "input": None}
        return WireJSON({"detail": [detail]}, status_code=422)
    lab = session.lab
    origin = str(request.base_url)
    link = make_link(origin, link_config(lab), lab.network.theta, lab.step, parts)
    return WireJSON(LinkReply(**asdict(link)).model_dump())


def _settings(config: dict[str, Any]) -> dict[str, Any]:
    """The link's settings checked as a session's configuration (422 naming link otherwise)."""
    try:
        checked = LinkSettings.model_validate_json(json.dumps(config))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = field_path(first["loc"]) or "settings"
        _refuse(f"the link's settings are refused: {where}: {first['msg']}")
    return checked.model_dump(include=checked.model_fields_set)


@router.post(
    "/sessions/from-link",
    status_code=201,
    response_model=SessionState,
    responses={**INVALID, 503: {"model": MessageAnswer, "description": "Session limit reached"}},
)
async def open_link(hub: HubDep, body: FromLinkRequest) -> Response:
    """A new session exactly as a share link says: its settings, seed and weights (as explicit initial
    parameters); 201 with its state. A damaged, truncated, over-size or other-version link: 422 naming
    link."""
    try:
        content = read_link(body.link)
    except LinkError as exc:
        _refuse(str(exc))
    values = _settings(content.config)
    try:
        lab = lab_from_link(values, content.theta)
    except OperationError as exc:
        _refuse(f"the link's settings are refused: {exc.message}")
    session = hub.store.add(lab)
    hub.record_point(session)
    return state_answer(session, 201)
