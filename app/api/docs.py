"""GET /docs: Swagger UI from the fastapi-offline package's files (no network needed), started by a script
file rather than an inline one (the Content-Security-Policy allows none)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.api.pages import templates

SWAGGER_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_URL = "/docs/assets"

router = APIRouter(include_in_schema=False)


def assets() -> StaticFiles:
    """Swagger UI's script and stylesheet, as the package ships them."""
    return StaticFiles(directory=str(SWAGGER_DIR))


@router.get("/docs", response_class=HTMLResponse)
async def swagger_ui(request: Request) -> Response:
    """The interactive API documentation of the OpenAPI document."""
    context = {"title": request.app.title, "assets": ASSETS_URL, "openapi_url": request.app.openapi_url}
    return templates(request).TemplateResponse(request, "docs.html", context)
