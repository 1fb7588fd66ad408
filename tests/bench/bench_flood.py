"""Fair-share benchmark: what one user's load does to another user's frames, and the memory of full histories.

Run: `python -m tests.bench.bench_flood` (also run by `python -m tests.bench.run_all`). A real `python -m app`
server; the "observer" is a page-like client playing the default network at speed 1, 60 frames/s, whose
received frames/s and frame latency (server timestamp `t` to receipt, p99) are measured:

1. sync flood: meanwhile one client on the largest custom data set (max_custom_rows rows of max_inputs
   inputs) sends `sync` at just under the rate limit and reads every reply;
2. fast sessions: meanwhile 10 sessions play at speed max_speed (1000 iterations per frame);
3. in-process: the resident memory of max_sessions sessions whose loss curves are at max_history points
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
import time
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from app.config import LIMITS, Settings
from app.wire.codec import unpack_frame
from tests.bench.bench_server import _run, _socket
from tests.support.live_server import LiveServer

TARGETS = {"observer_fps": 30.0, "observer_p99_ms": 150.0, "history_mb": 1024.0}
OBSERVER_FPS = 60.0
SECONDS = 10.0
WARMUP_SECONDS = 1.5
FAST_SESSIONS = 10
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
    latencies: list[float] = []
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            message = await asyncio.wait_for(ws.recv(), left)
        except TimeoutError:
            break
        if isinstance(message, bytes):
            latencies.append(time.time() * 1000.0 - unpack_frame(message)[0]["t"])
    latencies.sort()
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


async def _fast_clients(url: str, ws_url: str, ready: Any, stop: Any) -> None:
    """FAST_SESSIONS page-like clients playing at max_speed and reading every frame, until `stop` is set."""
    sockets = []
    for _ in range(FAST_SESSIONS):
        response = httpx.post(f"{url}/api/sessions", json={}, timeout=60)
        sid = response.json()["id"]
        sockets.append(
            await connect(f"{ws_url}/ws/sessions/{sid}", origin=Origin(url), compression=None, max_size=None)
        )
    readers = [asyncio.create_task(_drain(ws)) for ws in sockets]
    for ws in sockets:
        await ws.send(json.dumps({"type": "play", "speed": Settings().max_speed, "fps": 60}))
    ready.set()
    while not stop.is_set():
        await asyncio.sleep(0.1)
    for ws in sockets:
        await ws.close()
    for task in readers:
        task.cancel()


def _fast_process(url: str, ws_url: str, ready: Any, stop: Any) -> None:
    """The fast clients in a process of their own (their reading does not slow the observer's)."""
    asyncio.run(_fast_clients(url, ws_url, ready, stop))


async def _fast(server: LiveServer) -> dict[str, float]:
    """The observer while FAST_SESSIONS sessions (clients in another process) play at max_speed."""
    observer = await _observer(server)
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    clients = multiprocessing.Process(target=_fast_process, args=(server.url, server.ws_url, ready, stop))
    clients.start()
    await asyncio.get_running_loop().run_in_executor(None, ready.wait, 120.0)
    await asyncio.sleep(WARMUP_SECONDS)
    fps, p99 = await _observe(observer, SECONDS)
    stop.set()
    await asyncio.get_running_loop().run_in_executor(None, clients.join, 30.0)
    await observer.close()
    return {"fast_fps": fps, "fast_p99_ms": p99}


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


def main() -> int:
    """Run the benchmark and print the figures next to their targets."""
    load = os.getloadavg()
    figures: dict[str, float] = {}
    figures.update(_run({}, _flood))
    figures.update(_run({}, _fast))
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
