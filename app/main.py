"""The application factory: create_app(settings) -> FastAPI with the page, the REST API and the socket."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app.api import errors, pages
from app.api import rest as api
from app.api.responses import WireJSON
from app.config import Settings
from app.live.endpoint import router as ws_router
from app.live.hub import Hub

DESCRIPTION = (
    "Watch a neural network learn, one layer at a time, with the real numbers. REST for scripts and tests; "
    "the page uses the socket /ws/sessions/{id} (docs/protocol.md)."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A Backprop Lab application under `settings` (Settings.from_env() when None)."""
    settings = settings if settings is not None else Settings.from_env()
    hub = Hub(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await hub.start()
        try:
            yield
        finally:
            await hub.stop()

    app = FastAPI(
        title="Backprop Lab",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        default_response_class=WireJSON,
        max_body_size=settings.max_body_bytes,
    )
    app.state.hub = hub
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=str(pages.TEMPLATES_DIR))
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(ws_router)
    app.mount("/static", StaticFiles(directory=str(pages.STATIC_DIR)), name="static")
    return app
