"""The network's analyses for the Diagnostics and Restarts views: diagnostics of the current parameters, the
gradient check with its verdict, random restarts and keeping the best of them as a new session.

Heavy work runs in a worker thread (the event loop goes on); the diagnostics and the gradient check hold
the session's lock meanwhile (they read its lab), restarts copy what they need under the lock and train
their own labs without it. Every request's work is bounded (app/config.py VIEWS, "the network's analyses").
A non-finite number in a report goes out as null.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

import numpy as np

from app.engine import diagnostics, restarts
from app.sessions import stepping
from app.sessions.labs import engine_call
from app.sessions.publisher import Publisher
from app.sessions.session import Session, SessionStore


def plain(value: Any) -> Any:
    """`value` as JSON's own types (arrays as lists), every non-finite float as None."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


async def diagnose(session: Session) -> dict[str, Any]:
    """DiagnosticsReply's fields for the session's current parameters."""
    async with session.lock:
        report = await asyncio.to_thread(engine_call, diagnostics.analyse, session.lab)
    return plain(report)  # type: ignore[no-any-return]


def _check(session: Session) -> dict[str, Any]:
    lab = session.lab
    layers = engine_call(lab.gradient_check)
    report = diagnostics.gradcheck_report(lab, layers)
    rows = report.pop("rows")
    merged = [{**layer, **row} for layer, row in zip(layers, rows, strict=True)]
    largest = max((layer["max"] for layer in layers), default=0.0)
    return {"layers": merged, "max": largest, **report}


async def gradcheck(session: Session) -> dict[str, Any]:
    """The gradient check of the iteration in progress (or the next one): per-layer relative errors, the
    largest of W^l and b^l with their verdicts, the overall verdict and the kinks nearby."""
    async with session.lock:
        report = await asyncio.to_thread(_check, session)
    return plain(report)  # type: ignore[no-any-return]


async def run_restarts(session: Session, runs: int, epochs: int, first_seed: int | None) -> dict[str, Any]:
    """`runs` seeds of the session's configuration trained `epochs` epochs each (RestartsReply's fields);
    OperationError naming `epochs` when that is more work than one request may do."""
    async with session.lock:
        lab = session.lab
        config, data = lab.config, lab.data
        engine_call(restarts.check_work, lab, runs, epochs)
    seeds = restarts.seeds_from(config.seed if first_seed is None else first_seed, runs)
    report = await asyncio.to_thread(engine_call, restarts.restarts, config, data, seeds, epochs)
    return plain(report)  # type: ignore[no-any-return]


async def keep(hub: Publisher, store: SessionStore, session: Session, seed: int, epochs: int) -> Session:
    """A new session: the session's configuration and data with `seed`, trained `epochs` epochs through
    the normal stepping (a loss-curve point and timeline keyframes at every epoch), exactly the restart run
    of that seed. SessionLimit when the store is full; OperationError naming `epochs` when over the bound."""
    async with session.lock:
        config, data = session.lab.config, session.lab.data
        engine_call(restarts.check_work, session.lab, 1, epochs)
    lab = await asyncio.to_thread(engine_call, restarts.restart_lab, config, data, seed)
    child = store.add(lab)
    hub.record_point(child)
    for _ in range(epochs):
        await stepping.step(hub, child, "epoch", 1)
    return child
