"""Request-side ASGI middleware (pure ASGI, no BaseHTTPMiddleware), each refusal a JSON {"detail"} naming the
rule: a Host not on the allow-list (400, DNS rebinding; the socket too), a cross-site state-changing request
(415 not JSON, 403 foreign Origin), a body over max_body_bytes (413) or slower than body_read_seconds
(408)."""

from __future__ import annotations

import asyncio
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.responses import WireJSON
from app.config import WILDCARD, Settings
from app.live.endpoint import origin_allowed
from app.schemas.errors import encodable

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_TYPE = "application/json"


def header(scope: Scope, name: bytes) -> str | None:
    """A request header's value (latin-1, as HTTP carries it), or None."""
    for key, value in scope.get("headers", ()):
        if key == name:
            text: str = value.decode("latin-1")
            return text
    return None


async def refuse(scope: Scope, send: Send, status: int, detail: str, *, close: bool = False) -> None:
    """Answer `status` with {"detail": detail}; a socket handshake gets it as its HTTP answer (or a close
    where the server cannot answer a handshake with HTTP)."""
    headers = {"Connection": "close"} if close else None
    response = WireJSON({"detail": encodable(detail)}, status_code=status, headers=headers)
    if scope["type"] == "websocket":
        if "websocket.http.response" in scope.get("extensions", {}):
            start = {"type": "websocket.http.response.start", "status": status}
            await send({**start, "headers": response.raw_headers})
            await send({"type": "websocket.http.response.body", "body": response.body})
        else:
            await send({"type": "websocket.close", "code": 1008, "reason": detail[:120]})
        return
    await response({**scope, "type": "http"}, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


class HostGuard:
    """Refuses a request (HTTP or socket) whose Host header is not one of Settings.host_names() with 400:
    a page on another site that rebinds its name to this server's address gets nothing."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass requests for an allowed host on."""
        if scope["type"] in ("http", "websocket"):
            host = header(scope, b"host")
            if not self.settings.host_allowed(host):
                names = ", ".join(sorted(self.settings.host_names()))
                names += ", this machine's addresses" if self.settings.host in WILDCARD else ""
                detail = (
                    f"host {host!r} is not served here (allowed: {names}; "
                    "add names to BACKPROP_ALLOWED_HOSTS)"
                )
                await refuse(scope, send, 400, detail)
                return
        await self.app(scope, receive, send)


class CrossSiteGuard:
    """A state-changing request (POST, PUT, PATCH, DELETE) must not be a cross-site "simple" request: a body
    must be sent as application/json (415 otherwise; forms and text/plain cannot), and an Origin header,
    when present, must be the server's own or an allowed origin (403 otherwise)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass safe methods and same-site JSON requests on."""
        if scope["type"] == "http" and scope["method"] in STATE_CHANGING:
            refusal = self.refusal(scope)
            if refusal is not None:
                await refuse(scope, send, *refusal)
                return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """(status, detail) when the request must be refused."""
        origin = header(scope, b"origin")
        if origin is not None and not origin_allowed(origin, header(scope, b"host"), self.settings):
            return 403, (
                f"origin {origin!r} may not change sessions here: only the page's own origin "
                "(or one in BACKPROP_ALLOWED_ORIGINS) may"
            )
        content_type = header(scope, b"content-type")
        length = header(scope, b"content-length")
        has_body = header(scope, b"transfer-encoding") is not None or (length not in (None, "0"))
        if content_type is None and not has_body:
            return None
        media = (content_type or "").split(";", 1)[0].strip().lower()
        if media != JSON_TYPE:
            shown = f"content type {content_type!r}" if content_type else "no content type"
            return 415, f"the request body must be sent as {JSON_TYPE} (got {shown})"
        return None


class BodyRefused(HTTPException):
    """The body passed max_body_bytes (413) or did not arrive in time (408); the connection then closes.
    An HTTPException, so the route reading the body answers it (FastAPI turns other errors into 400)."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(status_code, detail, headers={"Connection": "close"})


class BodyGuard:
    """Bounds a request body: at most max_body_bytes (413, checked on Content-Length before reading and on
    the bytes as they arrive) and all of it within body_read_seconds of the first read (408, and the
    connection is closed), so a client trickling a body cannot hold a connection and its handler."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limit = settings.max_body_bytes
        self.seconds = settings.body_read_seconds

    def _too_large(self, size: int | str) -> str:
        return f"the request body is {size} bytes; max_body_bytes is {self.limit}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app on a receive that enforces the bounds; answer 413 / 408 when it trips."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await refuse(scope, send, 413, self._too_large(length), close=True)
            return
        received = 0
        deadline: float | None = None
        complete = False
        started = False

        async def bounded_receive() -> Message:
            nonlocal received, deadline, complete
            if complete:
                return await receive()
            deadline = deadline if deadline is not None else time.monotonic() + self.seconds
            try:
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    message = await receive()
            except TimeoutError:
                detail = f"the request body did not arrive within body_read_seconds ({self.seconds:g} s)"
                raise BodyRefused(408, detail) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyRefused(413, self._too_large(f"over {self.limit}"))
                complete = not message.get("more_body", False)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracked_send)
        except BodyRefused as exc:  # raised where no route handled it (a route answers it itself)
            if started:
                raise
            await refuse(scope, send, exc.status_code, exc.detail, close=True)
