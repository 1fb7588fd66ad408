"""Classroom benchmark: one room followed by 300 students at 30 frames/s while 30 other sessions play at
20 frames/s, on one real `python -m app` process.

Run: `python -m tests.bench.bench_rooms [--seconds S] [--followers N] [--others M]` (also run by run_all, for
DEFAULT_SECONDS). The teacher's session plays TF Playground's default network at one iteration per frame;
the followers are real sockets on /ws/rooms/{code}, spread over CLIENT_PROCESSES processes (one Python
process could not read 300 × 30 full frames a second by itself). Figures, each against its target:

- every follower's frames/s (the slowest one counts) ≥ 95 % of 30;
- frame latency from the server's timestamp `t` to receipt, p50 and p99 over every follower's frames
  (≤ 150 ms);
- frames the room's session encoded vs frames handed to followers (`/roster`: one encode per room frame);
- the server's CPU per follower-frame, and its RSS growth from the end of the warm-up to the end (≤ 10 %),
  and over the second half alone (the sessions' bounded keyframe rings fill early; a leak grows throughout).

The machine's load average is printed too: the clients share the 2 cores with the server, so every figure
is a lower bound on what the server alone does. The last line printed is the figures as one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import statistics
import time
from typing import Any

import httpx
from websockets.asyncio.client import connect

from tests.bench.bench_server import _cpu_seconds
from tests.bench.report import print_load, print_rows
from tests.support.live_server import LiveServer, start_server

TARGETS = {"fps_fraction": 0.95, "p99_ms": 150.0, "rss_growth": 0.10}
ROOM_FPS = 30.0
FOLLOWERS = 300
OTHER_SESSIONS = 30
OTHER_FPS = 20.0
CLIENT_PROCESSES = 2
WARMUP_SECONDS = 3.0
RSS_SAMPLES = 6  # RSS read this many times over the span: growth in its second half is reported too
DEFAULT_SECONDS = 180.0
_T = re.compile(rb'"t":\s*([0-9.]+)')


def _rss_bytes(pid: int) -> int:
    """A process's resident set size (Linux /proc)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


async def _follow(url: str, origin: str, seconds: float, start_at: float) -> tuple[int, list[float]]:
    """One follower: frames received after `start_at` for `seconds`, and their latencies (ms)."""
    latencies: list[float] = []
    async with connect(url, additional_headers={"origin": origin}, max_size=None, compression=None) as ws:
        end = start_at + seconds
        while True:
            remaining = end - time.time()
            if remaining <= 0:
                break
            try:
                raw = await asyncio.wait_for(ws.recv(), remaining)
            except TimeoutError:
                break
            now = time.time() * 1000.0
            if isinstance(raw, bytes) and now >= start_at * 1000.0:
                n = int.from_bytes(raw[:4], "little")
                found = _T.search(raw, 4, 4 + n)
                if found is not None:
                    latencies.append(now - float(found.group(1)))
    return len(latencies), latencies


def _client_process(url: str, origin: str, count: int, seconds: float, start_at: float, out: Any) -> None:
    """A process of `count` followers; puts [(frames, latencies), ...] on `out`."""

    async def run() -> list[tuple[int, list[float]]]:
        tasks = []
        for i in range(count):
            tasks.append(asyncio.create_task(_follow(f"{url}&name=s{i}", origin, seconds, start_at)))
            await asyncio.sleep(0.005)  # a hall arriving, not one burst of handshakes
        return list(await asyncio.gather(*tasks))

    out.put(asyncio.run(run()))


async def _start_others(server: LiveServer, count: int) -> list[Any]:
    """`count` sessions playing at OTHER_FPS, each with one socket."""
    async with httpx.AsyncClient() as http:
        ids = [(await http.post(f"{server.url}/api/sessions", json={})).json()["id"] for _ in range(count)]
    origin = {"origin": server.url}
    sockets = [
        await connect(f"{server.ws_url}/ws/sessions/{sid}", additional_headers=origin, max_size=None)
        for sid in ids
    ]
    for ws in sockets:
        await ws.send(json.dumps({"type": "play", "speed": 1, "fps": OTHER_FPS}))
    return sockets


async def _count_frames(ws: Any, start_at: float, seconds: float) -> int:
    """Frames a socket receives from `start_at` for `seconds` (read and dropped before)."""
    frames = 0
    end = start_at + seconds
    while time.time() < end:
        try:
            raw = await asyncio.wait_for(ws.recv(), max(0.01, end - time.time()))
        except TimeoutError:
            break
        frames += isinstance(raw, bytes) and time.time() >= start_at
    await ws.close()
    return frames


