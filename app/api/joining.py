"""Where students reach the server: the base of a room's join URL."""

from __future__ import annotations

from fastapi import Request

from app.config import Settings


def join_base(request: Request, settings: Settings) -> str:
    """The base URL a room's join link uses: the one the teacher's browser reached the server at."""
    host = request.headers.get("host") or f"{settings.host}:{settings.port}"
    return f"{request.url.scheme}://{host}"
