"""REST error answers: 422 naming the field, the value and the range; 400 for a body that is not JSON; 404,
405 (with Allow), 409, 503 with a clear detail."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute, Match

from app.api.responses import WireJSON
from app.schemas.errors import detail_list, encodable
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
    errors = list(exc.errors())
    for error in errors:
        if error["type"] == "json_invalid":
            return WireJSON({"detail": not_json_message(error, exc.body)}, status_code=400)
    return WireJSON({"detail": detail_list(errors)}, status_code=422)


def not_json_message(error: dict[str, Any], body: Any) -> str:
    """What is wrong with a body that is not JSON: the parser's reason and where (character, line, column)."""
    loc = error.get("loc") or ()
    position = loc[-1] if loc and isinstance(loc[-1], int) else None
    ctx = error.get("ctx")
    reason = str(ctx.get("error", "")) if isinstance(ctx, dict) else ""
    reason = reason[0].lower() + reason[1:] if reason else "it could not be parsed"
    where = ""
    if position is not None:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
        before = text[:position]
        line = before.count("\n") + 1
        column = position - (before.rfind("\n") + 1) + 1
        where = f" at character {position} (line {line}, column {column})"
    return encodable(f"the request body is not valid JSON: {reason}{where}")  # type: ignore[no-any-return]


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


def allowed_methods(routes: Sequence[BaseRoute], scope: dict[str, object]) -> list[str]:
    """Every method one of `routes` answers on the scope's path (HEAD wherever GET is), sorted. A path
    that a route names literally (/api/sessions/from-link) is that resource alone, not also a value of
    another route's parameter (/api/sessions/{session_id})."""
    methods: set[str] = set()
    matching = [
        route
        for route in routes
        for method in getattr(route, "methods", None) or ()
        if route.matches({**scope, "method": method})[0] == Match.FULL
    ]
    literal = [route for route in matching if not getattr(route, "param_convertors", None)]
    for route in literal or matching:
        for method in getattr(route, "methods", None) or ():
            if route.matches({**scope, "method": method})[0] == Match.FULL:
                methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def _http_handler(routes: Sequence[BaseRoute]) -> Callable[[Request, Exception], Awaitable[Response]]:
    """Starlette's errors as JSON ({"detail": ...}); a 405 lists in Allow every method the path supports."""

    async def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers or {})
        if exc.status_code in (204, 304):
            return Response(status_code=exc.status_code, headers=headers)
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(routes, dict(request.scope)))
        detail = exc.detail
        cause = exc.__cause__
        if exc.status_code == 400 and isinstance(cause, UnicodeDecodeError):  # FastAPI's unreadable body
            byte = cause.object[cause.start]
            detail = f"the request body is not valid UTF-8: byte 0x{byte:02x} at {cause.start}"
        return WireJSON({"detail": encodable(detail)}, status_code=exc.status_code, headers=headers)

    return handle


def install(app: FastAPI, routes: Sequence[BaseRoute]) -> None:
    """Register the handlers on `app`; `routes` are every route it serves (for a 405's Allow header)."""
    app.add_exception_handler(HTTPException, _http_handler(routes))
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(OperationError, _rejected)
    app.add_exception_handler(UnknownSession, _unknown)
    app.add_exception_handler(SessionLimit, _full)
    app.add_exception_handler(Diverged, _diverged)