def measure(seconds: float, followers: int, other_sessions: int = OTHER_SESSIONS) -> dict[str, float]:
    """Run the classroom load for `seconds` (after a warm-up) and return the figures."""
    server = start_server({"MAX_SESSIONS": "100", "MAX_ROOM_FOLLOWERS": str(followers + 10)})
    try:
        http = httpx.Client()
        sid = http.post(f"{server.url}/api/sessions", json={}).json()["id"]
        room = http.post(f"{server.url}/api/rooms", json={"session": sid}).json()
        code, token = room["code"], room["teacher_token"]
        context = multiprocessing.get_context("spawn")
        out = context.Queue()
        start_at = time.time() + WARMUP_SECONDS + followers * 0.005 / CLIENT_PROCESSES + 2.0
        share = [
            followers // CLIENT_PROCESSES + (i < followers % CLIENT_PROCESSES)
            for i in range(CLIENT_PROCESSES)
        ]
        url = f"{server.ws_url}/ws/rooms/{code}?x=1"
        processes = [
            context.Process(target=_client_process, args=(url, server.url, n, seconds, start_at, out))
            for n in share
        ]
        for process in processes:
            process.start()

        async def teacher_and_others() -> tuple[list[int], dict[str, float]]:
            async with connect(
                f"{server.ws_url}/ws/sessions/{sid}", additional_headers={"origin": server.url}, max_size=None
            ) as teacher:
                await teacher.send(json.dumps({"type": "auth", "token": token}))
                await teacher.send(json.dumps({"type": "play", "speed": 1, "fps": ROOM_FPS}))
                reader = asyncio.create_task(_drain_forever(teacher))
                sockets = await _start_others(server, other_sessions)
                counting = [asyncio.create_task(_count_frames(ws, start_at, seconds)) for ws in sockets]
                await asyncio.sleep(max(0.0, start_at - time.time()))
                pid = server.process.pid
                marks = {"cpu": _cpu_seconds(pid), "rss": float(_rss_bytes(pid))}
                roster0 = http.get(
                    f"{server.url}/api/rooms/{code}/roster", headers={"authorization": f"Bearer {token}"}
                ).json()
                samples = asyncio.create_task(_sample_rss(pid, seconds))
                if not counting:  # the room alone: the measured span is the followers' own
                    await asyncio.sleep(seconds)
                others = list(await asyncio.gather(*counting))
                marks["rss_mid"] = (await samples)[RSS_SAMPLES // 2]
                marks["cpu"] = _cpu_seconds(pid) - marks["cpu"]
                marks["rss_end"] = float(_rss_bytes(pid))
                roster1 = http.get(
                    f"{server.url}/api/rooms/{code}/roster", headers={"authorization": f"Bearer {token}"}
                ).json()
                marks["encoded"] = roster1["frames_encoded"] - roster0["frames_encoded"]
                marks["delivered"] = roster1["frames_delivered"] - roster0["frames_delivered"]
                reader.cancel()
                return others, marks

        others, marks = asyncio.run(teacher_and_others())
        results = [item for _ in processes for item in out.get(timeout=seconds + 120)]
        for process in processes:
            process.join(30)
    finally:
        server.stop()
    rates = [frames / seconds for frames, _ in results]
    latencies = sorted(ms for _, values in results for ms in values)
    delivered = max(1, len(latencies))
    return {
        "followers": float(len(results)),
        "follower_min_fps": min(rates) if rates else 0.0,
        "follower_mean_fps": statistics.fmean(rates) if rates else 0.0,
        "p50_ms": latencies[len(latencies) // 2] if latencies else 0.0,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0,
        "others_min_fps": min(others) / seconds if others else 0.0,
        "frames_encoded": marks["encoded"],
        "frames_delivered": marks["delivered"],
        "deliveries_per_encode": marks["delivered"] / max(1.0, marks["encoded"]),
        "server_cores": marks["cpu"] / seconds,
        "server_us_per_follower_frame": 1e6 * marks["cpu"] / delivered,
        "rss_start_mb": marks["rss"] / 2**20,
        "rss_end_mb": marks["rss_end"] / 2**20,
        "rss_growth": marks["rss_end"] / marks["rss"] - 1.0,
        "rss_growth_second_half": marks["rss_end"] / marks["rss_mid"] - 1.0,
    }


async def _sample_rss(pid: int, seconds: float) -> list[float]:
    """The server's RSS at RSS_SAMPLES + 1 evenly spaced moments of the measured span (the first now)."""
    found = [float(_rss_bytes(pid))]
    for _ in range(RSS_SAMPLES):
        await asyncio.sleep(seconds / RSS_SAMPLES)
        found.append(float(_rss_bytes(pid)))
    return found


async def _drain_forever(ws: Any) -> None:
    """Read (and drop) everything the teacher's socket gets."""
    while True:
        await ws.recv()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures next to their targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS)
    parser.add_argument("--followers", type=int, default=FOLLOWERS)
    parser.add_argument(
        "--others", type=int, default=OTHER_SESSIONS, help="other sessions playing beside the room"
    )
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    figures = measure(args.seconds, args.followers, args.others)
    floor = TARGETS["fps_fraction"] * ROOM_FPS
    rows = [
        (f"{args.followers} followers at {ROOM_FPS:g} fps: slowest fps", figures["follower_min_fps"],
         f">= {floor:g}"),
        ("  mean follower fps", figures["follower_mean_fps"], ""),
        ("  frame latency p50 (ms)", figures["p50_ms"], ""),
        ("  frame latency p99 (ms)", figures["p99_ms"], f"<= {TARGETS['p99_ms']:g}"),
        ("  room frames encoded", figures["frames_encoded"], ""),
        ("  follower deliveries per encoded frame", figures["deliveries_per_encode"], "= followers"),
        (f"{args.others} other sessions at {OTHER_FPS:g} fps: slowest fps", figures["others_min_fps"], ""),
        ("server CPU meanwhile (cores)", figures["server_cores"], ""),
        ("server CPU per follower-frame (µs)", figures["server_us_per_follower_frame"], ""),
        ("server RSS at the start (MB)", figures["rss_start_mb"], f"{figures['rss_end_mb']:.1f} at the end"),
        ("server RSS growth", figures["rss_growth"], f"<= {TARGETS['rss_growth']:g}"),
        ("  of it in the second half", figures["rss_growth_second_half"], "(a leak grows here too)"),
    ]  # fmt: skip
    print_rows(rows)
    print_load(figures, load)
    figures["load_average"] = load
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
