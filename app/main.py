"""The application factory: create_app(settings) -> FastAPI with the page, the REST API and the socket."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp

from app.api import analyses as analyses_api
from app.api import code_export as code_export_api
from app.api import descent as descent_api
from app.api import docs, errors, pages
from app.api import graph as graph_api
from app.api import rest as api
from app.api import rooms as rooms_api
from app.api import share as share_api
from app.api import surface as surface_api
from app.api import timeline as travel_api
from app.api.guards import BodyGuard, CrossSiteGuard, HostGuard
from app.api.headers import HeadAsGet, SecurityHeaders
from app.api.responses import WireJSON
from app.config import Settings
from app.live.endpoint import router as ws_router
from app.live.hub import Hub
from app.live.rooms import router as room_ws_router

DESCRIPTION = (
    "Watch a neural network learn, one layer at a time, with the real numbers. REST for scripts and tests; "
    "the page uses the socket /ws/sessions/{id} (docs/protocol.md)."
)


class LabApp(FastAPI):
    """FastAPI whose whole middleware stack, server errors included, sits inside SecurityHeaders."""

    def build_middleware_stack(self) -> ASGIApp:
        """Starlette's stack (server errors outermost), wrapped in the security headers."""
        return SecurityHeaders(super().build_middleware_stack())


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

    app = LabApp(
        title="Backprop Lab",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        default_response_class=WireJSON,
        docs_url=None,  # served by app/api/docs.py from local files
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.hub = hub
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=str(pages.TEMPLATES_DIR))
    routers = (
        api.router,
        travel_api.router,
        rooms_api.router,
        analyses_api.router,
        surface_api.router,
        graph_api.router,
        descent_api.router,
        code_export_api.router,
        share_api.router,
        pages.router,
        docs.router,
    )
    errors.install(app, [route for router in routers for route in router.routes])
    for router in (*routers, ws_router, room_ws_router):
        app.include_router(router)
    app.mount(docs.ASSETS_URL, docs.assets(), name="docs-assets")
    app.mount("/static", StaticFiles(directory=str(pages.STATIC_DIR)), name="static")
    # outermost last: the Host check first, then HEAD as GET, the cross-site check, the body bounds
    app.add_middleware(BodyGuard, settings=settings)
    app.add_middleware(CrossSiteGuard, settings=settings)
    app.add_middleware(HeadAsGet)
    app.add_middleware(HostGuard, settings=settings)
    return app
