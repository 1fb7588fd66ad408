"""What a session looks like on the wire: its full state (JSON) and its binary frames (docs/protocol.md).

A frame is built once per tick and the same bytes go to every socket of the session. Its header is one JSON
object: the fields that change every frame (seq, t, cursor, metrics, history, records) are encoded here,
those that depend only on the parameters (weights, biases, the traced example, the maps: app/wire/snapshot.py)
come as ready JSON kept until the parameters change.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence, Sized
from typing import Any, Protocol

from app.config import Settings
from app.engine.data import CsvData
from app.engine.diagnostics import gradient_norms
from app.engine.lab import Lab
from app.schemas import SessionConfig
from app.wire.codec import arrays, pack_frame, to_wire, wire_bytes
from app.wire.snapshot import Snapshot


class FrameSource(Protocol):
    """What a state or a frame is built from: a session (app/sessions/session.py) as the wire sees it."""

    seq: int  # the newest frame's sequence number (build_frame counts it up)

    @property
    def id(self) -> str: ...
    @property
    def lab(self) -> Lab: ...
    @property
    def snapshot(self) -> Snapshot: ...
    @property
    def playing(self) -> bool: ...
    @property
    def speed(self) -> int: ...
    @property
    def fps(self) -> float: ...
    @property
    def changes(self) -> Sequence[dict[str, Any]]: ...
    @property
    def diverged(self) -> dict[str, Any] | None: ...
    @property
    def saturated(self) -> dict[str, Any] | None: ...
    @property
    def connections(self) -> Sized: ...

    def curve(self) -> list[dict[str, Any]]:
        """The loss curve as stored plus the newest point."""

    def timeline_payload(self) -> dict[str, Any]:
        """The run's timeline as the wire has it (docs/protocol.md, "Timeline")."""

    def timeline_span(self) -> dict[str, int]:
        """{"first", "latest"}: the steps the run's timeline can reach."""

    def take_unsent_points(self) -> list[dict[str, Any]]:
        """The loss-curve points since the previous frame (forgotten once taken)."""


def metrics_of(session: FrameSource) -> dict[str, Any]:
    """Train/test loss and accuracy of the session's current parameters, wire-ready (computed once per
    parameter state)."""
    return dict(session.snapshot.metrics(session.lab))


def history_point(session: FrameSource, metrics: dict[str, Any]) -> dict[str, Any]:
    """A loss-curve point at the current step, with ‖∂L/∂W^l‖ of the gradient the last update used (null
    before the first update of this network; a non-finite norm as null)."""
    lab = session.lab
    cursor = lab.cursor
    norms = gradient_norms(lab.network, lab.last_gradient())
    wired = None if norms is None else [v if math.isfinite(v) else None for v in norms]
    return {"step": int(cursor["step"]), "epoch": int(cursor["epoch"]), **metrics, "grad_norms": wired}


def data_view(session: FrameSource) -> dict[str, Any]:
    """The examples as the page draws them."""
    data = session.lab.data
    return {
        "name": data.name,
        "kind": data.kind,
        "n_classes": int(data.n_classes),
        "feature_names": list(data.feature_names),
        "feature_labels": list(data.feature_labels),
        "class_names": list(data.class_names),
        "points": to_wire(data.points, "data.points"),
        "inputs": None if data.points is not None else to_wire(data.inputs, "data.inputs"),
        "labels": to_wire(data.labels, "data.labels"),
        "train_indices": to_wire(data.train_indices),
        "test_indices": to_wire(data.test_indices),
        "domain": [float(data.domain[0]), float(data.domain[1])],
    }


def config_view(session: FrameSource) -> dict[str, Any]:
    """The session's current configuration (live changes included) in SessionConfig's shape."""
    config = session.lab.config
    values: dict[str, Any] = {}
    for name in SessionConfig.model_fields:
        if name == "dataset":
            continue
        values[name] = to_wire(getattr(config, name), f"config.{name}")
    dataset = config.dataset
    if isinstance(dataset, str):
        values["dataset"] = dataset
    elif isinstance(dataset, CsvData):  # an imported CSV file
        values["dataset"] = {"csv": dataset.csv, "label": dataset.label}
    else:
        values["dataset"] = {
            "inputs": to_wire(dataset.inputs, "config.dataset.inputs"),
            "targets": to_wire(dataset.targets, "config.dataset.targets"),
            "kind": dataset.kind,
        }
    return values


def state_payload(session: FrameSource, metrics: dict[str, Any] | None = None) -> dict[str, Any]:
    """The SessionState of docs/protocol.md."""
    lab = session.lab
    cursor = to_wire(lab.cursor, "cursor")
    timeline = session.timeline_payload()
    return {
        "id": session.id,
        "config": config_view(session),
        "step": cursor["step"],
        "epoch": cursor["epoch"],
        "cursor": cursor,
        "weights": to_wire(lab.weights, "weights"),
        "biases": arrays(lab.biases, "biases"),
        "metrics": metrics if metrics is not None else metrics_of(session),
        "history": session.curve(),
        "changes": list(session.changes),
        "data": data_view(session),
        "optimizer_state": to_wire(lab.optimizer_state(), "optimizer_state"),
        "diverged": session.diverged,
        "saturated": session.saturated,
        "playing": session.playing,
        "speed": session.speed,
        "fps": session.fps,
        "clients": len(session.connections),
        "parent": timeline["parent"],
        "timeline": timeline,
    }


def _gradients(records: list[dict[str, Any]], layers: int) -> tuple[list[Any] | None, list[Any] | None]:
    """Batch gradients from the current iteration's backward records, per layer (None where not yet run)."""
    grad_w: list[Any] = [None] * layers
    grad_b: list[Any] = [None] * layers
    found = False
    for record in records:
        if record["phase"] == "backward":
            index = int(record["layer"]) - 1
            grad_w[index] = to_wire(record["grad_weights"], "grad_weights")
            grad_b[index] = to_wire(record["grad_biases"], "grad_biases")
            found = True
    return (grad_w, grad_b) if found else (None, None)


def build_frame(
    session: FrameSource, settings: Settings, metrics: dict[str, Any], records: list[dict[str, Any]] | None
) -> bytes:
    """One binary frame of the session's current state; `records` when stepping, None while playing."""
    lab = session.lab
    session.seq += 1
    cursor = lab.cursor
    grad_w, grad_b = _gradients(records, lab.network.depth) if records else (None, None)
    encoded, payload = session.snapshot.encoded(lab, settings)
    header = {
        "type": "frame",
        "seq": session.seq,
        "t": time.time() * 1000.0,
        "step": cursor["step"],
        "epoch": cursor["epoch"],
        "cursor": cursor,
        "playing": session.playing,
        "speed": session.speed,
        "selected": int(lab.config.selected),
        "timeline": session.timeline_span(),
        "metrics": metrics,
        "history": session.take_unsent_points(),
        "grad_weights": grad_w,
        "grad_biases": grad_b,
        "records": to_wire(records, "records") if records else None,
    }
    head = wire_bytes(header, "frame header")
    return pack_frame(b"".join((head[:-1], b",", encoded, b"}")), payload)
