"""REST error answers: 422 naming the field, the value and the range; 404, 409, 503 with a clear detail."""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match

from app.api.responses import WireJSON
from app.schemas.errors import detail_list
from app.sessions.labs import Diverged, OperationError
from app.sessions.session import SessionLimit, UnknownSession

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
RETRY_AFTER_SECONDS = "30"


def engine_loc(field: str) -> list[str | int]:
    """An engine field path ("dataset.inputs", "weights[1]") as a 422 loc under "body"."""
    loc: list[str | int] = ["body"]
    for name, index in _PATH_PART.findall(field):
        loc.append(int(index) if index else name)
    return loc


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return WireJSON({"detail": detail_list(list(exc.errors()))}, status_code=422)


async def _rejected(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OperationError)
    detail = {"loc": engine_loc(exc.field), "msg": exc.message, "type": "rejected", "input": None}
    return WireJSON({"detail": [detail]}, status_code=422)


async def _unknown(request: Request, exc: Exception) -> Response:
    return WireJSON({"detail": str(exc)}, status_code=404)


async def _full(request: Request, exc: Exception) -> Response:
    return WireJSON({"detail": str(exc)}, status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS})


async def _diverged(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Diverged)
    return WireJSON({"detail": exc.report}, status_code=409)


async def _http(request: Request, exc: Exception) -> Response:
    """Starlette's answers, except that a 405 lists every method the path supports in Allow."""
    assert isinstance(exc, HTTPException)
    if exc.status_code != 405:
        return await http_exception_handler(request, exc)
    methods: set[str] = set()
    for route in request.app.router.routes:
        for method in getattr(route, "methods", None) or ():
            if route.matches({**request.scope, "method": method})[0] == Match.FULL:
                methods.add(method)
    allow = ", ".join(sorted(methods))
    return WireJSON({"detail": exc.detail}, status_code=405, headers={"Allow": allow})


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(OperationError, _rejected)
    app.add_exception_handler(UnknownSession, _unknown)
    app.add_exception_handler(SessionLimit, _full)
    app.add_exception_handler(Diverged, _diverged)
