"""The page: GET / renders templates/lab.html with the /api/meta document; plotly.js from its package."""

from __future__ import annotations

from pathlib import Path

import plotly
from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from app.api.meta import build_meta
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


@router.get("/", response_class=HTMLResponse)
async def lab_page(request: Request) -> Response:
    """The lab page."""
    context = {
        "request": request,
        "meta_json": dumps(build_meta(request.app.state.hub.settings)),
        "ws_base": "/ws/sessions",
    }
    return templates(request).TemplateResponse(request, "lab.html", context)


@router.get("/vendor/plotly.min.js")
async def plotly_js() -> FileResponse:
    """plotly.js as shipped in the plotly package (no network needed)."""
    return FileResponse(PLOTLY_JS, media_type="text/javascript", headers={"Cache-Control": VENDOR_CACHE})
