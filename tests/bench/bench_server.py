"""Server benchmark: frames over a real socket, on loopback, from a real `python -m app` uvicorn process.

Run: `python -m tests.bench.bench_server` (also run by `python -m tests.bench.run_all`). TF Playground's
default network (circle, 500 points, [4, 2] tanh, batch 10), one iteration per frame, full frames (output map
100×100, every neuron's map 40×40). Three figures, each against its target:

1. frames/s one session can produce: in-process, the median cost of one tick (train one iteration, measure
   the loss, build and encode the full frame); and over the socket with the frame cap lifted
   (BACKPROP_MAX_FPS is raised for this server only), frames (`seq`) per second received by a Python client,
   which also bounds it: a frame is built only when the socket can take one;
2. bytes per full frame;
3. 30 sessions playing at 20 frames/s each at once: every client's received frames/s, and the latency from
   the server's timestamp `t` (ms) to the client's receipt, p50 and p99 over all frames.

The server's CPU time per delivered frame is printed for both socket runs (it moves less with other load
than the rates do), and the machine's load average too: on a 2-core machine other processes change every
figure.
The last line printed is the figures as one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import time
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from app.config import Settings
from app.live.hub import Hub
from app.sessions.labs import build_lab
from app.wire.codec import unpack_frame
from app.wire.frames import build_frame
from tests.bench.report import print_load, print_rows
from tests.support.live_server import LiveServer, start_server

TARGETS = {"single_fps": 600.0, "frame_bytes": 45 * 1024, "fleet_fps_fraction": 0.95, "fleet_p99_ms": 150.0}
SINGLE_SECONDS = 6.0
FLEET_SESSIONS = 30
FLEET_FPS = 20.0
FLEET_SECONDS = 12.0
WARMUP_SECONDS = 1.5
UNCAPPED_FPS = "100000"


TICKS = 2000


def _in_process() -> dict[str, float]:
    """Median cost of one tick in this process: train 1 iteration, metrics + loss-curve point, full frame."""
    hub = Hub(Settings())
    session = hub.store.add(build_lab({}))
    times = []
    for i in range(TICKS + 100):
        start = time.perf_counter()
        session.lab.train(iterations=1)
        metrics = hub.record_point(session)
        build_frame(session, hub.settings, metrics, None)
        if i >= 100:  # after a warm-up
            times.append(time.perf_counter() - start)
    tick_ms = statistics.median(times) * 1000.0
    return {"tick_ms": tick_ms, "single_fps_in_process": 1000.0 / tick_ms}


async def _socket(server: LiveServer, sid: str) -> ClientConnection:
    """A page-like socket (same-origin Origin, no compression)."""
    return await connect(
        f"{server.ws_url}/ws/sessions/{sid}",
        origin=Origin(server.url),
        compression=None,
        max_size=None,
        open_timeout=30,
    )


def _session(server: LiveServer) -> str:
    """A session with the defaults (TF Playground's network)."""
    response = httpx.post(f"{server.url}/api/sessions", json={}, timeout=30)
    response.raise_for_status()
    return str(response.json()["id"])


async def receive_frames(ws: ClientConnection, seconds: float) -> list[tuple[float, dict[str, Any], int]]:
    """(receipt time in ms, header, size) of every binary frame received during `seconds`."""
    out: list[tuple[float, dict[str, Any], int]] = []
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            message = await asyncio.wait_for(ws.recv(), left)
        except TimeoutError:
            break
        if isinstance(message, bytes):
            out.append((time.time() * 1000.0, unpack_frame(message)[0], len(message)))
    return out


async def _single(server: LiveServer) -> dict[str, float]:
    """One session, uncapped: frames produced and received per second, bytes per frame, and the server's CPU
    time per frame (training iterations whose frame was skipped included)."""
    ws = await _socket(server, _session(server))
    await ws.send(json.dumps({"type": "play", "speed": 1, "fps": float(UNCAPPED_FPS)}))
    await receive_frames(ws, WARMUP_SECONDS)
    server_cpu = _cpu_seconds(server.process.pid)
    frames = await receive_frames(ws, SINGLE_SECONDS)
    server_cpu = _cpu_seconds(server.process.pid) - server_cpu
    await ws.close()
    first, last = frames[0], frames[-1]
    elapsed = (last[0] - first[0]) / 1000.0
    return {
        "single_fps_produced": (last[1]["seq"] - first[1]["seq"]) / elapsed,
        "single_fps_received": (len(frames) - 1) / elapsed,
        "single_steps_per_s": (last[1]["step"] - first[1]["step"]) / elapsed,
        "single_server_ms_per_frame": 1000.0 * server_cpu / len(frames),
        "frame_bytes": statistics.median(size for _, _, size in frames),
    }


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    """User + system CPU time of this (client) process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _fleet(server: LiveServer) -> dict[str, float]:
    """30 sessions at 20 frames/s each: the slowest client's frames/s, latency percentiles, and the share of
    a core the server and the client used meanwhile."""
    sockets = [await _socket(server, _session(server)) for _ in range(FLEET_SESSIONS)]
    for ws in sockets:
        await ws.send(json.dumps({"type": "play", "speed": 1, "fps": FLEET_FPS}))
    await asyncio.gather(*(receive_frames(ws, WARMUP_SECONDS) for ws in sockets))
    server_cpu, client_cpu = _cpu_seconds(server.process.pid), _own_cpu_seconds()
    results = await asyncio.gather(*(receive_frames(ws, FLEET_SECONDS) for ws in sockets))
    server_cpu = (_cpu_seconds(server.process.pid) - server_cpu) / FLEET_SECONDS
    client_cpu = (_own_cpu_seconds() - client_cpu) / FLEET_SECONDS
    for ws in sockets:
        await ws.close()
    rates = [len(frames) / FLEET_SECONDS for frames in results]
    latencies = sorted(received - header["t"] for frames in results for received, header, _ in frames)
    delivered = max(1, len(latencies))
    return {
        "fleet_server_ms_per_frame": 1000.0 * server_cpu * FLEET_SECONDS / delivered,
        "fleet_min_fps": min(rates),
        "fleet_mean_fps": statistics.fmean(rates),
        "fleet_p50_ms": latencies[len(latencies) // 2],
        "fleet_p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "fleet_frames": float(len(latencies)),
        "fleet_server_cores": server_cpu,
        "fleet_client_cores": client_cpu,
    }


def _run(env: dict[str, str], part: Any) -> dict[str, float]:
    """Start a server with `env`, run one part against it, stop the server."""
    server = start_server({"MAX_SESSIONS": "100", **env})
    try:
        result: dict[str, float] = asyncio.run(part(server))
        return result
    finally:
        server.stop()


def main() -> int:
    """Run the benchmark and print the figures next to their targets."""
    load = os.getloadavg()[0]
    figures = _in_process()
    figures.update(_run({"MAX_FPS": UNCAPPED_FPS}, _single))
    figures.update(_run({}, _fleet))
    figures["load_average"] = load
    fleet_floor = TARGETS["fleet_fps_fraction"] * FLEET_FPS
    single = f">= {TARGETS['single_fps']:g}"
    rows = [
        ("one tick in-process: train + metrics + frame (ms)", figures["tick_ms"], ""),
        ("frames/s one session can produce, in-process", figures["single_fps_in_process"], single),
        ("frames/s one session over the socket, uncapped", figures["single_fps_produced"], single),
        ("  training iterations/s meanwhile", figures["single_steps_per_s"], ""),
        ("  server CPU per frame (ms)", figures["single_server_ms_per_frame"], ""),
        ("bytes per full frame", figures["frame_bytes"], f"<= {TARGETS['frame_bytes']}"),
        (f"{FLEET_SESSIONS} sessions at {FLEET_FPS:g} fps: slowest client fps", figures["fleet_min_fps"],
         f">= {fleet_floor:g}"),
        ("  mean client fps", figures["fleet_mean_fps"], ""),
        ("  frame latency p50 (ms)", figures["fleet_p50_ms"], ""),
        ("  frame latency p99 (ms)", figures["fleet_p99_ms"], f"<= {TARGETS['fleet_p99_ms']:g}"),
        ("  server CPU meanwhile (cores)", figures["fleet_server_cores"], ""),
        ("  server CPU per delivered frame (ms)", figures["fleet_server_ms_per_frame"], ""),
        ("  client CPU meanwhile (cores)", figures["fleet_client_cores"], ""),
    ]  # fmt: skip
    print_rows(rows)
    print_load(figures, load)
    met = {
        "single_fps_in_process": figures["single_fps_in_process"] >= TARGETS["single_fps"],
        "single_fps_socket": figures["single_fps_produced"] >= TARGETS["single_fps"],
        "frame_bytes": figures["frame_bytes"] <= TARGETS["frame_bytes"],
        "fleet_fps": figures["fleet_min_fps"] >= fleet_floor,
        "fleet_p99": figures["fleet_p99_ms"] <= TARGETS["fleet_p99_ms"],
    }
    rounded = {k: round(v, 2) for k, v in figures.items()}
    print(json.dumps({"bench": "server", **rounded, "targets": TARGETS, "met": met}))
    return 0


if __name__ == "__main__":
    main()
