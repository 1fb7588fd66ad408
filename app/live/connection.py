"""One socket's outgoing side: an ordered outbox with a single newest-wins frame slot, and its sender task.

Text messages (state, errors, changes) are never dropped; a frame replaces the unsent frame, so a socket holds
at most one. A `sync` reply is queued as a request for the state, built when the sender reaches it (so it is
the newest state) and at most once per min_state_interval_seconds: repeated syncs while one is waiting
coalesce into it. What is queued is counted in bytes: the receive loop stops reading a client's messages while
more than half of max_pending_bytes wait for it (so a flood of requests is held back in the client's own TCP
buffers, not in server memory), and a socket whose queue passes max_pending_bytes is closed with 1008. Every
send runs under a timeout; a client that stops reading fills its TCP buffers, the send blocks, the timeout
fires and the connection is torn down at the transport (a blocked send never returns by itself, and a close
frame could not get through either). Other sockets never wait for this one.

A frame for a socket with nothing queued and nothing being sent is written at once when the server offers that
(app/server.py) and the socket is taking data: no task switch, and no wait behind other sessions' ticks.
Otherwise it goes into the slot, for the sender.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
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


class StateRequest:
    """A `sync` reply waiting in the outbox: the state is built when it is sent."""

    __slots__ = ("build",)

    def __init__(self, build: Callable[[], str]) -> None:
        self.build = build


def text_bytes(text: str) -> int:
    """The UTF-8 size of a text message (JSON from the server is nearly always ASCII: no copy then)."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))


class Connection:
    """The outgoing side of one socket; `run()` is its sender task."""

    def __init__(self, websocket: WebSocket, settings: Settings) -> None:
        self.websocket = websocket
        self.settings = settings
        self._items: deque[str | Frame | StateRequest] = deque()
        self._wake = asyncio.Event()
        self._room = asyncio.Event()  # set while the queue is below half of max_pending_bytes
        self._room.set()
        self.queued_bytes = 0  # text and frame bytes waiting in the outbox
        self.state_pending = False  # a StateRequest is queued, not yet built
        self.states_coalesced = 0
        self._state_at = -math.inf  # loop time of the last state built for a StateRequest
        self._close: tuple[int, str] | None = None
        self._close_after: tuple[int, str] | None = None  # close once the queue has drained
        self.closed_code: int | None = None  # the code the server closed with, once it did
        self.aborted = False
        self.teacher = False  # the socket proved it holds its room's teacher token (app/live/protocol.py)
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

    @property
    def gone(self) -> bool:
        """Closing, torn down, or the peer's side is closed (work on its behalf can stop)."""
        if self._close is not None or self.aborted:
            return True
        extensions: dict[str, Any] = self.websocket.scope.get("extensions") or {}
        is_closing: Callable[[], bool] | None = (extensions.get(ABORT_EXTENSION) or {}).get("closing")
        return bool(is_closing is not None and is_closing())

    async def left(self) -> bool:
        """`gone`, as the awaitable a step checks between its chunks."""
        return self.gone

    def _queued(self, size: int) -> None:
        """Count `size` more bytes queued (negative: sent or dropped) and update the room for reading."""
        self.queued_bytes += size
        if self.queued_bytes > self.settings.max_pending_bytes // 2:
            self._room.clear()
        else:
            self._room.set()

    async def room(self) -> None:
        """Wait until the queue is below half of max_pending_bytes (or the socket is closing)."""
        await self._room.wait()

    def send_text(self, text: str) -> None:
        """Queue a text message; a client that lets more than max_pending_bytes pile up is closed."""
        if self._close is not None:
            return
        self._items.append(text)
        self._queued(text_bytes(text))
        if self.queued_bytes > self.settings.max_pending_bytes:
            self.close(
                CLOSE_POLICY,
                f"client is not reading its messages (over {self.settings.max_pending_bytes} bytes queued)",
            )
        self._wake.set()

    def request_state(self, build: Callable[[], str]) -> bool:
        """Queue a state built by `build()` when sent; False when one already waits (this one joins it)."""
        if self._close is not None:
            return False
        if self.state_pending:
            self.states_coalesced += 1
            return False
        self.state_pending = True
        self._items.append(StateRequest(build))
        self._wake.set()
        return True

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
                self._queued(-len(item.data))
                self.frames_replaced += 1
                break
        self._items.append(Frame(frame))
        self._queued(len(frame))
        self.frame_pending = True
        self._wake.set()

    def close(self, code: int, reason: str = "") -> None:
        """Ask the sender to close with `code` now, dropping what is still queued."""
        if self._close is None:
            self._close = (code, reason)
            self._items.clear()
            self.frame_pending = self.state_pending = False
            self.queued_bytes = 0
            self._room.set()  # a receive loop waiting for room wakes up and sees the close
            self._wake.set()

    def close_after(self, code: int, reason: str = "") -> None:
        """Close with `code` once what is queued now has gone out (a last message before the close)."""
        if self._close is None:
            self._close_after = (code, reason)
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
                    item = self._items[0]
                    if isinstance(item, StateRequest):
                        await self._send_state(item)
                        continue
                    self._items.popleft()
                    self._sending = True
                    if isinstance(item, Frame):
                        self.frame_pending = False
                        await self._send({"type": "websocket.send", "bytes": item.data})
                        self._queued(-len(item.data))
                        self.frames_sent += 1
                    else:
                        await self._send({"type": "websocket.send", "text": item})
                        self._queued(-text_bytes(item))
                    self._sending = False
                if self._close is None and self._close_after is not None and not self._items:
                    self._close = self._close_after
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

    async def _send_state(self, request: StateRequest) -> None:
        """Build and send a requested state, no sooner than min_state_interval_seconds after the last one
        (syncs arriving meanwhile join this one)."""
        loop = asyncio.get_running_loop()
        wait = self._state_at + self.settings.min_state_interval_seconds - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        if self._close is not None or not self._items or self._items[0] is not request:
            return
        self._items.popleft()
        self.state_pending = False
        self._state_at = loop.time()
        text = request.build()
        self._sending = True
        self._queued(text_bytes(text))
        await self._send({"type": "websocket.send", "text": text})
        self._queued(-text_bytes(text))
        self._sending = False

    async def finish(self, task: asyncio.Task[None], grace: float) -> None:
        """Wait up to `grace` seconds for the sender to send its close, then abort and cancel it."""
        done, _ = await asyncio.wait({task}, timeout=grace)
        if not done:
            self.abort()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
