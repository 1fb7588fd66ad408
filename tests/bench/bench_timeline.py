"""Time-travel benchmark: a 100,000-iteration run of TF Playground's default network, recorded by the real
session code as the play loop records it (app/sessions/travel.py's advance, the hub's loss-curve point and
the frame, speed 1000), then three figures, each against its target:

1. seek time to 200 random recorded steps (travel.seek: restore the keyframe at or before the step, replay
   to it, make it the session's), p50 / p95 / max;
2. the timeline's memory for that run: Timeline.nbytes (what its bound counts) and tracemalloc's count of
   a copy of its keyframes (arrays, dicts, the shared data set and configuration once each);
3. the recording's overhead on the play loop: mean CPU time (time.process_time) per frame (train
   `speed` iterations in chunks, the loss-curve point, the full frame) at speed 1 and speed 1000,
   recording (the default Settings) vs recording off (keyframe work and spacing so large no keyframe is
   taken after the first), in alternating rounds; the bare engine (Lab.train, no timeline) too; and
   recording on a run already LONG_RUN iterations long, whose timeline holds its most keyframes.

Run: `python -m tests.bench.bench_timeline` (also run by `python -m tests.bench.run_all`); `--quick` for a
smoke run (10,000 iterations, fewer seeks and rounds: the figures then say nothing of the targets). The
load average is printed: on a 2-core machine other processes change every figure. The last line printed is
the figures as one JSON object.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import gc
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable

from app.config import Settings
from app.live.hub import Hub
from app.sessions import travel
from app.sessions.labs import build_lab
from app.sessions.session import Session
from app.wire.frames import build_frame
from tests.bench.report import print_load, print_rows

TARGETS = {"seek_p95_ms": 50.0, "timeline_mb": 16.0, "overhead_fraction": 0.05}
ITERATIONS = 100_000
SEEKS = 200
BUILD_SPEED = 1000
ROUNDS = 9
LONG_RUN = 1_050_000  # past max_keyframes (1024) regular keyframes at the default spacing (1000)
TICKS = {1: 600, 1000: 16}  # frames a round measures at each speed

Tick = Callable[[Session, int], None]


def recording_off() -> Settings:
    """Settings under which a timeline takes no keyframe after its first (work and spacing out of reach)."""
    return dataclasses.replace(Settings(), timeline_keyframe_work=2**62, timeline_max_spacing=2**40)


def recorded_tick(hub: Hub) -> Tick:
    """One play-loop frame as the server makes it: `speed` iterations in chunks through the timeline
    (travel.advance), the loss-curve point (hub.record_point), the full frame."""
    chunk = hub.settings.compute_chunk_iterations

    def tick(session: Session, speed: int) -> None:
        left = speed
        while left > 0:
            n = min(left, chunk)
            travel.advance(session, n)
            left -= n
        metrics = hub.record_point(session)
        build_frame(session, hub.settings, metrics, None)

    return tick


def bare_tick(hub: Hub) -> Tick:
    """The same frame with the engine trained directly (no timeline seen at all)."""
    chunk = hub.settings.compute_chunk_iterations

    def tick(session: Session, speed: int) -> None:
        left = speed
        while left > 0:
            n = min(left, chunk)
            session.lab.train(n)
            left -= n
        metrics = hub.record_point(session)
        build_frame(session, hub.settings, metrics, None)

    return tick


def build_run(iterations: int) -> tuple[Hub, Session, float]:
    """A session with an `iterations`-iteration default run recorded as a play loop at speed 1000 records
    it; the seconds it took."""
    hub = Hub(Settings())
    session = hub.store.add(build_lab({}))
    tick = recorded_tick(hub)
    start = time.perf_counter()
    while session.step < iterations:
        tick(session, min(BUILD_SPEED, iterations - session.step))
    return hub, session, time.perf_counter() - start


def seek_times(hub: Hub, session: Session, seeks: int) -> dict[str, float]:
    """travel.seek to `seeks` random recorded steps (a fixed seed): p50, p95, max in ms."""
    rng = random.Random(9)
    latest = session.timeline.latest
    targets = [rng.randint(session.timeline.first, latest) for _ in range(seeks)]

    async def run() -> list[float]:
        times = []
        for step in targets:
            start = time.perf_counter()
            await travel.seek(hub, session, step)
            times.append((time.perf_counter() - start) * 1000.0)
            assert session.step == step
        return times

    times = sorted(asyncio.run(run()))
    return {
        "seek_p50_ms": statistics.median(times),
        "seek_p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))],
        "seek_max_ms": times[-1],
    }


def memory(session: Session) -> dict[str, float]:
    """The timeline's size: its own count (nbytes) and tracemalloc's of a deep copy of its keyframes (the
    copy shares the data set and configuration between keyframes as the timeline does)."""
    timeline = session.timeline
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    frames = copy.deepcopy(timeline.frames)
    traced = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del frames
    regular = sum(1 for f in timeline.frames if not f.event)
    return {
        "timeline_nbytes_mb": timeline.nbytes / 2**20,
        "timeline_traced_mb": traced / 2**20,
        "keyframes": len(timeline.frames),
        "regular_keyframes": regular,
        "spacing": timeline.spacing,
    }


def frame_times(rounds: int, long_run: int) -> dict[str, float]:
    """Mean CPU ms per frame at speed 1 and 1000: recording, recording off, bare engine, and recording on a
    run already `long_run` iterations long (its timeline full of keyframes); each the median over `rounds`
    alternating rounds of TICKS frames (the timelines grow as real ones do)."""
    recording, off = Hub(Settings()), Hub(recording_off())
    variants: dict[str, tuple[Hub, Tick]] = {
        "recording": (recording, recorded_tick(recording)),
        "off": (off, recorded_tick(off)),
        "bare": (recording, bare_tick(recording)),
        "long": (recording, recorded_tick(recording)),
    }
    sessions = {name: hub.store.add(build_lab({})) for name, (hub, _) in variants.items()}
    while sessions["long"].step < long_run:
        variants["long"][1](sessions["long"], BUILD_SPEED)
    means: dict[str, list[float]] = {f"{name}_{speed}": [] for name in variants for speed in TICKS}
    for name, session in sessions.items():  # warm up
        for _ in range(20):
            variants[name][1](session, 1)
    for _ in range(rounds):
        for speed, count in TICKS.items():
            for name, session in sessions.items():
                tick = variants[name][1]
                gc.collect()
                start = time.process_time()  # CPU time: other processes on the machine move it less
                for _ in range(count):
                    tick(session, speed)
                means[f"{name}_{speed}"].append((time.process_time() - start) * 1000.0 / count)
    figures = {f"frame_ms_{key}": statistics.median(values) for key, values in means.items()}
    for speed in TICKS:
        on, cut, bare, long = (
            figures[f"frame_ms_{name}_{speed}"] for name in ("recording", "off", "bare", "long")
        )
        figures[f"overhead_vs_off_{speed}"] = (on - cut) / cut
        figures[f"overhead_vs_bare_{speed}"] = (on - bare) / bare
        figures[f"overhead_long_vs_off_{speed}"] = (long - cut) / cut
    figures["long_keyframes"] = float(len(sessions["long"].timeline.frames))
    figures["long_steps"] = float(sessions["long"].step)
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures next to their targets."""
    args = sys.argv[1:] if argv is None else argv
    quick = "--quick" in args
    iterations, seeks, rounds = (10_000, 40, 2) if quick else (ITERATIONS, SEEKS, ROUNDS)
    long_run = 100_000 if quick else LONG_RUN
    load = os.getloadavg()[0]
    hub, session, built = build_run(iterations)
    figures: dict[str, float] = {"iterations": iterations, "build_s": built}
    figures.update(memory(session))
    figures.update(seek_times(hub, session, seeks))
    figures.update(frame_times(rounds, long_run))
    figures["load_average"] = load
    worst = max(figures[f"overhead{kind}_vs_off_{speed}"] for kind in ("", "_long") for speed in TICKS)
    mb = f"<= {TARGETS['timeline_mb']:g}"
    rows = [
        (f"run of {iterations} iterations recorded at speed {BUILD_SPEED} (s)", figures["build_s"], ""),
        (f"seek to a random step, p50 of {seeks} (ms)", figures["seek_p50_ms"], ""),
        ("  p95 (ms)", figures["seek_p95_ms"], f"<= {TARGETS['seek_p95_ms']:g}"),
        ("  max (ms)", figures["seek_max_ms"], ""),
        ("timeline bytes, Timeline.nbytes (MB)", figures["timeline_nbytes_mb"], mb),
        ("  tracemalloc of its keyframes (MB)", figures["timeline_traced_mb"], mb),
        ("  keyframes (regular + event)", figures["keyframes"], ""),
        ("  regular keyframe spacing (iterations)", figures["spacing"], ""),
        ("frame at speed 1, recording (ms)", figures["frame_ms_recording_1"], ""),
        ("  recording off (ms)", figures["frame_ms_off_1"], ""),
        ("  bare engine, no timeline (ms)", figures["frame_ms_bare_1"], ""),
        ("  overhead vs off", figures["overhead_vs_off_1"], f"<= {TARGETS['overhead_fraction']:g}"),
        ("  overhead vs bare", figures["overhead_vs_bare_1"], ""),
        ("frame at speed 1000, recording (ms)", figures["frame_ms_recording_1000"], ""),
        ("  recording off (ms)", figures["frame_ms_off_1000"], ""),
        ("  bare engine, no timeline (ms)", figures["frame_ms_bare_1000"], ""),
        ("  overhead vs off", figures["overhead_vs_off_1000"], f"<= {TARGETS['overhead_fraction']:g}"),
        ("  overhead vs bare", figures["overhead_vs_bare_1000"], ""),
        (f"frame, run {figures['long_steps']:.0f} iterations long, speed 1 (ms)", figures["frame_ms_long_1"],
         ""),
        ("  overhead vs off", figures["overhead_long_vs_off_1"], f"<= {TARGETS['overhead_fraction']:g}"),
        ("  same, speed 1000 (ms)", figures["frame_ms_long_1000"], ""),
        ("  overhead vs off", figures["overhead_long_vs_off_1000"], f"<= {TARGETS['overhead_fraction']:g}"),
        ("  its keyframes", figures["long_keyframes"], ""),
    ]  # fmt: skip
    print_rows(rows, digits=3)
    print_load(figures, load, " (--quick: a smoke run, not the targets' run)" if quick else "")
    met = {
        "seek_p95": figures["seek_p95_ms"] <= TARGETS["seek_p95_ms"],
        "timeline_mb": max(figures["timeline_nbytes_mb"], figures["timeline_traced_mb"])
        <= TARGETS["timeline_mb"],
        "overhead": worst <= TARGETS["overhead_fraction"],
    }
    rounded = {k: round(v, 4) for k, v in figures.items()}
    print(json.dumps({"bench": "timeline", "quick": quick, **rounded, "targets": TARGETS, "met": met}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
