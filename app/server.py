"""Serving with uvicorn: permessage-deflate off, the socket size limit, a transport abort for stuck sends, an
immediate write for frames, a bound on the time a request's headers may take (uvicorn has none), and a
shutdown that closes every socket with 1001 (going away) before uvicorn's own 1012; on every interface (or
with BACKPROP_PUBLIC_URL) one line at startup says where students join."""

from __future__ import annotations

import asyncio
import copy
import logging
import socket
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.exceptions import InvalidState

from app.config import WILDCARD, Settings
from app.live.connection import ABORT_EXTENSION, SEND_NOW_EXTENSION
from app.netaddr import primary_address, student_base_url

log = logging.getLogger("backprop.server")
JOIN_PATH = "/join"  # the page where a student types a room's code


class AbortableWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets protocol, exposing transport.abort() and an immediate binary write to the app
    through the ASGI scope, with a bounded kernel send buffer (settings.socket_send_buffer_bytes)."""

    send_buffer_bytes = Settings().socket_send_buffer_bytes

    def connection_made(self, transport: Any) -> None:
        """Take the upgraded connection and cap its kernel send buffer."""
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.send_buffer_bytes)

    def handle_connect(self, event: Any) -> None:
        """Accept the handshake as uvicorn does, then add the abort extension before the app runs."""
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"][ABORT_EXTENSION] = {
                "abort": self.transport.abort,
                "closing": self.transport.is_closing,
            }
            scope["extensions"][SEND_NOW_EXTENSION] = {"send_bytes": self.send_bytes_now}

    def send_bytes_now(self, data: bytes) -> bool:
        """Write a binary message now, as uvicorn's send does, when that send would not wait: the socket is
        open and its transport is taking data (not paused at its high-water mark). False when it would wait
        or the socket is closing: the caller queues the message for its sender instead."""
        if (
            not self.handshake_complete
            or self.close_sent
            or self.disconnected
            or self.initial_response is not None
            or not self.writable.is_set()
            or self.transport.is_closing()
        ):
            return False
        try:
            self.conn.send_binary(data)
        except InvalidState:  # the peer started closing
            return False
        self.transport.write(b"".join(self.conn.data_to_send()))
        return True


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, closing a connection whose request headers do not all arrive within
    `header_seconds` of the connection opening (or of the request's first byte on a kept-alive connection):
    a slowloris client trickling header bytes gets 408 and is cut off instead of holding a connection."""

    header_seconds = Settings().header_read_seconds
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        """Take the connection and start the clock on its first request's headers."""
        super().connection_made(transport)
        self._arm_header_timer()

    def on_message_begin(self) -> None:
        """A request starts: its headers must arrive within the bound (the first request's clock runs
        from the connection)."""
        super().on_message_begin()
        self._arm_header_timer()

    def on_headers_complete(self) -> None:
        """The headers are in: stop the clock, then let uvicorn run the request."""
        self._cancel_header_timer()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        """The connection went: nothing left to time."""
        self._cancel_header_timer()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_seconds, self._headers_timed_out)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_timed_out(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        body = f'{{"detail":"request headers did not arrive within {self.header_seconds:g} s"}}'.encode()
        head = (
            b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        self.transport.write(head + body)
        self.transport.close()


class LabServer(uvicorn.Server):
    """uvicorn.Server whose shutdown first stops listening and closes every lab socket with 1001."""

    def __init__(self, config: uvicorn.Config, app: FastAPI, settings: Settings) -> None:
        super().__init__(config)
        self.lab_app = app
        self.settings = settings

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's startup, then one line saying where students join (when they can reach this server)."""
        await super().startup(sockets)
        listening = [sock for server in getattr(self, "servers", []) for sock in server.sockets]
        if listening and (self.settings.public_url or self.settings.host in WILDCARD):
            log.info("%s", join_message(self.settings, int(listening[0].getsockname()[1])))

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Close the lab's sockets with 1001 (bounded by shutdown_close_seconds), then uvicorn's shutdown."""
        for server in getattr(self, "servers", []):
            server.close()
        hub = getattr(self.lab_app.state, "hub", None)
        if hub is not None:
            await hub.close_all(self.settings.shutdown_close_seconds)
        await super().shutdown(sockets)


def join_message(settings: Settings, port: int) -> str:
    """Where students join a server listening on `port`: BACKPROP_PUBLIC_URL when set, else this machine's
    network address (or why there is none)."""
    primary = primary_address(settings.own_addresses_cache_seconds)
    if not settings.public_url and primary is None:
        return "no network address found: students cannot reach this machine (set BACKPROP_PUBLIC_URL?)"
    loopback = f"http://127.0.0.1:{port}"
    base = student_base_url(settings.public_url, loopback, wildcard=True, port=port, primary=primary)
    return f"students join at {base}{JOIN_PATH}"


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with the lab's own messages (logger "backprop") printed beside its own."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["backprop"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def uvicorn_config(app: FastAPI, settings: Settings) -> uvicorn.Config:
    """The uvicorn configuration for `app` under `settings`."""
    protocol = type(
        "LabWebSocketProtocol",
        (AbortableWebSocketProtocol,),
        {"send_buffer_bytes": settings.socket_send_buffer_bytes},
    )
    http = type("LabHttpProtocol", (HeaderTimeoutProtocol,), {"header_seconds": settings.header_read_seconds})
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=http,
        ws=protocol,
        ws_per_message_deflate=False,
        ws_max_size=settings.max_message_bytes,
        log_level=settings.log_level,
        log_config=_log_config(),
        timeout_graceful_shutdown=max(1, round(settings.shutdown_close_seconds)),
    )


def serve(settings: Settings) -> None:
    """Build the app and serve it until SIGINT/SIGTERM."""
    from app.main import create_app

    app = create_app(settings)
    LabServer(uvicorn_config(app, settings), app, settings).run()
