"""One socket's outgoing side: an ordered outbox with a single newest-wins frame slot, and its sender task.

Text messages (state, errors, changes) are never dropped; a frame replaces the unsent frame, so a socket holds
at most one. Every send runs under a timeout; a client that stops reading fills its TCP buffers, the send
blocks, the timeout fires and the connection is torn down at the transport (a blocked send never returns by
itself, and a close frame could not get through either). Other sockets never wait for this one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from app.config import Settings

# The ASGI scope extension through which app/server.py's uvicorn protocol exposes transport.abort().
ABORT_EXTENSION = "backprop.abort"

CLOSE_GOING_AWAY = 1001
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009


class Frame(bytes):
    """A binary frame: the one item kind an outbox keeps at most one of."""


class Connection:
    """The outgoing side of one socket; `run()` is its sender task."""

    def __init__(self, websocket: WebSocket, settings: Settings) -> None:
        self.websocket = websocket
        self.settings = settings
        self._items: deque[str | Frame] = deque()
        self._wake = asyncio.Event()
        self._close: tuple[int, str] | None = None
        self.closed_code: int | None = None  # the code the server closed with, once it did
        self.aborted = False
        self.frames_sent = 0
        self.frames_replaced = 0
        self.frame_pending = False  # the slot holds a frame not yet sent

    @property
    def pending(self) -> int:
        """Items waiting to be sent."""
        return len(self._items)

    @property
    def closing(self) -> bool:
        """A close was requested (the socket takes nothing more)."""
        return self._close is not None

    def send_text(self, text: str) -> None:
        """Queue a text message; a client that lets max_pending_messages pile up is closed."""
        if self._close is not None:
            return
        self._items.append(text)
        if len(self._items) > self.settings.max_pending_messages:
            self.close(CLOSE_POLICY, "client is not reading its messages")
        self._wake.set()

    def send_frame(self, frame: bytes) -> None:
        """Put a frame in the slot: an unsent older frame is dropped, the new one goes after queued texts."""
        if self._close is not None:
            return
        for i, item in enumerate(self._items):
            if isinstance(item, Frame):
                del self._items[i]
                self.frames_replaced += 1
                break
        self._items.append(Frame(frame))
        self.frame_pending = True
        self._wake.set()

    def close(self, code: int, reason: str = "") -> None:
        """Ask the sender to close with `code` now, dropping what is still queued."""
        if self._close is None:
            self._close = (code, reason)
            self._items.clear()
            self.frame_pending = False
            self._wake.set()

    def abort(self) -> None:
        """Tear the connection down at the transport (when the server offers it), without a close frame."""
        self.aborted = True
        extensions: dict[str, Any] = self.websocket.scope.get("extensions") or {}
        abort: Callable[[], None] | None = (extensions.get(ABORT_EXTENSION) or {}).get("abort")
        if abort is not None:
            abort()

    async def _send(self, message: dict[str, Any]) -> None:
        """One ASGI send under the send timeout."""
        await asyncio.wait_for(self.websocket.send(message), self.settings.send_timeout_seconds)

    async def run(self) -> None:
        """Send queued items in order until closed; a timed-out send aborts the connection."""
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._close is None and self._items:
                    item = self._items.popleft()
                    if isinstance(item, Frame):
                        self.frame_pending = False
                        await self._send({"type": "websocket.send", "bytes": bytes(item)})
                        self.frames_sent += 1
                    else:
                        await self._send({"type": "websocket.send", "text": item})
                if self._close is not None:
                    code, reason = self._close
                    await self._send({"type": "websocket.close", "code": code, "reason": reason})
                    self.closed_code = code
                    return
        except TimeoutError:
            self.abort()
        except (OSError, RuntimeError, WebSocketDisconnect):
            # the peer is gone (uvicorn's ClientDisconnected is an OSError) or the socket is already closed
            return

    async def finish(self, task: asyncio.Task[None], grace: float) -> None:
        """Wait up to `grace` seconds for the sender to send its close, then abort and cancel it."""
        done, _ = await asyncio.wait({task}, timeout=grace)
        if not done:
            self.abort()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
