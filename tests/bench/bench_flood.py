"""Fair-share benchmark: what one user's load does to another user's frames, and the memory of full histories.

Run: `python -m tests.bench.bench_flood` (also run by `python -m tests.bench.run_all`). A real `python -m app`
server; the "observer" is a page-like client playing the default network at speed 1, 60 frames/s, whose
received frames/s and frame latency (server timestamp `t` to receipt, p99) are measured:

1. sync flood: meanwhile one client on the largest custom data set (max_custom_rows rows of max_inputs
   inputs) sends `sync` at just under the rate limit and reads every reply;
2. fast sessions: meanwhile 10 sessions play at speed max_speed (1000 iterations per frame), on the default
   network or on BENCH_FAST_CONFIG (a SessionConfig as JSON);
3. in-process, without sockets: the observer's frames/s while 10 sessions on 6×16 networks play at
   max_speed (how the play loops share the event loop, nothing else);
4. in-process: the resident memory of max_sessions sessions whose loss curves are at max_history points
   (BENCH_HISTORY_SESSIONS=n measures n sessions and scales the growth to max_sessions).

The machine's load average is printed: on a shared 2-core machine other processes change every figure.
The last line printed is the figures as one JSON object.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import selectors
import signal
import socket
import time
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection

from app.config import LIMITS, Settings
from tests.bench.bench_server import _socket, receive_frames
from tests.support.live_server import LiveServer, start_server

TARGETS = {"observer_fps": 30.0, "observer_p99_ms": 150.0, "history_mb": 1024.0}
OBSERVER_FPS = 60.0
SECONDS = 10.0
WARMUP_SECONDS = 1.5
FAST_SESSIONS = 10
# the fast sessions' configuration (JSON): BENCH_FAST_CONFIG='{"hidden_layers": [16, 16, 16, 16, 16, 16]}'
FAST_CONFIG = json.loads(os.environ.get("BENCH_FAST_CONFIG", "{}"))
FLOOD_RATE = 110.0  # sync per second, under the default limit of 120 per second


def _session(server: LiveServer, config: dict[str, Any] | None = None) -> str:
    """A new session (the defaults, or `config`)."""
    response = httpx.post(f"{server.url}/api/sessions", json=config or {}, timeout=60)
    response.raise_for_status()
    return str(response.json()["id"])


def _largest_custom() -> dict[str, Any]:
    """A custom regression set of max_custom_rows rows of max_inputs inputs (the biggest state there is)."""
    rows, cols = LIMITS.max_custom_rows, LIMITS.max_inputs
    inputs = [[((i * 7 + j * 13) % 97) / 97.0 - 0.123456789 for j in range(cols)] for i in range(rows)]
    targets = [[((i * 11) % 89) / 89.0 + 0.000123456] for i in range(rows)]
    return {"dataset": {"inputs": inputs, "targets": targets, "kind": "regression"}, "loss": "half_sse"}


async def _observe(ws: ClientConnection, seconds: float) -> tuple[float, float]:
    """Frames/s received during `seconds` and the p99 latency (ms) from the server's `t` to receipt."""
    latencies = sorted(at - header["t"] for at, header, _ in await receive_frames(ws, seconds))
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("inf")
    return len(latencies) / seconds, p99


async def _drain(ws: ClientConnection) -> None:
    """Read and discard everything until the socket closes."""
    with contextlib.suppress(Exception):
        async for _ in ws:
            pass


async def _observer(server: LiveServer) -> ClientConnection:
    """The observer's socket, playing at speed 1 and OBSERVER_FPS, warmed up."""
    ws = await _socket(server, _session(server))
    await ws.send(json.dumps({"type": "play", "speed": 1, "fps": OBSERVER_FPS}))
    await _observe(ws, WARMUP_SECONDS)
    return ws


