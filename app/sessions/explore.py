"""The lecture views' questions to a session's network, shared by REST: the loss-surface slice over two
parameters with the run's path on it, and a layer's pre-activations.

Each takes what it needs under the session's lock (a copy of the network, the run's keyframes so far) and
computes in a worker thread without it, so the event loop and the session's own training go on meanwhile;
the session counts as busy (never idle) until the answer is ready.
"""

from __future__ import annotations

import asyncio
import copy
import math
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from app.config import VIEWS
from app.engine import explorer
from app.engine.errors import EngineError
from app.engine.lab import Lab
from app.engine.losses import LOSSES
from app.engine.network import Network
from app.engine.surface import Parameter, Slice, check_parameter, loss_slice, slice_work
from app.sessions.labs import OperationError, engine_call
from app.sessions.session import Session
from app.timeline.path import Path, parameter_path
from app.timeline.timeline import Timeline

T = TypeVar("T")


def _copy_network(lab: Lab) -> Network:
    net = lab.network
    return Network(net.sizes, net.activations, net.weights(), net.biases())


def _nullable(values: NDArray[np.float64]) -> list[list[float | None]]:
    """A grid as nested lists, null where it is not finite."""
    return [[v if math.isfinite(v) else None for v in row] for row in values.tolist()]


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


async def _off_loop(session: Session, work: Callable[[], T]) -> T:
    """`work` in a worker thread, the session busy meanwhile."""
    session.busy += 1
    try:
        return await asyncio.to_thread(work)
    finally:
        session.busy -= 1


def _parameter(p: dict[str, Any], sizes: tuple[int, ...], name: str) -> Parameter:
    param = Parameter(p["kind"], p["layer"], p["row"], p.get("col"))
    engine_call(check_parameter, sizes, param, name)
    return param


def _value(p: Parameter, value: float) -> dict[str, Any]:
    return {"kind": p.kind, "layer": p.layer, "row": p.row, "col": p.col, "value": value}


async def surface(
    session: Session, first: dict[str, Any], second: dict[str, Any], span: float, resolution: int
) -> dict[str, Any]:
    """The training loss over two parameters (SurfaceReply's fields); OperationError naming first.*,
    second.* or resolution (the work bound)."""
    async with session.lock:
        lab = session.lab
        sizes = lab.network.sizes
        p1, p2 = _parameter(first, sizes, "first"), _parameter(second, sizes, "second")
        examples, parameters = lab.data.n_train, lab.network.theta.size
        work = slice_work(resolution, examples, parameters)
        if work > VIEWS.surface_max_work:
            largest = int((VIEWS.surface_max_work // (examples * parameters)) ** 0.5)
            advice = (
                f"choose a resolution of at most {largest} for this network"
                if largest >= VIEWS.surface_resolution_min
                else "this network and data set are too large for a slice"
            )
            raise OperationError(
                "resolution",
                f"resolution: {resolution}² grid points × {examples} training examples × {parameters} "
                f"parameters is more than this view may compute ({VIEWS.surface_max_work:,}); {advice}",
            )
        net, step, config, data = _copy_network(lab), lab.step, lab.config, lab.data
        timeline = copy.copy(session.timeline)
        timeline.frames = list(session.timeline.frames)
        indices = [p1.index(net.layout), p2.index(net.layout)]

    def compute() -> tuple[Slice, Path]:
        loss = LOSSES[config.loss]
        reg, rate = config.regularization, config.regularization_rate
        grid = loss_slice(net, loss, data.x_train, data.y_train, reg, rate, p1, p2, span, resolution)
        path = _path(timeline, step, net.theta.copy(), indices)
        return grid, path

    try:
        grid, path = await _off_loop(session, compute)
    except EngineError as error:
        raise OperationError.from_engine(error) from None
    finite = grid.values[np.isfinite(grid.values)]
    return {
        "step": step,
        "first": _value(p1, grid.centre[0]),
        "second": _value(p2, grid.centre[1]),
        "span": span,
        "resolution": resolution,
        "first_values": grid.first.tolist(),
        "second_values": grid.second.tolist(),
        "loss": _nullable(grid.values),
        "min": float(finite.min()) if finite.size else None,
        "max": float(finite.max()) if finite.size else None,
        "current": {
            "loss": _finite(grid.loss),
            "data_loss": _finite(grid.data_loss),
            "penalty": grid.penalty,
        },
        "path": {
            "steps": path.steps,
            "first": path.values[:, 0].tolist(),
            "second": path.values[:, 1].tolist(),
            "replayed": path.replayed,
        },
        "objective": {
            "loss": config.loss,
            "regularization": config.regularization,
            "regularization_rate": float(config.regularization_rate),
            "examples": examples,
        },
        "work": work,
    }


def _path(timeline: Timeline, step: int, now: NDArray[np.float64], indices: list[int]) -> Path:
    return parameter_path(timeline, step, now, indices, VIEWS.surface_path_points, VIEWS.surface_replay_work)


async def preactivations(session: Session, layer: int, half_width: float, bins: int) -> dict[str, Any]:
    """Layer `layer`'s z over the training set, binned (PreactivationsReply's fields); OperationError
    naming layer."""
    async with session.lock:
        lab = session.lab
        if not 1 <= layer <= lab.network.depth:
            raise OperationError("layer", f"must be a layer of this network, 1..{lab.network.depth}")
        net, step, x = _copy_network(lab), lab.step, lab.data.x_train
    report = await _off_loop(session, lambda: explorer.histogram(net, x, layer, half_width, bins))
    return {
        "step": step,
        "layer": layer,
        "half_width": half_width,
        "bins": bins,
        **{k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in report.items()},
    }
