"""The pages: GET / renders templates/lab.html with the /api/meta document; /join (type a room's code) and
/r/{code} (a room's direct link and QR code: the lab page following the room, or the join page saying why
not); plotly.js from its package."""

from __future__ import annotations

from pathlib import Path

import plotly
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from app.api.meta import build_meta
from app.api.rooms import get_room
from app.wire.codec import dumps

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
VENDOR_CACHE = "public, max-age=31536000, immutable"

router = APIRouter(include_in_schema=False)


def templates(request: Request) -> Jinja2Templates:
    """The app's Jinja2 templates."""
    found: Jinja2Templates = request.app.state.templates
    return found


def _page(request: Request, name: str, status: int = 200, **extra: str) -> Response:
    """Render a page with the /api/meta document."""
    context = {
        "request": request,
        "meta_json": dumps(build_meta(request.app.state.hub.settings)),
        "ws_base": "/ws/sessions",
        **extra,
    }
    return templates(request).TemplateResponse(request, name, context, status_code=status)


@router.get("/", response_class=HTMLResponse)
async def lab_page(request: Request) -> Response:
    """The lab page."""
    return _page(request, "lab.html")


@router.get("/join", response_class=HTMLResponse)
async def join_page(request: Request) -> Response:
    """Join a class: type the code the teacher shows, and a display name if you like."""
    return _page(request, "join.html")


@router.get("/r/{code}", response_class=HTMLResponse)
async def room_page(request: Request, code: str) -> Response:
    """A room's link: the lab page following the room; an unknown, closed or malformed code (or too many
    of them from this address) gets the join page saying so, with its status (404, 422, 429)."""
    hub = request.app.state.hub
    try:
        room = get_room(code, hub, request)
    except HTTPException as exc:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail[0]["msg"])
        return _page(request, "join.html", exc.status_code, problem=detail, code=code[:40])
    return _page(request, "lab.html", room=room.code)


@router.get("/vendor/plotly.min.js")
async def plotly_js() -> FileResponse:
    """plotly.js as shipped in the plotly package (no network needed)."""
    return FileResponse(PLOTLY_JS, media_type="text/javascript", headers={"Cache-Control": VENDOR_CACHE})