async def _flood(server: LiveServer) -> dict[str, float]:
    """The observer while one client sends `sync` at FLOOD_RATE per second and reads every reply."""
    observer = await _observer(server)
    alone_fps, alone_p99 = await _observe(observer, 3.0)
    flooder = await _socket(server, _session(server, _largest_custom()))
    reader = asyncio.create_task(_drain(flooder))
    stop = asyncio.Event()

    async def send() -> None:
        period = 1.0 / FLOOD_RATE
        next_at = time.monotonic()
        with contextlib.suppress(Exception):
            while not stop.is_set():
                await flooder.send('{"type":"sync"}')
                next_at += period
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))

    sender = asyncio.create_task(send())
    fps, p99 = await _observe(observer, SECONDS)
    stop.set()
    await sender
    await flooder.close()
    reader.cancel()
    await observer.close()
    return {"alone_fps": alone_fps, "alone_p99_ms": alone_p99, "flood_fps": fps, "flood_p99_ms": p99}


def _raw_socket(host: str, port: int, sid: str) -> socket.socket:
    """A socket through the upgrade to /ws/sessions/{sid}, read from here on as raw bytes."""
    sock = socket.create_connection((host, port), timeout=60)
    sock.sendall(
        f"GET /ws/sessions/{sid} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        f"Sec-WebSocket-Version: 13\r\nOrigin: http://{host}:{port}\r\n\r\n".encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    if not response.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(response.decode(errors="replace"))
    return sock


def _masked_text(text: str) -> bytes:
    """A client text frame (payload under 126 bytes) with a zero mask."""
    payload = text.encode()
    return bytes([0x81, 0x80 | len(payload)]) + b"\0\0\0\0" + payload


def _fast_process(url: str, ready: Any, stop: Any) -> None:
    """FAST_SESSIONS clients playing at max_speed in a process of their own, reading every byte the server
    sends without parsing it (so the clients cost little CPU and the server never skips their frames)."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    sockets = []
    for _ in range(FAST_SESSIONS):
        sid = httpx.post(f"{url}/api/sessions", json=FAST_CONFIG, timeout=60).json()["id"]
        sockets.append(_raw_socket(host, int(port), sid))
    play = json.dumps({"type": "play", "speed": Settings().max_speed, "fps": 60})
    for sock in sockets:
        sock.sendall(_masked_text(play))
        sock.setblocking(False)
    ready.set()
    with selectors.DefaultSelector() as selector:
        for sock in sockets:
            selector.register(sock, selectors.EVENT_READ)
        buffer = bytearray(1 << 20)
        while not stop.is_set():
            for key, _ in selector.select(0.1):
                with contextlib.suppress(BlockingIOError):
                    key.fileobj.recv_into(buffer)  # type: ignore[union-attr]
    for sock in sockets:
        sock.close()


async def _fast(server: LiveServer) -> dict[str, float]:
    """The observer while FAST_SESSIONS sessions (clients in another process) play at max_speed."""
    observer = await _observer(server)
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    clients = multiprocessing.Process(target=_fast_process, args=(server.url, ready, stop))
    clients.start()
    await asyncio.get_running_loop().run_in_executor(None, ready.wait, 120.0)
    await _observe(observer, WARMUP_SECONDS)  # read meanwhile: frames left unread would queue in TCP
    fps, p99 = await _observe(observer, SECONDS)
    stop.set()
    await asyncio.get_running_loop().run_in_executor(None, clients.join, 30.0)
    await observer.close()
    return {"fast_fps": fps, "fast_p99_ms": p99}


class _Tab:
    """An open socket as a session sees it (an Outlet) that takes every frame at once."""

    frame_pending = False

    def __init__(self) -> None:
        self.frames = 0

    def send_text(self, text: str) -> None:
        """Take a text message."""

    def send_frame(self, frame: bytes) -> None:
        """Take a frame."""
        self.frames += 1

    def close(self, code: int, reason: str = "") -> None:
        """Take a close."""


async def _scheduling() -> dict[str, float]:
    """In-process (no sockets, no clients): the observer's frames/s while FAST_SESSIONS sessions on 6×16
    networks play at max_speed: the play loops' scheduling alone."""
    from app.live import player
    from app.live.hub import Hub
    from app.sessions.labs import build_lab

    hub = Hub(Settings())
    fast = [hub.store.add(build_lab({"hidden_layers": [16] * 6})) for _ in range(FAST_SESSIONS)]
    observer = hub.store.add(build_lab({}))
    tab = _Tab()
    for session in fast:
        session.connections.add(_Tab())
        player.play(hub, session, hub.settings.max_speed, OBSERVER_FPS)
    observer.connections.add(tab)
    player.play(hub, observer, 1, OBSERVER_FPS)
    await asyncio.sleep(WARMUP_SECONDS)
    start, frames = time.monotonic(), tab.frames
    await asyncio.sleep(SECONDS / 2)
    fps = (tab.frames - frames) / (time.monotonic() - start)
    for session in [*fast, observer]:
        player.pause(hub, session)
    await asyncio.sleep(0.5)
    return {"scheduling_fps": fps}


def _rss_mb() -> float:
    """Resident memory of this process (MB, Linux /proc)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _history_memory() -> dict[str, float]:
    """RSS growth of max_sessions sessions once each loss curve holds max_history points."""
    from app.live.hub import Hub
    from app.sessions.labs import build_lab

    settings = Settings()
    hub = Hub(settings)
    lab = build_lab({})
    count = int(os.environ.get("BENCH_HISTORY_SESSIONS", settings.max_sessions))
    sessions = [hub.store.add(lab) for _ in range(count)]
    before = _rss_mb()
    for session in sessions:
        for step in range(settings.max_history):
            session.add_point(
                {
                    "step": step,
                    "epoch": step // 25,
                    "train_loss": 0.25 / (1 + step) + 1e-9 * step,
                    "test_loss": 0.26 / (1 + step) + 2e-9 * step,
                    "train_accuracy": 0.5 + step / (4.0 * settings.max_history),
                    "test_accuracy": 0.5 + step / (5.0 * settings.max_history),
                }
            )
    grown = _rss_mb() - before
    return {
        "history_mb": grown * settings.max_sessions / count,
        "history_sessions_measured": float(count),
        "history_points": float(len(sessions[0].curve())),
    }


def _measure(part: Any) -> dict[str, float]:
    """Run one part against a fresh server, then kill it (a server still busy with a flood may not stop)."""
    server = start_server({"MAX_SESSIONS": "100"})
    try:
        figures: dict[str, float] = asyncio.run(part(server))
        return figures
    finally:
        server.stop(signal.SIGKILL)


def main() -> int:
    """Run the benchmark and print the figures next to their targets."""
    load = os.getloadavg()
    figures: dict[str, float] = {}
    figures.update(_measure(_flood))
    figures.update(_measure(_fast))
    figures.update(asyncio.run(_scheduling()))
    figures.update(_history_memory())
    figures["load_average_1m"] = load[0]
    figures["load_average_end"] = os.getloadavg()[0]
    fps, p99 = f">= {TARGETS['observer_fps']:g}", f"<= {TARGETS['observer_p99_ms']:g}"
    rows = [
        ("observer alone: fps", figures["alone_fps"], ""),
        ("observer alone: frame latency p99 (ms)", figures["alone_p99_ms"], ""),
        (f"sync flood ({FLOOD_RATE:g}/s, largest state): observer fps", figures["flood_fps"], fps),
        ("  observer frame latency p99 (ms)", figures["flood_p99_ms"], p99),
        (f"{FAST_SESSIONS} sessions at max speed: observer fps", figures["fast_fps"], fps),
        ("  observer frame latency p99 (ms)", figures["fast_p99_ms"], p99),
        (f"in-process, {FAST_SESSIONS} at max speed on 6x16: observer fps", figures["scheduling_fps"], fps),
        ("max_sessions full loss curves: RSS growth (MB)", figures["history_mb"],
         f"<= {TARGETS['history_mb']:g}"),
    ]  # fmt: skip
    for label, value, target in rows:
        print(f"{label:<56} {value:>10.2f}  {target}")
    print(
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (start), "
        f"{figures['load_average_end']:.2f} (end)"
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
