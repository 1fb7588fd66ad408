"""One socket's outgoing side: an ordered outbox with a single newest-wins frame slot, and its sender task.

Text messages (state, errors, changes) are never dropped; a frame replaces the unsent frame, so a socket holds
at most one. Every send runs under a timeout; a client that stops reading fills its TCP buffers, the send
blocks, the timeout fires and the connection is torn down at the transport (a blocked send never returns by
itself, and a close frame could not get through either). Other sockets never wait for this one.

A frame for a socket with nothing queued and nothing being sent is written at once when the server offers
that (app/server.py) and the socket is taking data: no task switch, and no wait behind other sessions' ticks.
Otherwise it goes into the slot, for the sender.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from app.config import Settings

# The ASGI scope extensions through which app/server.py's uvicorn protocol exposes transport.abort() and an
# immediate binary write (send_bytes(data) -> bool: False when the send would wait; the frame is queued then).
ABORT_EXTENSION = "backprop.abort"
SEND_NOW_EXTENSION = "backprop.send_now"

CLOSE_GOING_AWAY = 1001
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009


class Frame:
    """A binary frame in the outbox (the one item kind it keeps at most one of); the bytes are not copied."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


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
        self._sending = False  # the sender is in the middle of a send
        extensions: dict[str, Any] = websocket.scope.get("extensions") or {}
        self._send_now: Callable[[bytes], bool] | None = (extensions.get(SEND_NOW_EXTENSION) or {}).get(
            "send_bytes"
        )

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
        """Write a frame at once when nothing is queued or being sent and the socket takes it without waiting;
        else put it in the slot: an unsent older frame is dropped, the new one goes after queued texts."""
        if self._close is not None:
            return
        if not self._items and not self._sending and self._send_now is not None and self._send_now(frame):
            self.frames_sent += 1
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
        """One ASGI send under the send timeout (a deadline on this task: no task is made per send)."""
        async with asyncio.timeout(self.settings.send_timeout_seconds):
            await self.websocket.send(message)

    async def run(self) -> None:
        """Send queued items in order until closed; a timed-out send aborts the connection."""
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._close is None and self._items:
                    item = self._items.popleft()
                    self._sending = True
                    if isinstance(item, Frame):
                        self.frame_pending = False
                        await self._send({"type": "websocket.send", "bytes": item.data})
                        self.frames_sent += 1
                    else:
                        await self._send({"type": "websocket.send", "text": item})
                    self._sending = False
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
